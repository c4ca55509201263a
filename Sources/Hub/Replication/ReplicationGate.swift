/// What the writer asks of replication on every write: whether it takes writes now, and,
/// once a batch is durable here, when the stream holds it. The replication module
/// implements it and the daemon gives it to the writer when it makes it; a follower's
/// promotion, or a fencing, changes what the gate says, not the writer.
public protocol ReplicationGate: Sendable {
    /// Why writes are refused now (a follower: they go to the writer; a writer fenced by
    /// another), or nil when they are taken.
    var writeRefusal: String? { get }

    /// Returns once the journal through `seq` is held by the stream as the replication
    /// mode requires (at once without synchronous replication); throws when it cannot be.
    func replicated(through seq: UInt64) async throws
}

/// No replication: every write is taken, and acknowledged once it is durable here.
public struct LocalOnly: ReplicationGate {
    public init() {}

    public var writeRefusal: String? { nil }

    public func replicated(through seq: UInt64) async throws {}
}
