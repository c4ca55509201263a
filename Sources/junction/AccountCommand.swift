import ArgumentParser
import Events

/// `junction account add`: registers a restaurant's account (through the daemon).
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Register accounts (through the daemon).",
        subcommands: [AccountAddCommand.self])
}

struct AccountAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register an account: its id, its name and the time zone its days are counted in.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Option(help: "The account id (1 to 64 letters, digits, - or _).") var id: String
    @Option(help: "The restaurant's name.") var name: String
    @Option(help: ArgumentHelp("An IANA time zone, e.g. Europe/Paris.", valueName: "ZONE")) var timeZone: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let body = SocketClient.body([("account_id", id), ("name", name), ("time_zone", timeZone)])
        let reply = try await socket.client(global).send(.post, "/v1/accounts", body: body)
        printReceipt(reply, json: json) { v in "registered account \(id) (event \(v["seq"]?.integerValue ?? 0))" }
    }
}
