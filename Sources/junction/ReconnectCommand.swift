import ArgumentParser
import Events
import Foundation

struct ReconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconnect", abstract: "Switch a connection to another catalog or customer list (through the daemon).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Argument(help: "The connection id.") var connection: String
    @Option(help: "The new catalog.") var catalog: String?
    @Option(help: "The new customer list.") var customerList: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if catalog == nil && customerList == nil { throw ValidationError("give --catalog or --customer-list") }
    }

    func run() async throws {
        let body = SocketClient.body([("catalog_id", catalog), ("customer_list_id", customerList)])
        let reply = try await socket.client(global).send(.post, "/v1/connections/\(connection)/reconnect", body: body)
        printReceipt(reply, json: json) { v in "reconnected \(connection) (event \(v["seq"]?.integerValue ?? 0))" }
    }
}
