import ArgumentParser
import Events
import Foundation
import Journal
import Logging
import Projections

/// Times logs pages (and the activity chart) read in process through `Queries`, the code
/// the daemon answers with, without HTTP.
struct PageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "page", abstract: "Logs page latency in process.")

    @Option(help: "The data directory (its projections caught up; no daemon on it).")
    var data: String

    @Option(help: "The connection whose logs are paged.")
    var connection: String

    @Option(help: "Entries per page.")
    var limit: Int = 50

    @Option(help: "Pages read per kind of page.")
    var iterations: Int = 2000

    func run() throws {
        let logger = Logger(label: "junction.bench")
        let queries = try Queries(data: DataDirectory(data), logger: logger)
        defer { queries.close() }
        let clock = ContinuousClock()
        // The first page, a filtered page, a page deep in the history (by cursor), and the
        // 30-day chart.
        var first = Latencies(), filtered = Latencies(), deep = Latencies(), activity = Latencies()
        var cursor: String?
        for _ in 0..<20 { cursor = try queries.logs(connection, limit: limit, cursor: cursor).nextCursor }
        let filter = LogFilter(methods: [.post, .get], statusClasses: [.success])
        let now = Timestamp(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
        for _ in 0..<iterations {
            var t = clock.now
            let page = try queries.logs(connection, limit: limit)
            first.add(clock.now - t)
            precondition(!page.entries.isEmpty, "the connection has no entries")
            t = clock.now
            _ = try queries.logs(connection, filter: filter, limit: limit)
            filtered.add(clock.now - t)
            t = clock.now
            _ = try queries.logs(connection, limit: limit, cursor: cursor)
            deep.add(clock.now - t)
            t = clock.now
            _ = try queries.activity(connection, days: 30, now: now)
            activity.add(clock.now - t)
        }
        let entries = try queries.connection(connection).record.requestCount
        printJSON { w in
            w.integer("entries", Int64(entries))
            w.integer("limit", Int64(limit))
            w.integer("iterations", Int64(iterations))
            w.value("p50_ms", .number(first.percentile(50)))
            w.value("p99_ms", .number(first.percentile(99)))
            w.value("max_ms", .number(first.percentile(100)))
            filtered.write(&w, key: "filtered_ms")
            deep.write(&w, key: "page_21_ms")
            activity.write(&w, key: "activity_ms")
        }
    }
}
