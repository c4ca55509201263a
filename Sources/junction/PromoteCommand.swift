import ArgumentParser
import Foundation
import Events
import Replication

struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Make a running follower the stream's writer (failover), once it holds everything the stream holds.",
        discussion: """
            Asks the follower serving on <data>/junction.sock (or --socket). It refuses when
            it holds less than the stream (after waiting a few seconds for it), and when the
            daemon is not a follower. The old writer, if it comes back, finds it was
            replaced and refuses to write. Restart the promoted daemon as
            `junction serve --replicate …` when convenient: until then it delivers no
            disconnect callbacks and compacts only on request.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The follower's socket (default: <data>/junction.sock).", valueName: "PATH"))
    var socket: String?

    @Option(help: "sync or async (see junction serve --replicate-mode).")
    var replicateMode: ReplicationMode = .sync

    @Option(help: ArgumentHelp("How the other followers name the new writer in their 503s (default: HOST:SOCKET).", valueName: "NAME"))
    var advertise: String?

    @Option(help: "Seconds to wait for the follower to hold everything the stream holds before refusing (0 to 3600).")
    var waitSeconds = 10

    func validate() throws {
        guard (0...3600).contains(waitSeconds) else { throw ValidationError("--wait-seconds must be from 0 to 3600") }
    }

    func run() async throws {
        let client = SocketClient(socketPath: socket ?? global.dataDirectory.root + "/junction.sock")
        var w = JSONWriter()
        w.beginObject()
        w.string("mode", replicateMode.rawValue)
        w.string("writer_name", ifPresent: advertise)
        w.integer("wait_seconds", Int64(waitSeconds))
        w.endObject()
        let body = w.bytes
        let reply = try await client.send(.post, "/v1/replication/promote", body: body)
        print(String(decoding: reply.body, as: UTF8.self))
    }
}
