import ArgumentParser
import Events
import Foundation
import Journal
import Notifications
import Projections
internal import Hub

struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Run the notifier: deliver disconnect callbacks, recording each attempt through the daemon.",
        discussion: "The daemon starts and supervises it; run by hand only to debug.")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The daemon's socket, where attempts are recorded.", valueName: "PATH"))
    var socket: String

    @OptionGroup var callbacks: CallbackOptions

    @Option(help: ArgumentHelp("Stop when this process (the supervising daemon) dies.", visibility: .hidden))
    var parentPid: Int32?

    /// The arguments that run this command, spelled as its options are above: how the
    /// daemon starts its notifier.
    static func arguments(
        data: String, socket: String, logLevel: String, delivery: Notifier.Configuration, parentPID: Int32
    ) -> [String] {
        [configuration.commandName!, "--data", data, "--socket", socket, "--log-level", logLevel, "--parent-pid", "\(parentPID)"]
            + CallbackOptions.arguments(delivery)
    }

    func run() async throws {
        let signals = StopSignals()
        guard signals.stopWithParent(parentPid) else { return }
        let logger = global.makeLogger("junction.notify")
        let data = global.dataDirectory
        let journal: Journal
        let tokens: TokenIssuer
        let lock: DirectoryLock
        do {
            journal = try data.openJournalForReading(logger: logger)
            tokens = try TokenIssuer(keyFile: data.tokenKeyPath)
            try PrivateFiles.createDirectory(data.root + "/notifier")
            lock = try DirectoryLock(directory: data.root + "/notifier", purpose: "junction notify")
        } catch let error as JournalError {
            throw CommandFailure(error.description)
        }
        let configuration = callbacks.delivery
        let client = SocketClient(socketPath: socket)
        // The hub's events are queued in the connections projection, read from this process.
        let queries: Queries?
        do {
            queries = try Queries(data: data, journal: journal)
        } catch {
            logger.warning("the hub's events will not be delivered: the projections cannot be read", metadata: ["error": "\(error)"])
            queries = nil
        }
        let notifier = Notifier(
            journal: journal, lock: lock, tokens: tokens, configuration: configuration, logger: logger, queries: queries
        ) { events in
            var lines: [UInt8] = []
            for event in events {
                NDJSONEventCodec.encode(event, into: &lines)
                lines.append(10)
            }
            _ = try await client.send(.post, "/v1/events", body: lines, contentType: "application/x-ndjson")
        }
        try? await signals.run { try await notifier.run() }
    }
}
