import ArgumentParser
import Events
import Foundation
import Projections

struct ActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity",
        abstract: "A connection's requests per day over the last 30 days, as a bar chart.",
        discussion: "Days are the local days of the connection's location (or account).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var query: QueryOptions

    @Argument(help: "The connection id.")
    var connection: String

    @Option(help: "How many days, ending today.")
    var days: Int = 30

    @Option(help: "The moment whose local day ends the chart (RFC 3339; default: now).")
    var now: String?

    func run() throws {
        let logger = global.makeLogger("junction.activity")
        var end = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
        if let now {
            guard let given = Timestamp(rfc3339: now) else { throw ValidationError("--now: not an RFC 3339 time") }
            end = given
        }
        let queries = try query.open(global, logger)
        defer { queries.close() }
        let series = try answer { try queries.activity(connection, days: days, now: end) }
        if query.json {
            printJSON { series.writeJSON(&$0) }
            return
        }
        let view = try answer { try queries.connection(connection) }
        print("\(view.appName) — \(connection) — requests per day (\(series.timeZone))")
        let peak: UInt32 = max(series.days.map { $0.counts.total }.max() ?? 0, 1)
        let width = 50
        for (day, counts) in series.days {
            let share = Double(counts.total) / Double(peak)
            let bar = Int((share * Double(width)).rounded(.up))
            let errors: UInt32 = counts.count(StatusClass.clientError) + counts.count(StatusClass.serverError)
            let note = errors > 0 ? "  (\(errors) errors)" : ""
            let bars = String(repeating: "█", count: bar) + String(repeating: " ", count: width - bar)
            let count = String(format: " %6u", counts.total)
            print("\(day)  \(bars)\(count)\(note)")
        }
        print("total \(series.total) requests in \(series.days.count) days")
    }
}
