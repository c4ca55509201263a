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

    /// The zone's offset at `time` (as ``offset(_:at:)`` gives it) with the stretch of time
    /// over which it holds: from `time`'s quarter hour to the quarter hour of the zone's
    /// next transition. A caller that keeps the span asks again only when a time falls
    /// outside it, not once per time.
    public func span(_ zone: String, at time: Timestamp) -> OffsetSpan {
        let quarter = time.seconds.floorDiv(900)
        let offset = offset(zone, at: time)
        // The next change after the quarter's start (exclusive, as the offset at the start
        // is the one in force). A change between quarter hours (only in zones' early local
        // mean times) takes effect at the next quarter, as offset(_:at:) reads it.
        let end: Int64
        if let next = zones[zone]!.timeZone.nextDaylightSavingTimeTransition(
            after: Date(timeIntervalSince1970: TimeInterval(quarter * 900))),
            next.timeIntervalSince1970 < 1e15 {
            let seconds = Int64(next.timeIntervalSince1970.rounded(.up))
            end = -(-seconds).floorDiv(900) * 900
        } else {
            end = .max
        }
        return OffsetSpan(offset: offset, start: quarter * 900, end: end)
    }
}

/// A zone's offset from UTC and the times it holds for: seconds since 1970 from `start`
/// up to, not including, `end`.
public struct OffsetSpan: Sendable, Equatable {
    /// Seconds east of UTC.
    public var offset: Int
    public var start: Int64
    public var end: Int64

    public init(offset: Int, start: Int64, end: Int64) {
        self.offset = offset
        self.start = start
        self.end = end
    }

    /// A span that holds no time, for a cache not yet filled.
    public static let empty = OffsetSpan(offset: 0, start: 0, end: 0)

    @inline(__always)
    public func contains(_ time: Timestamp) -> Bool {
        let seconds = time.seconds
        return seconds >= start && seconds < end
    }

    /// The local day of `time`, which the span holds, as days since 1970-01-01.
    @inline(__always)
    public func day(_ time: Timestamp) -> Int64 {
        (time.seconds + Int64(offset)).floorDiv(86_400)
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
        String(Timestamp(microseconds: number * Timestamp.microsecondsPerDay).rfc3339.prefix(10))
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        guard let t = Timestamp(rfc3339: text + "T00:00:00Z") else { return nil }
        number = t.seconds.floorDiv(86_400)
    }
}
