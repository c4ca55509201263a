import ArgumentParser
import Events
import Foundation

/// The daemon's socket, for commands that only the writer can carry out.
struct SocketOption: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon's Unix socket (default: <data>/junction.sock).", valueName: "PATH"))
    var socket: String?

    func client(_ global: GlobalOptions) -> SocketClient {
        SocketClient(socketPath: socket ?? global.dataDirectory.root + "/junction.sock")
    }
}

/// Prints a command's receipt: JSON, or a line for people.
func printReceipt(_ reply: SocketClient.Reply, json: Bool, _ describe: (JSONValue) -> String) {
    if json {
        print(String(decoding: reply.body, as: UTF8.self))
    } else if let value = reply.json {
        print(describe(value))
    }
}

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

struct BlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block", abstract: "Stop an app's access to the API for now (through the daemon).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var change: StatusChangeOptions
    func run() async throws { try await change.send("block", "blocked", global: global, socket: socket) }
}

struct UnblockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock", abstract: "Restore a blocked app's access (through the daemon).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var change: StatusChangeOptions
    func run() async throws { try await change.send("unblock", "unblocked", global: global, socket: socket) }
}

struct DisconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect", abstract: "Remove a connection for good: its token dies at once (through the daemon).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var change: StatusChangeOptions
    func run() async throws { try await change.send("disconnect", "disconnected", global: global, socket: socket) }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "The daemon's journal head and each projector's checkpoint, lag and restarts.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(.get, "/v1/status")
        guard !json, let v = reply.json else {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        let j = v["journal"] ?? .null
        print("journal  head \(j["head"]?.integerValue ?? 0), \(j["count"]?.integerValue ?? 0) events, \(j["used_bytes"]?.integerValue ?? 0) bytes, durability \(j["durability"]?.stringValue ?? "")")
        for p in v["projections"]?.arrayValue ?? [] {
            print(column(p["name"]?.stringValue ?? "", 12) + "checkpoint \(p["checkpoint"]?.integerValue ?? 0), lag \(p["lag"]?.integerValue ?? 0), restarts \(p["restarts"]?.integerValue ?? 0), \(p["state"]?.stringValue ?? "")")
        }
    }
}

struct CallbacksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callbacks", abstract: "A disconnected connection's callback deliveries: each attempt, its answer, the next try.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Argument(help: "The connection id.") var connection: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(.get, "/v1/connections/\(connection)/callbacks?after=head")
        guard !json, let v = reply.json else {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        print("callback URL  \(v["callback_url"]?.stringValue ?? "(none)")")
        print("delivered     \(v["delivered"] == .bool(true) ? "yes" : "no")\(v["pending"] == .bool(true) ? ", a delivery is pending" : "")")
        for r in v["records"]?.arrayValue ?? [] {
            let time = r["time"]?.stringValue ?? ""
            if r["type"]?.stringValue == "resend_requested" {
                print("\(time)  resend requested by \(r["actor"]?.stringValue ?? "") (\(r["delivery_id"]?.stringValue ?? ""))")
                continue
            }
            let outcome = r["status"]?.integerValue.map { "HTTP \($0)" } ?? "error: \(r["error"]?.stringValue ?? "")"
            let next = r["next_attempt_at"]?.stringValue.map { ", next try \($0)" } ?? ""
            print("\(time)  attempt \(r["attempt"]?.integerValue ?? 0) of \(r["delivery_id"]?.stringValue ?? ""): \(outcome)\(next)")
        }
    }
}

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
