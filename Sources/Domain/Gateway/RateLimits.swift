public import Events

/// The hub's rate limits per connection: so many calls a minute, an hour and a day, the
/// windows starting on the round minute, hour and day (UTC), and for the heavy endpoints
/// (``HeavyEndpoint``) so many a minute of their own besides. Built from the journal's
/// request events, then kept by counting each call as it is admitted.
public struct RateLimits: Sendable {
    public struct Limits: Hashable, Sendable {
        public var perMinute: Int
        public var perHour: Int
        public var perDay: Int
        /// Calls a minute to the heavy endpoints, which count in the three windows too.
        public var heavyPerMinute: Int

        public init(perMinute: Int = 500, perHour: Int = 2_500, perDay: Int = 10_000, heavyPerMinute: Int = 10) {
            self.perMinute = perMinute
            self.perHour = perHour
            self.perDay = perDay
            self.heavyPerMinute = heavyPerMinute
        }
    }

    /// The answer to one call: admitted with what is left of the tightest window, or refused
    /// until that window ends.
    public struct Decision: Hashable, Sendable {
        public var admitted: Bool
        /// The limit of the window that decides (the tightest one).
        public var limit: Int
        public var remaining: Int
        /// When that window ends.
        public var reset: Timestamp
    }

    struct Window: Hashable, Sendable {
        var start: Int64
        var count: Int
    }

    struct Counts: Sendable {
        var minute = Window(start: 0, count: 0)
        var hour = Window(start: 0, count: 0)
        var day = Window(start: 0, count: 0)
        var heavyMinute = Window(start: 0, count: 0)
    }

    public let limits: Limits
    private var counts: [String: Counts] = [:]

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    static let minute: Int64 = 60_000_000
    static let hour: Int64 = 3_600_000_000
    static let day: Int64 = Timestamp.microsecondsPerDay

    /// Takes into the counts a call made earlier (replaying the journal); calls outside
    /// the current windows are forgotten as time moves on.
    public mutating func record(_ connection: String, at time: Timestamp, heavy: Bool = false) {
        var c = counts[connection] ?? Counts()
        Self.count(&c, at: time.microseconds, heavy: heavy)
        counts[connection] = c
    }

    /// Counts the call and says whether every window had room for it; a `heavy` one (to a
    /// ``HeavyEndpoint``) is held to the heavy window too.
    public mutating func admit(_ connection: String, at time: Timestamp, heavy: Bool = false) -> Decision {
        let t = time.microseconds
        var c = counts[connection] ?? Counts()
        Self.roll(&c, at: t)
        var windows: [(Window, Int, Int64)] = [(c.minute, limits.perMinute, Self.minute), (c.hour, limits.perHour, Self.hour),
                                               (c.day, limits.perDay, Self.day)]
        if heavy { windows.insert((c.heavyMinute, limits.heavyPerMinute, Self.minute), at: 0) }
        // The window that refuses, or else the one with the least room left.
        var deciding = windows[0]
        for w in windows {
            if w.0.count >= w.1 { deciding = w; break }
            if w.1 - w.0.count < deciding.1 - deciding.0.count { deciding = w }
        }
        let reset = Timestamp(microseconds: deciding.0.start + deciding.2)
        guard deciding.0.count < deciding.1 else {
            // A refused call counts too: it is logged, and a restart reads it back.
            Self.count(&c, at: t, heavy: heavy)
            counts[connection] = c
            return Decision(admitted: false, limit: deciding.1, remaining: 0, reset: reset)
        }
        Self.count(&c, at: t, heavy: heavy)
        counts[connection] = c
        return Decision(admitted: true, limit: deciding.1, remaining: deciding.1 - deciding.0.count - 1, reset: reset)
    }

    private static func roll(_ c: inout Counts, at t: Int64) {
        let m = t.floorDiv(minute) * minute, h = t.floorDiv(hour) * hour, d = t.floorDiv(day) * day
        if c.minute.start != m { c.minute = Window(start: m, count: 0) }
        if c.hour.start != h { c.hour = Window(start: h, count: 0) }
        if c.day.start != d { c.day = Window(start: d, count: 0) }
        if c.heavyMinute.start != m { c.heavyMinute = Window(start: m, count: 0) }
    }

    private static func count(_ c: inout Counts, at t: Int64, heavy: Bool) {
        let m = t.floorDiv(minute) * minute, h = t.floorDiv(hour) * hour, d = t.floorDiv(day) * day
        // A replayed call older than the current window does not count in it.
        if c.minute.start < m { c.minute = Window(start: m, count: 0) }
        if c.hour.start < h { c.hour = Window(start: h, count: 0) }
        if c.day.start < d { c.day = Window(start: d, count: 0) }
        if c.minute.start == m { c.minute.count += 1 }
        if c.hour.start == h { c.hour.count += 1 }
        if c.day.start == d { c.day.count += 1 }
        if heavy {
            if c.heavyMinute.start < m { c.heavyMinute = Window(start: m, count: 0) }
            if c.heavyMinute.start == m { c.heavyMinute.count += 1 }
        }
    }
}
