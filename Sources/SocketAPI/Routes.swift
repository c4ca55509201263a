internal import Foundation
package import Hummingbird
package import Logging
package import HTTPTypes
package import Events
package import Journal
package import Projections
package import Hub
package import FrontDoor
package import Supervision
package import Replication

/// What the handlers share: the writer, the queries, the limits.
package struct RouteContext: Sendable {
    /// What the handlers serve from.
    private struct Parts: Sendable {
        let writer: Writer
        let replication: ReplicationRole
        let queries: Queries
        let supervisor: ProjectorSupervisor
        let compaction: CompactionRunner
        let metrics: DaemonMetrics
    }

    /// nil only in ``listingOnly``.
    private let parts: Parts?
    /// Largest request body accepted (413 past it).
    let maxBodyBytes: Int
    /// How long `?after=SEQ` waits for the projections.
    let readYourWritesTimeout: Duration
    /// The data directory's root (where a promoted follower keeps its replication epoch).
    let dataDirectory: String
    /// How a follower promoted here names itself to the others, unless told otherwise.
    let writerName: String

    package init(
        writer: Writer, replication: ReplicationRole, queries: Queries, supervisor: ProjectorSupervisor,
        compaction: CompactionRunner, metrics: DaemonMetrics, maxBodyBytes: Int, readYourWritesTimeout: Duration,
        dataDirectory: String, writerName: String
    ) {
        parts = Parts(writer: writer, replication: replication, queries: queries, supervisor: supervisor,
                      compaction: compaction, metrics: metrics)
        self.maxBodyBytes = maxBodyBytes
        self.readYourWritesTimeout = readYourWritesTimeout
        self.dataDirectory = dataDirectory
        self.writerName = writerName
    }

    private init() {
        parts = nil
        maxBodyBytes = 0
        readYourWritesTimeout = .zero
        dataDirectory = ""
        writerName = ""
    }

    /// A context for a router built to list its routes (``Daemon/routes()``): it opens
    /// nothing, and that router is never served, so no handler reads its parts.
    package static let listingOnly = RouteContext()

    private var served: Parts {
        guard let parts else { preconditionFailure("a router built to list its routes was served") }
        return parts
    }

    package var writer: Writer { served.writer }
    /// This daemon's place in replication: the writer's stream, or the follower.
    var replication: ReplicationRole { served.replication }
    package var queries: Queries { served.queries }
    var supervisor: ProjectorSupervisor { served.supervisor }
    var compaction: CompactionRunner { served.compaction }
    package var metrics: DaemonMetrics { served.metrics }
}

extension RouteContext {
    /// The socket API's router over this context: metrics outermost (so they see the
    /// answers errors become), errors answered as the API's JSON, the Host rule, and every
    /// endpoint of docs/openapi.yaml.
    package func router(logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(MetricsMiddleware())
        router.middlewares.add(ErrorMiddleware(logger: logger))
        router.middlewares.add(HostHeaderMiddleware())
        router.addJunctionRoutes(self)
        return router
    }
}

extension Router where Context == BasicRequestContext {
    /// Every endpoint of docs/openapi.yaml.
    package func addJunctionRoutes(_ c: RouteContext) {
        addCommandRoutes(c)
        addUserRoutes(c)
        addIngestionRoutes(c)
        addHubEventRoutes(c)
        addHubCallbackRoutes(c)
        addHealthRoutes(c)
        addAlertRoutes(c)
        addQueryRoutes(c)
        addLogToolRoutes(c)
        addOperationsRoutes(c)
        addReplicationRoutes(c)
        addBackupRoutes(c)
    }
}

/// A command's answer as the API writes it: the core's receipt, and what the command adds
/// (the connection it acted on, a connect's token, an app's secrets). The JSON is the one
/// `docs/openapi.yaml` describes for every command.
struct ReceiptAnswer {
    var receipt: Receipt
    /// Whether the command made something (the answer's `created`).
    var created: Bool
    var connectionID: String?
    var accessToken: String?
    var scope: String?
    var callbackSecret: String?
    var clientID: String?
    var clientSecret: String?

    init(_ receipt: Receipt, created: Bool, connectionID: String? = nil) {
        self.receipt = receipt
        self.created = created
        self.connectionID = connectionID
    }

    init(_ connect: ConnectReceipt) {
        self.init(connect.receipt, created: connect.created, connectionID: connect.connectionID)
        accessToken = connect.accessToken
        scope = connect.scope
    }

    init(_ registration: AppRegistration) {
        self.init(registration.receipt, created: true)
        callbackSecret = registration.callbackSecret
        clientID = registration.clientID
        clientSecret = registration.clientSecret
    }

    /// The answer as a JSON response, marked when it answers a retry.
    func response(_ status: HTTPResponse.Status) -> Response {
        markReplayed(jsonResponse(status) { write(&$0) }, receipt.replayed)
    }

    func write(_ w: inout JSONWriter) {
        w.beginObject()
        w.unsigned("seq", receipt.seq)
        w.string("connection_id", ifPresent: connectionID)
        w.string("access_token", ifPresent: accessToken)
        w.string("scope", ifPresent: scope)
        w.string("callback_secret", ifPresent: callbackSecret)
        w.string("client_id", ifPresent: clientID)
        w.string("client_secret", ifPresent: clientSecret)
        w.bool("created", created)
        if receipt.replayed { w.bool("replayed", true) }
        w.endObject()
    }
}
