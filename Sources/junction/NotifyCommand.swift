import ArgumentParser
import Events
import Foundation
import Journal
import Notifications
internal import Hub

struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Run the notifier: deliver disconnect callbacks, recording each attempt through the daemon.",
        discussion: "The daemon starts and supervises it; run by hand only to debug.")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The daemon's socket, where attempts are recorded.", valueName: "PATH"))
    var socket: String

    @Option(help: "Milliseconds to wait after a first failed attempt (doubling, up to 32 times).")
    var retryBaseMs: Int = Int(Notifier.Configuration().retryBase.wholeMilliseconds)

    @Option(help: "Attempts per delivery.")
    var maxAttempts: Int = Notifier.Configuration().maxAttempts

    @Option(help: "Milliseconds a callback may take to answer.")
    var timeoutMs: Int = Int(Notifier.Configuration().timeout.wholeMilliseconds)

    @Flag(help: "Let callbacks reach loopback and private addresses.")
    var allowPrivateCallbacks = false

    @Option(help: ArgumentHelp("Stop when this process (the supervising daemon) dies.", visibility: .hidden))
    var parentPid: Int32?

    func validate() throws {
        guard retryBaseMs > 0, maxAttempts > 0, timeoutMs > 0 else {
            throw ValidationError("--retry-base-ms, --max-attempts and --timeout-ms must be positive")
        }
    }

    /// The arguments that run this command, spelled as its options are above: how the
    /// daemon starts its notifier.
    static func arguments(
        data: String, socket: String, logLevel: String, delivery: Notifier.Configuration, parentPID: Int32
    ) -> [String] {
        [configuration.commandName!, "--data", data, "--socket", socket, "--log-level", logLevel,
         "--retry-base-ms", "\(delivery.retryBase.wholeMilliseconds)", "--max-attempts", "\(delivery.maxAttempts)",
         "--timeout-ms", "\(delivery.timeout.wholeMilliseconds)", "--parent-pid", "\(parentPID)"]
            + (delivery.allowPrivateAddresses ? ["--allow-private-callbacks"] : [])
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
        var configuration = Notifier.Configuration()
        configuration.retryBase = .milliseconds(retryBaseMs)
        configuration.maxAttempts = maxAttempts
        configuration.timeout = .milliseconds(timeoutMs)
        configuration.allowPrivateAddresses = allowPrivateCallbacks
        let client = SocketClient(socketPath: socket)
        let notifier = Notifier(journal: journal, lock: lock, tokens: tokens, configuration: configuration, logger: logger) { event in
            var line: [UInt8] = []
            NDJSONEventCodec.encode(event, into: &line)
            _ = try await client.send(.post, "/v1/events", body: line + [10], contentType: "application/x-ndjson")
        }
        try? await signals.run { try await notifier.run() }
    }
}
