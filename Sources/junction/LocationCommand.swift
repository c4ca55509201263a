import ArgumentParser
import Events

/// `junction location add`: registers one location of an account (through the daemon).
struct LocationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location", abstract: "Register locations of an account (through the daemon).",
        subcommands: [LocationAddCommand.self])
}

struct LocationAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register a location of a registered account.",
        discussion: "A location id is its account id, a dash and a number (3r4s3-1).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Option(help: "The location id: the account id, a dash and a number.") var id: String
    @Option(help: "The account the location belongs to.") var account: String
    @Option(help: "The location's name.") var name: String
    // The API requires it (docs/openapi.yaml, LocationRequest): a location may lie in
    // another zone than its account, so it is asked for rather than guessed.
    @Option(help: ArgumentHelp("The location's IANA time zone, e.g. Europe/Paris.", valueName: "ZONE")) var timeZone: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let body = SocketClient.body([("location_id", id), ("account_id", account), ("name", name), ("time_zone", timeZone)])
        let reply = try await socket.client(global).send(.post, "/v1/locations", body: body)
        printReceipt(reply, json: json) { v in "registered location \(id) of \(account) (event \(v["seq"]?.integerValue ?? 0))" }
    }
}
