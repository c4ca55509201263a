import ArgumentParser
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
        let end = now.flatMap(Timestamp.init(rfc3339:)) ?? Timestamp(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let series = try await source.activity(connection, days: days, now: end)
        if query.json {
            print(String(decoding: series.serialized, as: UTF8.self))
            return
        }
        let view = try await source.connection(connection)
        let entries = series["days"]?.arrayValue ?? []
        print("\(view["app"]?["name"]?.stringValue ?? "") — \(connection) — requests per day (\(series["time_zone"]?.stringValue ?? ""))")
        let peak = max(entries.compactMap { $0["total"]?.integerValue }.max() ?? 0, 1)
        let width = 50
        for day in entries {
            let total = day["total"]?.integerValue ?? 0
            let bar = Int((Double(total) / Double(peak) * Double(width)).rounded(.up))
            let errors = (day["4xx"]?.integerValue ?? 0) + (day["5xx"]?.integerValue ?? 0)
            let note = errors > 0 ? "  (\(errors) errors)" : ""
            let bars = String(repeating: "█", count: bar) + String(repeating: " ", count: width - bar)
            let count = String(repeating: " ", count: max(0, 7 - String(total).count)) + String(total)
            print("\(day["date"]?.stringValue ?? "")  \(bars)\(count)\(note)")
        }
        print("total \(series["total"]?.integerValue ?? 0) requests in \(entries.count) days")
    }
}
