internal import Foundation
internal import Hummingbird
public import Journal
public import Logging
public import Projections
internal import ServiceLifecycle
internal import NIOCore

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
        /// The program that runs projectors (`junction`), and the log level they use.
        public var projectorExecutable: String
        public var projectorLogLevel: String = "notice"

        public init(data: DataDirectory, socketPath: String, projectorExecutable: String) {
            self.data = data
            self.socketPath = socketPath
            self.projectorExecutable = projectorExecutable
        }
    }

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
        let lock = try c.data.lockForWriting(purpose: "junction serve")
        let journal = try c.data.openJournalForWriting(lock, options: Journal.Options(durability: c.durability), logger: logger)
        defer { journal.close() }
        let writer = try Writer(
            journal: journal, tokens: try TokenIssuer(keyFile: c.data.root + "/token.key"),
            allowPrivateCallbacks: c.allowPrivateCallbacks, logger: logger)
        // Create the projection stores before the projectors and the queries open them.
        for type in Projections.all {
            _ = try ProjectionStore(type, at: c.data.projectionPath(type.name), readOnly: false)
        }
        let queries = try Queries(data: c.data, journal: journal)
        let parent = "\(getpid())"
        let supervisor = ProjectorSupervisor(
            executable: c.projectorExecutable, names: Projections.names + ["notifier"], logger: logger
        ) { name in
            if name == "notifier" {
                let ms = { (d: Duration) in "\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)" }
                return ["notify", "--data", c.data.root, "--socket", c.socketPath, "--log-level", c.projectorLogLevel,
                        "--retry-base-ms", ms(c.callbackRetryBase), "--max-attempts", "\(c.callbackMaxAttempts)",
                        "--timeout-ms", ms(c.callbackTimeout), "--parent-pid", parent]
                    + (c.allowPrivateCallbacks ? ["--allow-private-callbacks"] : [])
            }
            return ["project", name, "--data", c.data.root, "--log-level", c.projectorLogLevel, "--parent-pid", parent]
        }
        let compaction = CompactionRunner(
            journal: journal, queries: queries, policy: c.retention, interval: c.compactionInterval, logger: logger)
        try Daemon.prepareSocket(c.socketPath)
        let router = Router(context: BasicRequestContext.self)
        // Metrics outermost, so they see the answers errors become.
        router.middlewares.add(MetricsMiddleware())
        router.middlewares.add(ErrorMiddleware(logger: logger))
        router.addJunctionRoutes(RouteContext(
            writer: writer, queries: queries, supervisor: supervisor, compaction: compaction, metrics: metrics,
            maxBodyBytes: c.maxBodyBytes, readYourWritesTimeout: c.readYourWritesTimeout))
        // The socket takes the process's umask: make it private from birth, then widen it
        // if asked, so no other user ever sees it open.
        umask(0o077)
        let socketMode = c.socketMode
        let socketPath = c.socketPath
        let log = logger
        let app = Application(
            router: router,
            configuration: .init(address: .unixDomainSocket(path: c.socketPath), serverName: "junction"),
            services: [supervisor, compaction],
            onServerRunning: { _ in
                chmod(socketPath, mode_t(socketMode))
                log.notice("listening", metadata: ["socket.path": "\(socketPath)", "socket.mode": "\(String(socketMode, radix: 8))"])
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try? FileManager.default.removeItem(atPath: c.socketPath)
        withExtendedLifetime(lock) {}
        let head = try journal.head
        logger.notice("stopped", metadata: ["journal.head": "\(head)"])
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
