package import Hub
package import Hummingbird
package import Journal
import Logging
package import Projections
import Prometheus
package import Replication
package import SocketAPI
import Supervision
package import TestSupport

/// The core and the route context a daemon would build over it: a journal in a temporary
/// data directory, the writer, the queries over real projection stores, and the socket
/// API's router as a Hummingbird application for HummingbirdTesting's client.
package struct InProcessCore {
    package let directory = TemporaryDirectory("socket-api")
    package let data: DataDirectory
    package let journal: Journal
    package let writer: Writer
    package let role = ReplicationRole()
    package let queries: Queries
    package let context: RouteContext
    package let app: Application<RouterResponder<BasicRequestContext>>

    package init(readYourWritesTimeout: Duration = .seconds(5)) throws {
        let logger = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }
        data = DataDirectory(directory.path + "/data")
        journal = try data.initialize(logger: logger)
        writer = try Writer(journal: journal, tokens: try TokenIssuer(keyFile: data.tokenKeyPath), replication: role, logger: logger)
        for type in ProjectionCatalog.all {
            _ = try ProjectionStore(type, at: data.projectionPath(type.name), readOnly: false)
        }
        queries = try Queries(data: data, journal: journal)
        context = RouteContext(
            writer: writer, replication: role, queries: queries,
            supervisor: ProjectorSupervisor(executable: "/bin/false", names: [], logger: logger) { _ in [] },
            compaction: CompactionRunner(journal: journal, queries: queries, policy: RetentionPolicy(), interval: nil, logger: logger),
            metrics: DaemonMetrics(registry: PrometheusCollectorRegistry()), maxBodyBytes: 1 << 20,
            readYourWritesTimeout: readYourWritesTimeout, dataDirectory: data.root, writerName: "test")
        app = Application(router: context.router(logger: logger))
    }

    /// Applies the journal to the connections projection, as its projector process would.
    package func project() throws {
        let store = try ProjectionStore(ConnectionsProjection.self, at: data.projectionPath(ConnectionsProjection.name), readOnly: false)
        let logger = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }
        try Projector(journal: journal, store: store, type: ConnectionsProjection.self, logger: logger).catchUp()
    }
}

