public import Foundation
internal import Hummingbird
internal import HummingbirdCore
internal import Hub
public import Journal
public import Domain
public import Logging
public import Projections
internal import ServiceLifecycle
internal import NIOCore
internal import Prometheus

/// `junction serve`: the journal's single writer with its projectors, answering on a Unix
/// socket until SIGTERM or SIGINT.
public struct Daemon: Sendable {
    public struct Configuration: Sendable {
        public var data: DataDirectory
        public var socketPath: String
        /// Permissions of the socket file; 0600 lets only this user in.
        public var socketMode: UInt16 = 0o600
        public var durability: Durability = .full
        public var maxBodyBytes: Int = 16 << 20
        /// Connections at once, and how long one may go without a byte from its client.
        public var connectionLimits = ConnectionLimits()
        public var readYourWritesTimeout: Duration = .seconds(5)
        /// Disconnect callbacks: first retry delay (doubling), attempts, timeout, and
        /// whether loopback and private addresses may be called.
        public var callbackRetryBase: Duration = .seconds(60)
        public var callbackMaxAttempts: Int = 6
        public var callbackTimeout: Duration = .seconds(20)
        public var allowPrivateCallbacks = false
        /// Retention, and how often compaction runs on its own (nil: only on request).
        public var retention = RetentionPolicy()
        public var compactionInterval: Duration? = .seconds(24 * 3600)
        /// The back office's listener for people (host and port); nil: no back office.
        public var web: (host: String, port: Int)?
        /// The gateway apps call (host and port) and the hub's API it forwards to; nil: none.
        public var gateway: (host: String, port: Int)?
        public var upstream: URL?
        public var rateLimits = RateLimits.Limits()
        public var gatewayMaxLoggedBodyBytes = 64 << 10
        public var gatewayUpstreamTimeout: Duration = .seconds(30)
        public var gatewaySendFirst = false
        /// Replicate the journal to a JetStream stream (a writer); nil: this disk only.
        public var replication: ReplicationSettings?
        /// Follow a writer's stream instead of taking writes (a follower); nil: a writer.
        public var follow: ReplicationSettings?
        /// The program that runs the children (the `junction` binary), and the arguments of
        /// each: the command line that starts the daemon knows how its own commands are
        /// spelled, the daemon does not.
        public var childExecutable: String
        public var childArguments: @Sendable (Child, Configuration) -> [String]

        public init(
            data: DataDirectory, socketPath: String, childExecutable: String,
            childArguments: @escaping @Sendable (Child, Configuration) -> [String]
        ) {
            self.data = data
            self.socketPath = socketPath
            self.childExecutable = childExecutable
            self.childArguments = childArguments
        }
    }

    /// A process the daemon starts and supervises.
    public enum Child: Sendable, Hashable {
        /// The projector of one projection.
        case projector(String)
        /// The notifier, which delivers disconnect callbacks.
        case notifier

        init(name: String) {
            self = name == Daemon.notifierName ? .notifier : .projector(name)
        }
    }

    /// The notifier's name among the supervised children.
    static let notifierName = "notifier"

    public let configuration: Configuration
    public let metrics: DaemonMetrics
    private let logger: Logger

    public init(configuration: Configuration, metrics: DaemonMetrics, logger: Logger) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        let c = configuration
        // Past a file-size limit (RLIMIT_FSIZE) the kernel sends SIGXFSZ, which would kill
        // the daemon mid-commit; ignored, the write fails with EFBIG and is refused like a
        // full disk, and reads go on.
        signal(SIGXFSZ, SIG_IGN)
        if let settings = c.follow, !c.data.isInitialized {
            do {
                try Follower.initialize(c.data, from: settings, logger: logger)
            } catch let error as ReplicationError {
                throw DaemonError(error.message)
            }
        }
        let journal = try c.data.openJournalForWriting(
            purpose: "junction serve", options: Journal.Options(durability: c.durability), logger: logger)
        defer { journal.close() }
        // Others must not read the journal or the projections: an open data directory
        // is made private again, and the log says what was changed.
        for path in try c.data.repairPermissions() {
            logger.warning("made private: group or others could read it", metadata: ["file.path": "\(path)"])
        }
        let replication = ReplicationRole()
        let writer = try Writer(
            journal: journal, tokens: try TokenIssuer(keyFile: c.data.root + "/token.key"), replication: replication,
            allowPrivateCallbacks: c.allowPrivateCallbacks, logger: logger)
        // Create the projection stores before the projectors and the queries open them.
        for type in Projections.all {
            _ = try ProjectionStore(type, at: c.data.projectionPath(type.name), readOnly: false)
        }
        let queries = try Queries(data: c.data, journal: journal)
        var follower: Follower?
        do {
            if let settings = c.follow {
                let f = try Follower(
                    configuration: settings, writer: writer, role: replication,
                    projectionsReached: { try queries.checkpoints().values.min() ?? 0 }, logger: logger)
                replication.follower = f
                follower = f
            } else if let settings = c.replication {
                let r = try Replicator(configuration: settings, journal: journal, dataDirectory: c.data.root, logger: logger)
                replication.replicator = r
            }
        } catch let error as ReplicationError {
            throw DaemonError(error.message)
        }
        defer { replication.replicator?.stop() }
        let supervisor = ProjectorSupervisor(
            // A follower delivers no callbacks: the writer's notifier does.
            executable: c.childExecutable, names: Projections.names + (follower == nil ? [Daemon.notifierName] : []), logger: logger
        ) { name in c.childArguments(Child(name: name), c) }
        // Compaction rewrites only what the stream holds, and a follower's journal changes
        // only through the stream. Both are asked at each run: a promoted follower is a
        // replicating writer from then on, with the writer's schedule.
        let compaction = CompactionRunner(
            journal: journal, queries: queries, policy: c.retention, interval: c.compactionInterval,
            scheduledRunAllowed: { replication.follower == nil },
            shippedThrough: { replication.replicator?.status.shipped ?? .max }, logger: logger)
        try Daemon.prepareSocket(c.socketPath)
        var routeContext = RouteContext(
            writer: writer, replication: replication, queries: queries, supervisor: supervisor, compaction: compaction, metrics: metrics,
            maxBodyBytes: c.maxBodyBytes, readYourWritesTimeout: c.readYourWritesTimeout)
        routeContext.dataDirectory = c.data.root
        routeContext.writerName = c.replication?.writerName ?? (ProcessInfo.processInfo.hostName + ":" + c.socketPath)
        let router = Daemon.router(routeContext, logger: logger)
        // The socket takes the process's umask: make it private from birth, then widen it
        // if asked, so no other user ever sees it open.
        umask(0o077)
        let socketMode = c.socketMode
        let socketPath = c.socketPath
        let log = logger
        let open = ConnectionGuard.Count()
        let limits = c.connectionLimits
        let idle = TimeAmount(limits.idleTimeout)
        let app = Application(
            router: router,
            server: .http1(configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [ConnectionGuard(count: open, limit: limits.maxConnections)],
                idleTimeout: idle)),
            configuration: .init(address: .unixDomainSocket(path: c.socketPath), serverName: "junction"),
            services: [supervisor, compaction] + (follower.map { [FollowerService(follower: $0)] } ?? []),
            onServerRunning: { _ in
                chmod(socketPath, mode_t(socketMode))
                log.notice("listening", metadata: ["socket.path": "\(socketPath)", "socket.mode": "\(String(socketMode, radix: 8))"])
            },
            logger: logger)
        var services: [any Service] = [app]
        if let web = c.web {
            // The back office: the same state as the socket, on a TCP listener of its own.
            let office = BackOffice(api: routeContext)
            let webOpen = ConnectionGuard.Count()
            services.append(Application(
                router: office.router(),
                server: .http1(configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [ConnectionGuard(count: webOpen, limit: limits.maxConnections)],
                    idleTimeout: idle)),
                configuration: .init(address: .hostname(web.host, port: web.port), serverName: "junction"),
                onServerRunning: { channel in
                    log.notice("back office listening", metadata: ["web.address": "\(channel.localAddress.map { "\($0)" } ?? "")"])
                },
                logger: logger))
        }
        var gateway: Gateway?
        if let address = c.gateway, let upstream = c.upstream {
            var g = Gateway.Configuration(upstream: upstream)
            g.limits = c.rateLimits
            g.maxLoggedBodyBytes = c.gatewayMaxLoggedBodyBytes
            g.maxBodyBytes = c.maxBodyBytes
            g.upstreamTimeout = c.gatewayUpstreamTimeout
            g.sendFirst = c.gatewaySendFirst
            let front = try Gateway(configuration: g, writer: writer, logger: logger)
            gateway = front
            let router = Router(context: BasicRequestContext.self)
            router.middlewares.add(GatewayMiddleware(gateway: front))
            let gatewayOpen = ConnectionGuard.Count()
            services.append(Application(
                router: router,
                server: .http1(configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [
                        TargetFormMarker.Installer(), ConnectionGuard(count: gatewayOpen, limit: limits.maxConnections),
                    ],
                    idleTimeout: idle)),
                configuration: .init(address: .hostname(address.host, port: address.port), serverName: "junction-gateway"),
                onServerRunning: { channel in
                    log.notice("gateway listening", metadata: [
                        "gateway.address": "\(channel.localAddress.map { "\($0)" } ?? "")", "gateway.upstream": "\(upstream)",
                    ])
                },
                logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await gateway?.shutdown()
            throw error
        }
        await gateway?.shutdown()
        try? FileManager.default.removeItem(atPath: c.socketPath)
        let head = try journal.head
        logger.notice("stopped", metadata: ["journal.head": "\(head)"])
    }

    /// The socket API's router.
    static func router(_ context: RouteContext, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Metrics outermost, so they see the answers errors become.
        router.middlewares.add(MetricsMiddleware())
        router.middlewares.add(ErrorMiddleware(logger: logger))
        router.middlewares.add(HostHeaderMiddleware())
        router.addJunctionRoutes(context)
        return router
    }

    /// Every operation the socket API serves, as `METHOD /path/{parameter}`, read from the
    /// router itself: built over `data` (an initialized data directory, whose writer lock
    /// this takes for the while), never served.
    public static func routes(data: DataDirectory, logger: Logger) throws -> [String] {
        let journal = try data.openJournalForWriting(purpose: "listing the daemon's routes", logger: logger)
        defer { journal.close() }
        let writer = try Writer(journal: journal, tokens: try TokenIssuer(keyFile: data.root + "/token.key"), logger: logger)
        for type in Projections.all {
            _ = try ProjectionStore(type, at: data.projectionPath(type.name), readOnly: false)
        }
        let queries = try Queries(data: data, journal: journal)
        let context = RouteContext(
            writer: writer, replication: ReplicationRole(), queries: queries,
            supervisor: ProjectorSupervisor(executable: "/bin/false", names: [], logger: logger) { _ in [] },
            compaction: CompactionRunner(journal: journal, queries: queries, policy: RetentionPolicy(), interval: nil, logger: logger),
            metrics: DaemonMetrics(registry: PrometheusCollectorRegistry()), maxBodyBytes: 1 << 20, readYourWritesTimeout: .seconds(1))
        return router(context, logger: logger).routes.map { "\($0.method.rawValue) \($0.path.description)" }
    }

    /// Removes a stale socket file; refuses one a live server answers on.
    static func prepareSocket(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        if try UnixSocket.isListening(path) { throw DaemonError("another server is listening on \(path)") }
        try FileManager.default.removeItem(atPath: path)
    }
}

/// Why the daemon cannot start.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
