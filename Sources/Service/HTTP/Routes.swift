internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Journal
internal import Projections
internal import Hub

/// What the handlers share: the writer, the queries, the limits.
struct RouteContext: Sendable {
    let writer: Writer
    /// This daemon's place in replication: the writer's stream, or the follower.
    let replication: ReplicationRole
    let queries: Queries
    let supervisor: ProjectorSupervisor
    let compaction: CompactionRunner
    let metrics: DaemonMetrics
    /// Largest request body accepted (413 past it).
    let maxBodyBytes: Int
    /// How long `?after=SEQ` waits for the projections.
    let readYourWritesTimeout: Duration
    /// The data directory's root (where a promoted follower keeps its replication epoch).
    var dataDirectory = ""
    /// How a follower promoted here names itself to the others, unless told otherwise.
    var writerName = ""
}

extension Router where Context == BasicRequestContext {
    /// Every endpoint of docs/openapi.yaml.
    func addJunctionRoutes(_ c: RouteContext) {
        addCommandRoutes(c)
        addUserRoutes(c)
        addIngestionRoutes(c)
        addQueryRoutes(c)
        addOperationsRoutes(c)
        addReplicationRoutes(c)
        addBackupRoutes(c)
    }
}

extension Writer.Receipt {
    /// The receipt as a JSON answer, marked when it answers a retry.
    func response(_ status: HTTPResponse.Status) -> Response {
        markReplayed(jsonResponse(status) { write(&$0) }, replayed)
    }

    func write(_ w: inout JSONWriter) {
        w.beginObject()
        w.unsigned("seq", seq)
        w.string("connection_id", ifPresent: connectionID)
        w.string("access_token", ifPresent: accessToken)
        w.string("scope", ifPresent: scope)
        w.string("callback_secret", ifPresent: callbackSecret)
        w.string("client_id", ifPresent: clientID)
        w.string("client_secret", ifPresent: clientSecret)
        w.bool("created", created)
        if replayed { w.bool("replayed", true) }
        w.endObject()
    }
}
