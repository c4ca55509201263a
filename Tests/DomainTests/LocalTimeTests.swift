import Domain
import Events
import Foundation
import TestSupport
import Testing

/// The times people read, written without Foundation's formatter (over the RFC 3339
/// text and `PaddedDigits`), held to what `String(format:)` writes for the same numbers. Randomized: the seed is printed on failure.
@Suite struct LocalTimeTests {
    @Test func localTimesAreWhatTheFormatterWrote() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        for zone in ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "UTC"] {
            for _ in 0..<300 {
                // From 1901 to 2100: either side of every transition the zones have had.
                let time = Timestamp(microseconds: Int64.random(in: -2_177_452_800...4_102_444_800, using: &rng) * 1_000_000)
                let offset = LocalTime.offset(zone, at: time)
                let local = time.seconds + Int64(offset)
                let days = Int64((Double(local) / 86_400).rounded(.down))
                let secs = Int(local - days * 86_400)
                let (y, m, d) = CivilDate.fromDays(days)
                let sign = offset < 0 ? "-" : "+"
                let minutes = abs(offset) / 60
                #expect(LocalTime.format(time, in: zone)
                        == String(format: "%04lld-%02d-%02d %02d:%02d:%02d", y, m, d, secs / 3600, secs / 60 % 60, secs % 60), "seed \(seed): \(zone) \(time.microseconds)")
                #expect(LocalTime.offsetLabel(offset) == String(format: "UTC%@%02d:%02d", sign, minutes / 60, minutes % 60), "seed \(seed)")
                #expect(LocalTime.rfc3339(time, in: zone).hasSuffix(String(format: "%@%02d:%02d", sign, minutes / 60, minutes % 60)), "seed \(seed)")
                #expect(LocalDay(days).description == String(format: "%04lld-%02d-%02d", y, m, d), "seed \(seed)")
            }
        }
    }
}
