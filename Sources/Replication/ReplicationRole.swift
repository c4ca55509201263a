package import Hub
internal import Synchronization

/// This daemon's place in replication, which the writer asks on every write (it is the
/// ``ReplicationGate`` the writer was made with): the stream a writer replicates to, or
/// the follower that builds this journal from the stream, and why writes are refused. A
/// promotion changes it while the daemon runs.
package final class ReplicationRole: ReplicationGate {
    private struct State {
        var replicator: Replicator?
        var follower: Follower?
        var writesRefused: String?
        /// With `--failover auto`, on the writer: the lease it must hold to acknowledge.
        var lease: WriterLease?
    }

    private let state = Mutex(State())

    package init() {}

    /// The stream this writer replicates to, when there is one.
    package var replicator: Replicator? {
        get { state.withLock { $0.replicator } }
        set { state.withLock { $0.replicator = newValue } }
    }

    /// On a follower: what builds its journal from the stream.
    package var follower: Follower? {
        get { state.withLock { $0.follower } }
        set { state.withLock { $0.follower = newValue } }
    }

    /// The writer's lease (`--failover auto`): writes are refused, and appends are not
    /// acknowledged, while it is not held.
    package var lease: WriterLease? {
        get { state.withLock { $0.lease } }
        set { state.withLock { $0.lease = newValue } }
    }

    /// Makes the writer refuse every write with `reason` (a follower's: writes go to the
    /// writer it names), or take writes again with nil.
    package func refuseWrites(_ reason: String?) {
        state.withLock { $0.writesRefused = reason }
    }

    /// A follower promoted: from now on a writer replicating to `replicator`, taking writes.
    func promote(to replicator: Replicator) {
        state.withLock { $0 = State(replicator: replicator, follower: nil, writesRefused: nil, lease: $0.lease) }
    }

    package var writeRefusal: String? {
        state.withLock { $0.writesRefused ?? $0.lease?.refusal ?? $0.replicator?.refusal }
    }

    package func replicated(through seq: UInt64) async throws {
        if let replicator { try await replicator.acknowledged(through: seq) }
        // Committed (and shipped, in sync mode), but a writer whose lease may have lapsed
        // for the others acknowledges nothing: a follower may be taking over.
        if let refusal = lease?.refusal { throw HubError.unavailable(refusal) }
    }
}
