import ArgumentParser
import Events
import Projections

struct ConnectionsCommand: ParsableCommand {
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

    func run() throws {
        let logger = global.makeLogger("junction.connections")
        let queries = try query.open(global, logger)
        defer { queries.close() }
        let statuses: Set<ConnectionStatus> = all ? Set(ConnectionStatus.allCases)
            : status.isEmpty ? [.active, .blocked] : Set(status.compactMap(ConnectionStatus.init(name:)))
        let views = try answer {
            try queries.connections(account: account, location: location, accountLevelOnly: accountLevel, statuses: statuses)
        }
        if query.json {
            printJSON { w in
                w.beginArray()
                for v in views { v.writeJSON(&w) }
                w.endArray()
            }
            return
        }
        if let place = try answer({ try location.flatMap(queries.place) ?? account.flatMap(queries.place) }) {
            print("\(place.name) (\(place.id), \(place.timeZone))\n")
        }
        guard !views.isEmpty else {
            print("no connections")
            return
        }
        print(column("CONNECTION", 12) + column("APP", 20) + column("DEVICE", 12) + column("LEVEL", 24)
              + column("STATUS", 13) + column("LAST REQUEST", 22) + "REQUESTS")
        for v in views {
            let r = v.record
            let level = r.locationID.map { "location \($0)" } ?? "account \(r.accountID)"
            let last = r.lastRequestAt.map { LocalTime.format($0, in: v.timeZone) } ?? "-"
            print(column(r.connectionID, 12) + column(v.appName, 20) + column(r.deviceID ?? "-", 12) + column(level, 24)
                  + column(r.status.name, 13) + column(last, 22) + "\(r.requestCount)")
        }
    }
}
