import ArgumentParser
import Foundation
import Events
import Service

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

    func run() async throws {
        let client = SocketClient(socketPath: socket ?? global.dataDirectory.root + "/junction.sock")
        let body = SocketClient.body([("mode", replicateMode.rawValue), ("writer_name", advertise)])
        let reply = try await client.send(.post, "/v1/replication/promote", body: body)
        print(String(decoding: reply.body, as: UTF8.self))
    }
}
