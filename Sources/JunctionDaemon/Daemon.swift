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
internal import FrontDoor
internal import Supervision
internal import Replication
internal import Notifications
public import SocketAPI
internal import BackOfficeWeb
internal import AppGateway

/// `junction serve`: the journal's single writer with its projectors, answering on a Unix
/// socket until SIGTERM or SIGINT.
public struct Daemon: Sendable {
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
    static let notifierName = ProjectorSupervisor.notifierName

    public let configuration: Configuration
    public let metrics: DaemonMetrics
    private let logger: Logger

    public init(configuration: Configuration, metrics: DaemonMetrics, logger: Logger) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Opens the data directory, starts every part as a service of one group, and runs
    /// until SIGTERM or SIGINT; the parts stop in the reverse order of their start: the
    /// listeners first, the projectors last.
    public func run() async throws {
        let c = configuration
        // Past a file-size limit (RLIMIT_FSIZE) the kernel sends SIGXFSZ, which would kill
        // the daemon mid-commit; ignored, the write fails with EFBIG and is refused like a
        // full disk, and reads go on.
        signal(SIGXFSZ, SIG_IGN)
        if let settings = c.replication?.followerSettings, !c.data.isInitialized {
            do {
                try await Follower.initialize(c.data, from: settings, logger: logger)
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
            journal: journal, tokens: try TokenIssuer(keyFile: c.data.tokenKeyPath), replication: replication,
            allowPrivateCallbacks: c.notifier.allowPrivateAddresses, logger: logger)
        // Create the projection stores before the projectors and the queries open them.
        for type in ProjectionCatalog.all {
            _ = try ProjectionStore(type, at: c.data.projectionPath(type.name), readOnly: false)
        }
        let queries = try Queries(data: c.data, journal: journal)
        var follower: Follower?
        do {
            switch c.replication {
            case .follower(let settings):
                let f = try await Follower.start(
                    configuration: settings, writer: writer, role: replication,
                    projectionsReaching: { seq, deadline in try await queries.slowestCheckpoint(reaching: seq, by: deadline) },
                    logger: logger)
                replication.follower = f
                follower = f
            case .writer(let settings):
                if let failover = c.failover {
                    // The lease first: only its holder may write to the stream.
                    replication.lease = try await WriterLease.acquire(
                        servers: settings.servers, replicas: settings.replicas, key: settings.stream, name: settings.writerName, settings: failover,
                        patience: failover.timeToLive * 2 + failover.renewInterval * 2, logger: logger)
                }
                replication.replicator = try await Replicator.start(
                    configuration: settings, journal: journal, dataDirectory: c.data.root, logger: logger)
            case nil:
                break
            }
        } catch let error as ReplicationError {
            throw DaemonError(error.message)
        }
        defer {
            replication.replicator?.stop()
            replication.lease?.stop()
        }
        let supervisor = ProjectorSupervisor(
            // A follower delivers no callbacks: the writer's notifier does.
            executable: c.children.executable, names: ProjectionCatalog.names.filter { !c.projectorsLeftOut.contains($0) } + (follower == nil ? [Daemon.notifierName] : []),
            logger: logger
        ) { name in c.children.arguments(Child(name: name), c) }
        // Compaction rewrites only what the stream holds, and a follower's journal changes
        // only through the stream. Both are asked at each run: a promoted follower is a
        // replicating writer from then on, with the writer's schedule.
        let compaction = CompactionRunner(
            journal: journal, queries: queries, policy: c.compaction.retention, interval: c.compaction.interval,
            scheduledRunAllowed: { replication.follower == nil },
            shippedThrough: { replication.replicator?.status.shipped ?? .max }, logger: logger)
        try Daemon.prepareSocket(c.socket.path)
        let routeContext = RouteContext(
            writer: writer, replication: replication, queries: queries, supervisor: supervisor, compaction: compaction,
            metrics: metrics, maxBodyBytes: c.limits.maxBodyBytes, readYourWritesTimeout: c.limits.readYourWritesTimeout,
            dataDirectory: c.data.root,
            writerName: c.replication?.writerSettings?.writerName ?? (ProcessInfo.processInfo.hostName + ":" + c.socket.path))
        let servers = ServerFactory(limits: c.limits.connections, logger: logger)
        // The socket takes the process's umask: make it private from birth, then widen it
        // if asked, so no other user ever sees it open.
        umask(0o077)
        let socket = c.socket
        let log = logger
        var services: [any Service] = [supervisor, compaction] + (follower.map { [FollowerService(follower: $0)] } ?? [])
        if let follower, let failover = c.failover, var settings = c.replication?.followerSettings {
            // Failover without a person: this follower takes the writer's lease when it lapses.
            settings.writerName = ProcessInfo.processInfo.hostName + ":" + c.socket.path
            services.append(FailoverService(
                follower: follower, role: replication, failover: failover, writerSettings: settings,
                dataDirectory: c.data.root, logger: logger
            ) {
                // The writer delivers the disconnect callbacks; a follower left them to it.
                supervisor.supervise(adding: Daemon.notifierName)
            })
        }
        // Replicating, the hub may publish its events on NATS: the writer of the moment takes them.
        if let settings = c.replication?.writerSettings ?? c.replication?.followerSettings {
            services.append(HubEventService(servers: settings.servers, writer: writer, role: replication, logger: logger))
        }
        // Alerts: decided from the health projection, sent if a way to send them is set.
        let mailer = c.alertDelivery.isEnabled
            ? AlertMailer(journal: journal, configuration: c.alertDelivery, logger: logger) { events in
                _ = try await writer.appendEvents(events)
            }
            : nil
        services.append(AlertService(
            watcher: AlertWatcher(writer: writer, queries: queries, journal: journal, configuration: c.alerts, logger: logger),
            mailer: mailer, role: replication))
        services.append(servers.server(
            routeContext.router(logger: logger), at: .unixDomainSocket(path: socket.path), name: "junction"
        ) { _ in
            chmod(socket.path, mode_t(socket.mode))
            log.notice("listening", metadata: ["socket.path": "\(socket.path)", "socket.mode": "\(String(socket.mode, radix: 8))"])
        })
        if let web = c.web {
            // The back office: the same state as the socket, on a TCP listener of its own.
            services.append(servers.server(
                BackOffice(api: routeContext).router(), at: .hostname(web.host, port: web.port), name: "junction"
            ) { channel in
                log.notice("back office listening", metadata: ["web.address": "\(channel.localAddress.map { "\($0)" } ?? "")"])
            })
        }
        if var settings = c.gateway {
            settings.maxBodyBytes = c.limits.maxBodyBytes
            let gateway = try Gateway(configuration: settings, writer: writer, queries: routeContext.queries, logger: logger)
            let upstream = settings.upstream
            let router = Router(context: BasicRequestContext.self)
            router.middlewares.add(GatewayMiddleware(gateway: gateway))
            // Before its listener: the client outlives the calls in flight.
            services.append(GatewayService(gateway: gateway))
            services.append(servers.server(
                router, at: .hostname(settings.listener.host, port: settings.listener.port), name: "junction-gateway",
                // Marks targets the HTTP-types codec would rewrite (see TargetFormMarker).
                before: { [TargetFormMarker.Installer()] }
            ) { channel in
                log.notice("gateway listening", metadata: [
                    "gateway.address": "\(channel.localAddress.map { "\($0)" } ?? "")", "gateway.upstream": "\(upstream)",
                ])
            })
        }
        // A part that fails (a follower that cannot go on, say) stops the daemon gracefully,
        // as SIGTERM does: the projector processes are stopped and waited for. Cancelling
        // the group instead left them running, and the daemon waiting for them.
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try? FileManager.default.removeItem(atPath: socket.path)
        let head = try journal.head
        logger.notice("stopped", metadata: ["journal.head": "\(head)"])
    }

    /// Every operation the socket API serves, as `METHOD /path/{parameter}`, read from the
    /// router itself, built over a context that serves nothing: no data directory, no
    /// writer.
    public static func routes() -> [String] {
        RouteContext.listingOnly.router(logger: Logger(label: "junction.routes") { _ in SwiftLogNoOpLogHandler() })
            .routes.map { "\($0.method.rawValue) \($0.path.description)" }
    }

    /// Removes a stale socket file; refuses one a live server answers on.
    static func prepareSocket(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let listening: Bool
        do {
            listening = try UnixSocket.isListening(path)
        } catch {
            throw DaemonError(error.description)
        }
        if listening { throw DaemonError("another server is listening on \(path)") }
        try FileManager.default.removeItem(atPath: path)
    }
}

/// Why the daemon cannot start.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
