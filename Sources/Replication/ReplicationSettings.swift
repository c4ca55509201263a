/// When a writer acknowledges an append it replicates.
public enum ReplicationMode: String, Sendable, CaseIterable {
    /// Once JetStream has stored the batch on a quorum of the stream's replicas: losing the
    /// writer's disk loses nothing acknowledged.
    case sync
    /// Once the local commit is durable; shipped right after. Losing the writer's disk
    /// loses what was not shipped yet (the replication lag in /v1/status and /metrics).
    case async
}

/// Where and how the journal is replicated: the NATS servers, the JetStream stream and
/// subject, and (for a writer) the mode.
public struct ReplicationSettings: Sendable {
    /// `nats://host:port` of the cluster's servers (any that answers will do).
    public var servers: [String]
    public var stream = "JUNCTION"
    public var subject = "junction.journal"
    /// Replicas of a stream the writer creates.
    public var replicas = 3
    public var mode: ReplicationMode = .sync
    /// In sync mode, how long an append waits for JetStream before it is refused as unavailable
    /// (committed locally; a retry with the same idempotency key is answered once it has
    /// been shipped).
    public var acknowledgeTimeout: Duration = .seconds(10)
    /// How followers name this writer in their 503s (a host and socket, say).
    public var writerName: String
    /// The stream's age limit, set by the writer: older messages are dropped by the
    /// servers, and a follower that needs them starts from a backup. nil: no limit.
    public var maxAge: Duration?

    public init(servers: [String], writerName: String) {
        self.servers = servers
        self.writerName = writerName
    }
}
