import ArgumentParser
import Events
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write an online, consistent, compacted copy of a running daemon's data directory.",
        discussion: """
            The daemon (a writer or a follower) writes DEST on its own host while it goes on
            serving: the journal as of one commit, each projection (unless
            --without-projections: the projectors then rebuild them from the journal), the
            token key and the replication epoch. DEST must not exist. To restore, start
            `junction serve --data DEST` or `junction follow --data DEST --replicate …` on it
            (a follower reads the stream from the copy's head on). A writer restored from a
            copy older than its stream refuses to write: follow the stream instead.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The daemon's socket (default: <data>/junction.sock).", valueName: "PATH"))
    var socket: String?

    @Flag(help: "Copy the journal only.")
    var withoutProjections = false

    @Argument(help: ArgumentHelp("Where to write the copy (a new directory).", valueName: "DEST"))
    var destination: String

    func run() async throws {
        let absolute = URL(fileURLWithPath: destination).standardizedFileURL.path
        let client = SocketClient(socketPath: socket ?? global.dataDirectory.root + "/junction.sock")
        var w = JSONWriter()
        w.beginObject()
        w.string("destination", absolute)
        w.bool("projections", !withoutProjections)
        w.endObject()
        let reply = try await client.send(.post, "/v1/backup", body: w.bytes)
        print(String(decoding: reply.body, as: UTF8.self))
    }
}
