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

    var servers: [String] {
        (replicate ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard replicate != nil else { return }
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
}

extension ReplicationMode: ExpressibleByArgument {}
