import ArgumentParser
import Events
import Foundation

/// block, unblock and disconnect: the same shape, another verb.
struct StatusChangeOptions: ParsableArguments {
    @Argument(help: "The connection id.") var connection: String
    @Option(help: "Who does it (default: back-office).") var actor: String?
    @Option(help: "Why.") var reason: String?
    @Flag(help: "Print JSON.") var json = false

    func send(_ verb: String, _ past: String, global: GlobalOptions, socket: SocketOption) async throws {
        let body = SocketClient.body([("actor", actor), ("reason", reason)])
        let reply = try await socket.client(global).send(.post, "/v1/connections/\(connection)/\(verb)", body: body)
        printReceipt(reply, json: json) { v in "\(past) \(connection) (event \(v["seq"]?.integerValue ?? 0))" }
    }
}
