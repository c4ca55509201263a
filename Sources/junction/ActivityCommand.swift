import Answers
import ArgumentParser
import Domain
import Events
import Foundation
import Projections

struct ActivityCommand: AsyncParsableCommand {
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

    func validate() throws {
        guard (1...3660).contains(days) else { throw ValidationError("--days must be from 1 to 3660") }
        if let now, Timestamp(rfc3339: now) == nil { throw ValidationError("--now: \"\(now)\" is not an RFC 3339 time") }
    }

    func run() async throws {
        let source = try query.source(global, global.makeLogger("junction.activity"))
        defer { source.close() }
        let end = now.flatMap(Timestamp.init(rfc3339:)) ?? Timestamp.now
        let series = try await source.activity(connection, days: days, now: end)
        if query.json {
            print(jsonText { series.writeJSON(&$0) })
            return
        }
        let view = try await source.connection(connection)
        print("\(view.app.name) — \(connection) — requests per day (\(series.timeZone))")
        let peak = max(series.days.map(\.total).max() ?? 0, 1)
        let width = 50
        for day in series.days {
            let bar = Int((Double(day.total) / Double(peak) * Double(width)).rounded(.up))
            let note = day.errors > 0 ? "  (\(day.errors) errors)" : ""
            let bars = String(repeating: "█", count: bar) + String(repeating: " ", count: width - bar)
            let count = String(repeating: " ", count: max(0, 7 - String(day.total).count)) + String(day.total)
            print("\(day.date)  \(bars)\(count)\(note)")
        }
        print("total \(series.total) requests in \(series.days.count) days")
    }
}
