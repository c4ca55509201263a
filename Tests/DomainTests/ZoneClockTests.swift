import Domain
import Events
import Foundation
import TestSupport
import Testing

/// A zone's offset kept over its span (as the activity projection keeps it per connection)
/// is the offset asked for each time. Randomized: the seed is printed on failure.
@Suite struct ZoneClockTests {
    @Test func anOffsetKeptOverItsSpanIsTheOffsetAskedEachTime() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        let zones = [
            "Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe",
            "Africa/Casablanca", "Pacific/Apia", "Europe/Moscow", "America/St_Johns", "UTC", "Not/AZone",
        ]
        let asked = ZoneClock()
        let kept = ZoneClock()
        var spansLeft = 0
        for zone in zones {
            // Walks forward from 1901 to 2100 in random steps, a few minutes to a few
            // weeks: across every transition these zones have had, most of them many times.
            var seconds = Int64.random(in: -2_177_452_800 ... -2_000_000_000, using: &rng)
            var span = OffsetSpan.empty
            while seconds < 4_102_444_800 {
                let time = Timestamp(microseconds: seconds * 1_000_000 + Int64.random(in: 0..<1_000_000, using: &rng))
                if !span.contains(time) {
                    if span != .empty { spansLeft += 1 }
                    span = kept.span(zone, at: time)
                    #expect(span.contains(time), "seed \(seed): \(zone) \(time.microseconds) \(span)")
                }
                #expect(span.offset == asked.offset(zone, at: time), "seed \(seed): \(zone) \(time.microseconds) \(span)")
                #expect(span.day(time) == asked.day(zone, at: time), "seed \(seed): \(zone) \(time.microseconds)")
                seconds += Int64.random(in: 60...3_000_000, using: &rng)
            }
        }
        // The walks left spans at transitions (a zone without any, like UTC, never does).
        #expect(spansLeft > 500, "seed \(seed)")
    }

    @Test func aSpanEndsAtTheZonesNextChange() {
        let clock = ZoneClock()
        // Paris went to summer time at 2026-03-29T01:00:00Z.
        let span = clock.span("Europe/Paris", at: Timestamp(rfc3339: "2026-02-10T12:07:00Z")!)
        #expect(span.offset == 3600)
        #expect(span.start == Timestamp(rfc3339: "2026-02-10T12:00:00Z")!.seconds)
        #expect(span.end == Timestamp(rfc3339: "2026-03-29T01:00:00Z")!.seconds)
        #expect(clock.span("UTC", at: Timestamp(seconds: 0)).end == .max)
    }
}
