import ArgumentParser
import CMalloc
import Domain
import Events
import Foundation
import Journal
import Logging
import Metrics
import Prometheus
import Projections
import JunctionDaemon
import FrontDoor
import AppGateway
import Notifications
import Replication
import SocketAPI

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: the journal's writer, its projectors, and the API on a Unix socket.",
        discussion: """
            Speaks HTTP/1.1 and JSON on the socket (curl --unix-socket works); the API is in
            docs/openapi.yaml. Stops gracefully on SIGTERM or SIGINT: stops accepting, commits
            what was acknowledged, stops the projectors.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The Unix socket to listen on (default: <data>/junction.sock).", valueName: "PATH"))
    var socket: String?

    @Option(help: "Permissions of the socket file, in octal (0600: only this user).")
    var socketMode: String = String(Daemon.Socket(path: "").mode, radix: 8)

    @Option(help: "Commit durability: full, nometasync or nosync (nosync: a system crash may lose the last second of acknowledged writes).")
    var durability: Durability = .full

    @Option(help: "Largest request body accepted, in bytes (413 past it).")
    var maxBodyBytes: Int = RequestLimits().maxBodyBytes

    @Option(help: "Connections open at once; past it a new one is answered 503 and closed.")
    var maxConnections: Int = ConnectionLimits().maxConnections

    @Option(help: "Seconds a connection may go without a byte from its client (idle, or a request sent in part) before it is closed.")
    var idleTimeoutSeconds: Int = Int(ConnectionLimits().idleTimeout.components.seconds)

    @OptionGroup var callbacks: CallbackOptions
    @OptionGroup(title: "Alerts") var alerts: AlertOptions

    @OptionGroup var retention: RetentionOptions

    @OptionGroup var schedule: CompactionScheduleOptions

    @Option(help: ArgumentHelp(
        "Serve the back office (the Connections page) over HTTP at this address, such as 127.0.0.1:8080 (off unless given; an address other than loopback needs --web-any-address).",
        valueName: "HOST:PORT"))
    var web: String?

    @Flag(help: "Let --web listen on an address other than loopback (put it behind TLS).")
    var webAnyAddress = false

    @OptionGroup(title: "Gateway") var gateway: GatewayOptions

    @OptionGroup var replication: ReplicationOptions

    @Option(help: "With --replicate: sync acknowledges an append once JetStream has stored it on a quorum of the stream's replicas (losing this disk loses nothing acknowledged); async once it is committed here, shipped right after (losing this disk loses what was not shipped yet: the lag in /v1/status and /metrics).")
    var replicateMode: ReplicationMode = .sync

    @Option(help: "With --replicate: replicas of the stream, when the writer creates it.")
    var replicateReplicas = 3

    @Option(help: "With --replicate sync: milliseconds an append waits for JetStream before it is answered 503 (it is committed here, and a retry with its Idempotency-Key is answered once it is replicated).")
    var replicateTimeoutMs = 10_000

    @Option(help: ArgumentHelp("With --replicate: seconds the stream keeps a message (the servers drop older ones; a follower that needs them starts from a backup); 0 keeps them for ever (default: --body-days).", valueName: "SECONDS"))
    var replicateMaxAgeSeconds: Int?

    @Option(help: ArgumentHelp("With --replicate: how followers name this writer in the 503s they answer writes with (default: HOST:SOCKET).", valueName: "NAME"))
    var advertise: String?

    @Option(help: ArgumentHelp(
        "For benchmarks: do not run this projection's projector (repeatable); its queries stay at what the store held. A/B runs of ingestion with and without it.",
        valueName: "NAME", visibility: .hidden))
    var withoutProjection: [String] = []

    func validate() throws {
        for name in withoutProjection where !ProjectionCatalog.names.contains(name) {
            throw ValidationError("--without-projection: \"\(name)\" is not a projection (\(ProjectionCatalog.names.joined(separator: ", ")))")
        }
        guard (1...5).contains(replicateReplicas) else { throw ValidationError("--replicate-replicas must be from 1 to 5") }
        guard replicateTimeoutMs >= 1 else { throw ValidationError("--replicate-timeout-ms must be at least 1") }
        if let age = replicateMaxAgeSeconds, age < 0 { throw ValidationError("--replicate-max-age-seconds must be 0 (no limit) or more") }
        guard let mode = UInt16(socketMode, radix: 8), mode <= 0o777 else {
            throw ValidationError("--socket-mode: \"\(socketMode)\" is not an octal file mode such as 600 or 660")
        }
        _ = mode
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard (1...86_400).contains(idleTimeoutSeconds) else { throw ValidationError("--idle-timeout-seconds must be from 1 to 86400") }
        if let web {
            let host = try Self.webAddress(web).host
            let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
            guard loopback || webAnyAddress else {
                throw ValidationError("--web \(web) is not a loopback address: add --web-any-address to serve the back office there")
            }
        }
    }

    /// `HOST:PORT` (`[::1]:8080` for IPv6).
    static func webAddress(_ text: String, option: String = "--web") throws -> Listener {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("\(option): \"\(text)\" is not HOST:PORT (such as 127.0.0.1:8080)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("\(option): \"\(text)\" names no host") }
        return Listener(host: host, port: port)
    }

    func run() async throws {
        let logger = global.makeLogger("junction.serve")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let data = global.dataDirectory
        var configuration = Self.daemonConfiguration(data: data, socket: socket ?? data.root + "/junction.sock", logLevel: global.logLevel)
        configuration.socket.mode = UInt16(socketMode, radix: 8)!
        configuration.durability = durability
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.limits.connections.maxConnections = maxConnections
        configuration.limits.connections.idleTimeout = .seconds(idleTimeoutSeconds)
        configuration.notifier = callbacks.delivery
        configuration.projectorsLeftOut = Set(withoutProjection)
        configuration.alerts = alerts.watcher
        configuration.alertDelivery = try alerts.delivery()
        configuration.compaction.retention = retention.policy
        configuration.compaction.interval = schedule.interval
        if let web { configuration.web = try Self.webAddress(web) }
        configuration.gateway = try gateway.configuration()
        if replication.replicate != nil {
            var settings = replication.settings(writerName: advertise ?? (ProcessInfo.processInfo.hostName + ":" + configuration.socket.path))
            settings.mode = replicateMode
            settings.replicas = replicateReplicas
            settings.acknowledgeTimeout = .milliseconds(replicateTimeoutMs)
            // As long as bodies are kept, by default: a follower's backup older than that
            // is older than anything the journal keeps whole.
            let age = replicateMaxAgeSeconds ?? retention.policy.bodyDays * 86_400
            settings.maxAge = age > 0 ? .seconds(age) : nil
            configuration.replication = .writer(settings)
            configuration.failover = replication.failoverSettings
        }
        if durability != .full { logger.warning("weaker durability chosen", metadata: ["journal.durability": "\(durability.rawValue): \(durability.risk)"]) }
        try await ServeCommand.runDaemon(configuration, registry: registry, logger: logger)
    }

    /// Runs the daemon until it stops; its failures to start become the command's message.
    static func runDaemon(_ configuration: Daemon.Configuration, registry: PrometheusCollectorRegistry, logger: Logger) async throws {
        // Set here, for the whole process, which is the daemon's. A batch's body and records
        // are a megabyte or so, allocated and freed by each request: glibc would give such
        // blocks back to the kernel (as mappings of their own, or by trimming the heap) and
        // fault them in afresh for the next request. Kept in the heap instead (3-12% less of
        // the daemon's CPU in row b's procedure, 8 pairs by hand); the price is that up to
        // 256 MiB freed at the heap's top may stay mapped after a burst.
        mallopt(M_MMAP_THRESHOLD, 64 << 20)
        mallopt(M_TRIM_THRESHOLD, 256 << 20)
        do {
            try await Daemon(configuration: configuration, metrics: DaemonMetrics(registry: registry), logger: logger).run()
        } catch let error as JournalError {
            throw CommandFailure(error.description)
        } catch let error as DaemonError {
            throw CommandFailure(error.description)
        }
    }

    /// The daemon's configuration with its defaults, and how it starts its children (this
    /// binary's `project` and `notify`).
    static func daemonConfiguration(data: DataDirectory, socket: String, logLevel: String) -> Daemon.Configuration {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let parent = getpid()
        let children = Daemon.Children(executable: executable) { child, c in
            switch child {
            case .projector(let name):
                ProjectCommand.arguments(name, data: c.data.root, logLevel: logLevel, parentPID: parent)
            case .notifier:
                NotifyCommand.arguments(
                    data: c.data.root, socket: c.socket.path, logLevel: logLevel, delivery: c.notifier, parentPID: parent)
            }
        }
        return Daemon.Configuration(data: data, socketPath: socket, children: children)
    }
}
