import ArgumentParser
import Events
import Foundation

struct ResendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resend", abstract: "Deliver a disconnected connection's callback again (through the daemon).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Argument(help: "The connection id.") var connection: String
    @Option(help: "Who asks (default: back-office).") var actor: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(
            .post, "/v1/connections/\(connection)/callbacks/resend", body: SocketClient.body([("actor", actor)]))
        printReceipt(reply, json: json) { v in "resend of \(connection)'s disconnect callback requested (event \(v["seq"]?.integerValue ?? 0))" }
    }
}
