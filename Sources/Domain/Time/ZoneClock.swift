internal import Foundation
public import Events

/// Local days in IANA time zones, with the zone's offset cached per quarter hour of UTC
/// (every real offset change falls on a quarter hour), so a projection does not ask the
/// time zone database for each event.
public final class ZoneClock {
    private struct Zone {
        let timeZone: TimeZone
        var offsets: [Int64: Int32] = [:]
    }

    // Asked for every request by its owner's one thread, never from inside another access
    // to itself: no run-time exclusivity checks.
    @exclusivity(unchecked) private var zones: [String: Zone] = [:]

    public init() {}

    /// The zone's offset from UTC, in seconds, at `time`.
    public func offset(_ zone: String, at time: Timestamp) -> Int {
        let quarter = time.seconds.floorDiv(900)
        if let cached = zones[zone]?.offsets[quarter] { return Int(cached) }
        if zones[zone] == nil {
            zones[zone] = Zone(timeZone: TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!)
        }
        let offset = zones[zone]!.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(quarter * 900)))
        if zones[zone]!.offsets.count > 100_000 { zones[zone]!.offsets.removeAll() }
        zones[zone]!.offsets[quarter] = Int32(offset)
        return offset
    }

    /// The local day of `time` in `zone`, as days since 1970-01-01.
    public func day(_ zone: String, at time: Timestamp) -> Int64 {
        (time.seconds + Int64(offset(zone, at: time))).floorDiv(86_400)
    }
}

/// A calendar day, counted from 1970-01-01.
public struct LocalDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var number: Int64

    public init(_ number: Int64) {
        self.number = number
    }

    public static func < (a: LocalDay, b: LocalDay) -> Bool { a.number < b.number }

    /// `YYYY-MM-DD`.
    public var description: String {
        // The date part of its midnight's RFC 3339 text.
        String(Timestamp(microseconds: number * 86_400_000_000).rfc3339.prefix(10))
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        guard let t = Timestamp(rfc3339: text + "T00:00:00Z") else { return nil }
        number = t.seconds.floorDiv(86_400)
    }
}
