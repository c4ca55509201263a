import Answers
import ArgumentParser
import Events
import Projections
import Domain

struct ConnectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "List connections: of an account (all its locations), of one location, or all.",
        discussion: "Disconnected connections are left out unless --status disconnected or --all asks for them.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var query: QueryOptions

    @Option(help: "Connections of this account and all its locations.")
    var account: String?

    @Option(help: "Connections of this location.")
    var location: String?

    @Flag(help: "With --account: only the connections to the account itself, not to its locations.")
    var accountLevel = false

    @Option(help: "Only these statuses (active, blocked, disconnected); repeatable.")
    var status: [String] = []

    @Flag(help: "Every status, disconnected included.")
    var all = false

    func validate() throws {
        for s in status where ConnectionStatus(name: s) == nil {
            throw ValidationError("unknown status \"\(s)\" (active, blocked or disconnected)")
        }
        if account != nil && location != nil { throw ValidationError("give --account or --location, not both") }
        if accountLevel && account == nil { throw ValidationError("--account-level needs --account") }
    }

    func run() async throws {
        let source = try query.source(global, global.makeLogger("junction.connections"))
        defer { source.close() }
        let statuses = all ? ConnectionStatus.allCases.map(\.name) : status.isEmpty ? ["active", "blocked"] : status
        let reply = try await source.connections(account: account, location: location, accountLevel: accountLevel, statuses: statuses)
        let views = reply.connections
        if query.json {
            print(jsonText { w in
                w.beginArray()
                for v in views { v.writeJSON(&w) }
                w.endArray()
            })
            return
        }
        if let first = views.first {
            if let location, let name = first.locationName {
                print("\(name) (\(location), \(first.timeZone))\n")
            } else if let account, let name = first.accountName {
                print("\(name) (\(account))\n")
            }
        }
        guard !views.isEmpty else {
            print("no connections")
            return
        }
        print(column("CONNECTION", 12) + column("APP", 20) + column("DEVICE", 12) + column("LEVEL", 24)
              + column("STATUS", 13) + column("LAST REQUEST", 22) + "REQUESTS")
        for v in views {
            let level = v.locationID.map { "location \($0)" } ?? "account \(v.accountID)"
            let last = v.lastRequestAt.map { LocalTime.format($0, in: v.timeZone) } ?? "-"
            print(column(v.connectionID, 12) + column(v.app.name, 20) + column(v.deviceID ?? "-", 12) + column(level, 24)
                  + column(v.status.name, 13) + column(last, 22) + "\(v.requestCount)")
        }
    }
}
