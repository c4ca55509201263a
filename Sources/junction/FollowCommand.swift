import ArgumentParser
import Foundation
import Journal
import Metrics
import Prometheus
import JunctionDaemon
import Replication
import SocketAPI
internal import Hub

struct FollowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Run a follower: a replica of the writer's journal built from its JetStream stream, with its projectors and the read-only API.",
        discussion: """
            Appends each batch of the stream at the writer's numbers, with its bytes and
            idempotency key, and serves queries, logs, downloads and status on its own
            socket (and the back office with --web). Writes answer 503 and name the writer.
            A data directory that does not exist yet is created as a replica of the
            stream's journal. Copy the writer's <data>/token.key here before promoting it:
            that is how an app's existing token is given again. Once promoted, it
            compacts with the retention and schedule given here, as a writer would.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The Unix socket to listen on (default: <data>/junction.sock).", valueName: "PATH"))
    var socket: String?

    @OptionGroup var replication: ReplicationOptions

    @OptionGroup(title: "Once promoted") var retention: RetentionOptions

    @OptionGroup(title: "Once promoted") var schedule: CompactionScheduleOptions

    // A promoted follower runs the notifier: it delivers as the writer it replaces did.
    @OptionGroup(title: "Once promoted") var callbacks: CallbackOptions
    @OptionGroup(title: "Alerts") var alerts: AlertOptions

    @Option(help: ArgumentHelp("Serve the back office, read-only, at this loopback address, such as 127.0.0.1:8080.", valueName: "HOST:PORT"))
    var web: String?

    // Behind one address with the writer's: it answers 503 (Retry-After: 1) until promoted.
    @OptionGroup(title: "Gateway") var gateway: GatewayOptions

    func validate() throws {
        guard replication.replicate != nil else { throw ValidationError("follow needs --replicate nats://HOST:PORT,… (the writer's cluster)") }
        if let web {
            let host = try ServeCommand.webAddress(web).host
            guard host == "localhost" || host == "::1" || host.hasPrefix("127.") else {
                throw ValidationError("--web \(web) is not a loopback address")
            }
        }
    }

    func run() async throws {
        let logger = global.makeLogger("junction.follow")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let data = global.dataDirectory
        var configuration = ServeCommand.daemonConfiguration(
            data: data, socket: socket ?? data.root + "/junction.sock", logLevel: global.logLevel)
        configuration.replication = .follower(replication.settings(writerName: ""))
        configuration.failover = replication.failoverSettings
        configuration.compaction.retention = retention.policy
        configuration.compaction.interval = schedule.interval
        configuration.notifier = callbacks.delivery
        configuration.alerts = alerts.watcher
        configuration.alertDelivery = try alerts.delivery()
        if let web { configuration.web = try ServeCommand.webAddress(web) }
        configuration.gateway = try gateway.configuration()
        try await ServeCommand.runDaemon(configuration, registry: registry, logger: logger)
    }
}
