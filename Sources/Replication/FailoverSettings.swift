/// Automatic failover (`--failover auto`): the writer holds a lease in a JetStream
/// key-value bucket and renews it; followers watch it and, when it lapses, one takes it
/// and promotes itself.
public struct FailoverSettings: Sendable {
    /// How often the writer renews its lease, and how often followers look at it.
    public var renewInterval: Duration = .seconds(1)
    /// How long a lease nobody renews stays the writer's: a follower takes it once it has
    /// seen the same revision for this long; the writer stops acknowledging before that
    /// (``WriterLease/safetyMargin``).
    public var timeToLive: Duration = .seconds(5)
    /// The bucket of leases; the key is the stream's name.
    public var bucket = "JUNCTION_LEASES"

    public init() {}
}
