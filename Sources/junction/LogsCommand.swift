public import Answers
public import ArgumentParser
import Events
import Projections
import Domain
import Foundation

extension LogExport.Format: ExpressibleByArgument {}

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "A connection's API requests, newest first, filtered and paged.",
        discussion: """
            Filters combine: any of the --resource values, and any of the --method values, and
            any of the --status classes, within --since/--until. Nothing given shows all.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var query: QueryOptions

    @Argument(help: "The connection id.")
    var connection: String

    @Option(help: "Only this resource (orders, catalogs, …); repeatable.")
    var resource: [String] = []

    @Option(help: "Only this HTTP method; repeatable.")
    var method: [String] = []

    @Option(help: "Only this status class (2xx, 3xx, 4xx, 5xx) or status (422); repeatable.")
    var status: [String] = []

    @Option(help: "Only entries that took at least this many milliseconds.")
    var minDurationMs: UInt64?

    @Option(help: "Entries at or after this time (RFC 3339, or a date in the location's zone).")
    var since: String?

    @Option(help: "Entries before this time (RFC 3339, or a date in the location's zone).")
    var until: String?

    @Option(help: ArgumentHelp("Only the failed calls of this error group (an id from `junction errors`).", valueName: "ID"))
    var error: String?

    @Option(help: "Only entries whose URL, request id or bodies contain this text (a page reads at most 5,000 entries).")
    var text: String?

    @Flag(help: "Follow new entries as they are journaled (after the filters), until interrupted.")
    var follow = false

    @Option(help: ArgumentHelp("Write every matching entry, not a page, in this format (ndjson or csv).", valueName: "FORMAT"))
    var export: LogExport.Format?

    @Flag(help: "With --export: include the request and response bodies.")
    var bodies = false

    @Option(help: ArgumentHelp("With --export: write to this file instead of the standard output.", valueName: "FILE"))
    var output: String?

    @Option(help: "Entries per page (1 to 1000).")
    var limit: Int = 50

    @Option(help: "Continue from a previous page's next cursor.")
    var cursor: String?

    func validate() throws {
        for m in method where HTTPMethod(name: m) == nil { throw ValidationError("unknown HTTP method \"\(m)\"") }
        for s in status where StatusClass(name: s) == nil && !Self.isStatus(s) {
            throw ValidationError("\"\(s)\" is neither a status class (2xx, 3xx, 4xx, 5xx) nor a status (100 to 599)")
        }
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000") }
        if let error, ErrorGroupKey(id: error) == nil { throw ValidationError("--error \"\(error)\" is not an error group's id") }
        if follow && export != nil { throw ValidationError("--follow and --export cannot be combined") }
        if (bodies || output != nil) && export == nil { throw ValidationError("--bodies and --output go with --export") }
    }

    func run() async throws {
        let source = try query.source(global, global.makeLogger("junction.logs"))
        defer { source.close() }
        let view = try await source.connection(connection)
        let zone = view.timeZone
        var filter = LogFilter(
            resources: Set(resource), methods: Set(method.compactMap(HTTPMethod.init(name:))),
            statusClasses: Set(status.compactMap(StatusClass.init(name:))),
            since: try since.map { try parseTime($0, zone: zone, option: "--since") },
            until: try until.map { try parseTime($0, zone: zone, option: "--until") },
            statuses: Set(status.filter(Self.isStatus).compactMap(UInt16.init)), minDurationMicroseconds: minDurationMs.map { $0 * 1000 })
        filter.errorGroup = error.flatMap(ErrorGroupKey.init(id:))
        filter.text = text
        if let export {
            let out: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil) , let file = FileHandle(forWritingAtPath: output) else {
                    throw CommandFailure("cannot write \(output)")
                }
                out = file
            } else {
                out = FileHandle.standardOutput
            }
            try await source.export(connection, filter: filter, format: export, bodies: bodies, to: out)
            try out.synchronize()
            return
        }
        if follow { return try await self.follow(source, filter: filter, zone: zone) }
        let page = try await source.logs(connection, filter: filter, limit: limit, cursor: cursor)
        if query.json {
            print(jsonText { page.writeJSON(&$0) })
            return
        }
        print("\(view.app.name) — connection \(connection) (\(view.status.name))")
        print("Access token   \(view.accessToken)")
        print("Scope          \(view.scope)")
        if let list = view.customerListID { print("Customer list  \(list)") }
        if let catalog = view.catalogID { print("Catalog        \(catalog)") }
        print("")
        guard let newest = page.entries.first?.time else {
            print("no log entries")
            return
        }
        let headerOffset = LocalTime.offset(zone, at: newest)
        print(column("SEQ", 10) + column("TIME (\(LocalTime.offsetLabel(headerOffset)))", 27) + column("RESOURCE", 16)
              + column("METHOD", 8) + column("URL", 48) + "RESPONSE")
        for e in page.entries {
            var time = LocalTime.format(e.time, in: zone)
            let offset = LocalTime.offset(zone, at: e.time)
            if offset != headerOffset { time += " " + LocalTime.offsetLabel(offset).dropFirst(3) }
            print(column("\(e.seq)", 10) + column(time, 27) + column(e.resource, 16)
                  + column(e.method, 8) + column(e.url, 48) + "\(e.status)")
        }
        if page.scanLimited { print("\n(this page read \(LogsProjection.scanBudget) entries without filling: go on with the cursor)") }
        if let next = page.nextCursor { print("\nolder entries: --cursor \(next)") }
    }

    /// Prints each new entry passing the filter as it is journaled, one line each (the
    /// API's JSON with --json), until interrupted.
    func follow(_ source: QuerySource, filter: LogFilter, zone: String) async throws {
        func show(_ e: LogEntryAnswer) {
            if query.json {
                print(jsonText { e.writeJSON(&$0) })
            } else {
                print(column("\(e.seq)", 10) + column(e.localTime, 27) + column(e.resource, 16) + column(e.method, 8)
                      + column(e.url, 48) + "\(e.status)" + (e.error.map { $0.isEmpty ? "" : "  \($0)" } ?? ""))
            }
            try? FileHandle.standardOutput.synchronize()
        }
        switch source {
        case .local(let q):
            var after = try answer { try q.journalHead() }
            while !Task.isCancelled {
                let (entries, readTo) = try await q.tail(connection, filter: filter, after: after, until: .now + .seconds(5))
                for e in entries { show(LogEntryAnswer(e, timeZone: zone)) }
                after = readTo
            }
        case .socket(let s):
            let items = QuerySource.filterItems(filter)
            var pending: [UInt8] = []
            try await s.stream("/v1/connections/\(connection.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? connection)/logs/stream"
                               + queryString(items)) { piece in
                pending.append(contentsOf: piece.readableBytesView)
                // Events end with a blank line; each `data:` line is one entry.
                while let end = pending.firstRange(of: [10, 10]) {
                    let event = pending[..<end.lowerBound]
                    pending.removeSubrange(..<end.upperBound)
                    for line in event.split(separator: 10) where line.starts(with: Array("data: ".utf8)) {
                        show(try decoded(Array(line.dropFirst(6)), LogEntryAnswer.init(json:)))
                    }
                }
            }
        }
    }

    static func isStatus(_ text: String) -> Bool {
        text.count == 3 && UInt16(text).map { (100...599).contains($0) } == true
    }
}
