public import Events

/// How long each kind of history is kept. Defaults from DOMAIN.md: bodies 30 days, log
/// entries 90 days (their counts for good), a disconnected connection's history 90 days,
/// its tombstone a year.
public struct RetentionPolicy: Hashable, Sendable {
    public var bodyDays: Int = 30
    public var logDays: Int = 90
    public var disconnectedDays: Int = 90
    public var tombstoneDays: Int = 365

    public init(bodyDays: Int = 30, logDays: Int = 90, disconnectedDays: Int = 90, tombstoneDays: Int = 365) {
        self.bodyDays = bodyDays
        self.logDays = logDays
        self.disconnectedDays = disconnectedDays
        self.tombstoneDays = tombstoneDays
    }

    /// The cutoffs at `now`.
    public func cutoffs(at now: Timestamp) -> RetentionApplied {
        func before(_ days: Int) -> Timestamp { Timestamp(microseconds: now.microseconds - Int64(days) * Timestamp.microsecondsPerDay) }
        return RetentionApplied(
            bodiesBefore: before(bodyDays), logsBefore: before(logDays),
            disconnectedBefore: before(disconnectedDays), tombstonesBefore: before(tombstoneDays))
    }
}
