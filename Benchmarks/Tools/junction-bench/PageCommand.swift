import ArgumentParser
import Events
import Foundation
import Journal
import Logging
import Answers
import Pages
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
        // The back office's logs page: the same query, then its HTML rendered (view model
        // and Mustache template), as the daemon answers GET /connections/{id}/logs.
        let renderer = PageRenderer()
        let view = try queries.connection(connection)
        let answer = ConnectionAnswer(view)
        var html = Latencies(), htmlFiltered = Latencies()
        var pageBytes = 0
        let chrome = Chrome(language: .fr, title: "Logs", userEmail: "owner@example.com", csrf: "x", switchLanguageURL: "/language?lang=en")
        func render(_ filter: LogFilter, _ asked: LogListPage.Filter) throws -> Int {
            let page = try queries.logs(connection, filter: filter, limit: limit)
            let entries = LogsPageAnswer(page, timeZone: answer.timeZone).entries
            let model = LogListPage(
                chrome: chrome, connection: ConnectionHeader(answer, chrome.t), entries: entries, nextCursor: page.nextCursor,
                filter: asked, knownResources: ["orders", "catalogs", "customers", "locations", "callback"],
                offsetLabel: "UTC+01:00", editing: false)
            return renderer.render(model).utf8.count
        }
        for _ in 0..<iterations {
            var t = clock.now
            pageBytes = max(pageBytes, try render(LogFilter(), LogListPage.Filter()))
            html.add(clock.now - t)
            t = clock.now
            pageBytes = max(pageBytes, try render(filter, LogListPage.Filter(methods: ["GET", "POST"], statusClasses: ["2xx"])))
            htmlFiltered.add(clock.now - t)
        }
        // The check page (Vérifier la connexion): the health projection read at now, the
        // connection's alerts and settings, the HTML rendered, as GET /connections/{id}/check.
        var check = Latencies()
        var checkBytes = 0
        var withHealth = answer
        for _ in 0..<iterations {
            let t = clock.now
            guard let health = try queries.health(connection, now: now) else { preconditionFailure("the connection has no health") }
            withHealth.health = health.state
            let alerts = try queries.alerts(account: answer.accountID, limit: 1000).filter { $0.connectionID == connection }.prefix(10)
            let model = CheckPage(
                chrome: chrome, connection: ConnectionHeader(withHealth, chrome.t), health: health, alerts: Array(alerts),
                preferences: try queries.alertPreferences(connection: connection))
            checkBytes = max(checkBytes, renderer.render(model).utf8.count)
            check.add(clock.now - t)
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
            html.write(&w, key: "html_page_ms")
            htmlFiltered.write(&w, key: "html_filtered_page_ms")
            w.integer("html_page_bytes", Int64(pageBytes))
            check.write(&w, key: "html_check_page_ms")
            w.integer("html_check_page_bytes", Int64(checkBytes))
        }
    }
}
