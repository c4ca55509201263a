internal import Foundation
package import Hummingbird
package import HTTPTypes
internal import NIOCore
internal import ServiceLifecycle
package import Events
package import Projections
internal import Domain
internal import Answers
internal import FrontDoor

extension Router where Context == BasicRequestContext {
    /// The routes that find a cause: error groups, the export and the live tail.
    func addLogToolRoutes(_ c: RouteContext) {
        get("/v1/connections/:id/errors") { request, context in
            try await c.waitForProjections(request, ["connections", "logs"])
            let id = try context.id()
            let (groups, zone) = try answering { (try c.queries.errorGroups(id), try c.queries.connection(id).timeZone) }
            return jsonResponse { ErrorGroupsAnswer(groups, timeZone: { _ in zone }).writeJSON(&$0) }
        }

        get("/v1/accounts/:id/errors") { request, context in
            try await c.waitForProjections(request, ["connections", "logs"])
            let groups = try answering { try c.queries.errorGroups(account: try context.id()) }
            return jsonResponse { ErrorGroupsAnswer(groups, timeZone: c.timeZone(of:)).writeJSON(&$0) }
        }

        get("/v1/connections/:id/logs/export") { request, context in
            try await c.waitForProjections(request, ["connections", "logs"])
            return try c.exportResponse(request, context)
        }

        get("/v1/connections/:id/logs/stream") { request, context in
            // `after=`: the connection is looked up once the projections hold it.
            try await c.waitForProjections(request, ["connections"])
            return try c.streamResponse(request, context)
        }
    }
}

extension Request {
    /// The logs query's filters: `resource`, `method`, `status` (a class or a code, repeated
    /// or comma-separated), `min_duration_ms`, `since`, `until`, `error` (an error group's
    /// id) and `text`.
    package func logFilter() throws -> LogFilter {
        var filter = LogFilter(resources: Set(queryAll("resource")))
        for m in queryAll("method") {
            guard let method = HTTPMethod(name: m) else { throw APIError.invalid("method", "unknown HTTP method \"\(m)\"") }
            filter.methods.insert(method)
        }
        for s in queryAll("status").flatMap({ $0.split(separator: ",").map(String.init) }) {
            if let statusClass = StatusClass(name: s) {
                filter.statusClasses.insert(statusClass)
            } else if s.count == 3, let code = UInt16(s), (100...599).contains(code) {
                filter.statuses.insert(code)
            } else {
                throw APIError.invalid("status", "\"\(s)\" is neither a status class (1xx … 5xx) nor a status (100 to 599)")
            }
        }
        if let text = query("min_duration_ms"), !text.isEmpty {
            guard let ms = UInt64(text), ms <= 86_400_000 else {
                throw APIError.invalid("min_duration_ms", "\"\(text)\" is not a number of milliseconds from 0 to 86400000")
            }
            filter.minDurationMicroseconds = ms * 1000
        }
        if let id = query("error"), !id.isEmpty {
            guard let group = ErrorGroupKey(id: id) else {
                throw APIError.invalid("error", "\"\(id)\" is not an error group's id (pass back an id from …/errors)")
            }
            filter.errorGroup = group
        }
        if let text = query("text"), !text.isEmpty {
            guard text.utf8.count <= 200 else { throw APIError.invalid("text", "a search text is at most 200 bytes") }
            filter.text = text
        }
        filter.since = try queryTime("since")
        filter.until = try queryTime("until")
        return filter
    }
}

extension RouteContext {
    /// The zone a connection's times are shown in (UTC for one no longer known).
    func timeZone(of id: String) -> String {
        (try? queries.connection(id).timeZone) ?? "UTC"
    }

    /// `…/logs/export?format=ndjson|csv&bodies=0|1` with the logs query's filters: the
    /// file streamed as it is read.
    package func exportResponse(_ request: Request, _ context: some RequestContext) throws -> Response {
        let id = try context.id()
        let filter = try request.logFilter()
        let formatName = request.query("format") ?? "ndjson"
        guard let format = LogExport.Format(rawValue: formatName) else {
            throw APIError.invalid("format", "unknown format \"\(formatName)\" (ndjson, csv)")
        }
        let bodiesText = request.query("bodies") ?? "0"
        guard bodiesText == "0" || bodiesText == "1" else { throw APIError.invalid("bodies", "must be 0 or 1, not \"\(bodiesText)\"") }
        let zone = try answering { try queries.connection(id).timeZone }
        let export = LogExport(format: format, bodies: bodiesText == "1", timeZone: zone)
        var headers = HTTPFields()
        headers[.contentType] = export.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(export.fileName(id))\""
        headers[.cacheControl] = "no-store"
        let source = queries
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            _ = try await export.run(source, id, filter: filter) { bytes in
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            try await writer.finish(nil)
        })
    }

    /// How long a quiet tail waits before it writes a comment (which finds a client gone).
    static let tailKeepAlive: Duration = .seconds(15)

    /// `…/logs/stream`: Server-Sent Events, one `entry` event per new entry passing the
    /// filters, its `id` the entry's sequence number. It starts after `Last-Event-ID` (or
    /// `last_event_id=`, for a client that cannot set headers), else at the journal's head:
    /// a tail resumed from the last id it was given misses and repeats nothing.
    package func streamResponse(_ request: Request, _ context: some RequestContext) throws -> Response {
        let id = try context.id()
        let filter = try request.logFilter()
        let zone = try answering { try queries.connection(id).timeZone }
        let head = try writer.journal.head
        var start = head
        if let text = request.headers[.lastEventID] ?? request.query("last_event_id") {
            guard let seq = Request.sequenceNumber(text) else {
                throw APIError.invalid("Last-Event-ID", "\"\(text)\" is not a sequence number (pass back an event's id)")
            }
            guard seq <= head else {
                throw APIError.invalid("Last-Event-ID", "event \(seq) does not exist: the journal's head is \(head)")
            }
            start = seq
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let source = queries
        let first = start
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: ": entries of \(id) after \(first)\nretry: 1000\n\n"))
            var after = first
            var lastWrite = ContinuousClock.now
            // A stream never ends by itself: the daemon's graceful shutdown ends it (looked
            // at each second), or a write that finds the client gone.
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                let (entries, readTo) = try await source.tail(id, filter: filter, after: after, until: ContinuousClock.now + .seconds(1))
                after = readTo
                if entries.isEmpty {
                    guard ContinuousClock.now - lastWrite >= RouteContext.tailKeepAlive else { continue }
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                } else {
                    var out = ByteBuffer()
                    for e in entries {
                        var w = JSONWriter()
                        LogEntryAnswer(e, timeZone: zone).writeJSON(&w)
                        out.writeString("id: \(e.seq)\nevent: entry\ndata: ")
                        out.writeBytes(w.bytes)
                        out.writeString("\n\n")
                    }
                    try await writer.write(out)
                }
                lastWrite = ContinuousClock.now
            }
            try await writer.finish(nil)
        })
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
