import ArgumentParser
import Events
import Foundation

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect an app to an account or to one location (through the daemon).",
        discussion: "Connecting the same app to the same place again gives back the same connection and token, unless another --device is given.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Option(help: "The app id.") var app: String
    @Option(help: "The account id.") var account: String
    @Option(help: "The location id, for a location-level connection.") var location: String?
    @Option(help: "A device id, for another instance of the app on the same location.") var device: String?
    @Option(help: "The catalog the app may use.") var catalog: String?
    @Option(help: "The customer list the app may use.") var customerList: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let body = SocketClient.body([("app_id", app), ("account_id", account), ("location_id", location),
                                      ("device_id", device), ("catalog_id", catalog), ("customer_list_id", customerList)])
        let reply = try await socket.client(global).send(.post, "/v1/connections", body: body)
        printReceipt(reply, json: json) { v in
            """
            \(v["created"] == .bool(true) ? "connected" : "already connected"): \(v["connection_id"]?.stringValue ?? "") (event \(v["seq"]?.integerValue ?? 0))
            scope         \(v["scope"]?.stringValue ?? "")
            access token  \(v["access_token"]?.stringValue ?? "")
            """
        }
    }
}
