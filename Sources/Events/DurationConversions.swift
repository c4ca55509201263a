extension Duration {
    /// The whole microseconds in this duration, rounded toward zero: how the journal and
    /// the log entries count time.
    public var wholeMicroseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }

    /// The whole milliseconds in this duration, rounded toward zero.
    public var wholeMilliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }

    /// This duration in seconds, with its fraction.
    public var secondsWithFraction: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Timestamp {
    /// A day in the journal's unit.
    public static let microsecondsPerDay: Int64 = 86_400_000_000

    /// This time moved by `duration` (back, for a negative one).
    public func adding(_ duration: Duration) -> Timestamp {
        Timestamp(microseconds: microseconds + duration.wholeMicroseconds)
    }
}
