public import ArgumentParser
import Foundation
public import Replication

/// Where the journal is replicated: shared by `serve --replicate` and `follow`.
struct ReplicationOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The NATS servers of the JetStream cluster the journal is replicated to, comma-separated (nats://h1:4222,nats://h2:4222,nats://h3:4222).",
        valueName: "URLS"))
    var replicate: String?

    @Option(help: "The JetStream stream holding the journal (created by the writer if missing).")
    var replicateStream = "JUNCTION"

    @Option(help: "The subject the journal's events are published on.")
    var replicateSubject = "junction.journal"

    @Option(help: "With --replicate: auto lets a follower take over, without a person, when the writer stops renewing its lease (in a JetStream key-value bucket); manual leaves it to junction promote. Give both the writer and its followers the same.")
    var failover: FailoverMode = .manual

    @Option(help: "With --failover auto: milliseconds between the writer's lease renewals (and the followers' looks at it).")
    var leaseIntervalMs = 1_000

    @Option(help: "With --failover auto: milliseconds a lease nobody renews stays the writer's; the writer stops acknowledging a fifth of it earlier.")
    var leaseTtlMs = 5_000

    var servers: [String] {
        (replicate ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard replicate != nil else {
            if failover == .auto { throw ValidationError("--failover auto needs --replicate (the lease lives in the cluster)") }
            return
        }
        guard leaseIntervalMs >= 50 else { throw ValidationError("--lease-interval-ms must be at least 50") }
        guard leaseTtlMs >= 3 * leaseIntervalMs else {
            throw ValidationError("--lease-ttl-ms must be at least three renewal intervals (\(3 * leaseIntervalMs)): one missed renewal must not hand the writer over")
        }
        guard !servers.isEmpty else { throw ValidationError("--replicate: no server given (nats://host:port,…)") }
        for server in servers {
            guard let url = URL(string: server), url.scheme == "nats" || url.scheme == "tls", url.host != nil else {
                throw ValidationError("--replicate: \"\(server)\" is not nats://HOST:PORT")
            }
        }
        guard !replicateStream.isEmpty, replicateStream.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw ValidationError("--replicate-stream: \"\(replicateStream)\" is not a stream name (letters, digits, _ and -)")
        }
        guard !replicateSubject.isEmpty, !replicateSubject.contains(" "), !replicateSubject.contains("*"), !replicateSubject.contains(">") else {
            throw ValidationError("--replicate-subject: \"\(replicateSubject)\" is not a plain subject (such as junction.journal)")
        }
    }

    func settings(writerName: String) -> ReplicationSettings {
        var s = ReplicationSettings(servers: servers, writerName: writerName)
        s.stream = replicateStream
        s.subject = replicateSubject
        return s
    }

    /// The failover settings, with `--failover auto`.
    var failoverSettings: FailoverSettings? {
        guard failover == .auto else { return nil }
        var f = FailoverSettings()
        f.renewInterval = .milliseconds(leaseIntervalMs)
        f.timeToLive = .milliseconds(leaseTtlMs)
        return f
    }
}

/// Who turns a follower into the writer when the writer is lost.
enum FailoverMode: String, ExpressibleByArgument, CaseIterable {
    /// A person, with `junction promote`.
    case manual
    /// The followers, when the writer's lease lapses.
    case auto
}

extension ReplicationMode: ExpressibleByArgument {}
