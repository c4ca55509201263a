internal import Foundation
package import Hummingbird
package import HTTPTypes
package import Events
package import Projections
package import Domain
package import Answers
package import Hub
package import FrontDoor

extension Router where Context == BasicRequestContext {
    func addQueryRoutes(_ c: RouteContext) {

        get("/v1/connections") { request, _ in
            try await c.waitForProjections(request, ["connections"])
            var statuses: Set<ConnectionStatus> = [.active, .blocked]
            let asked = request.queryAll("status")
            if !asked.isEmpty {
                statuses = []
                for name in asked {
                    if name == "all" { statuses = Set(ConnectionStatus.allCases); continue }
                    guard let s = ConnectionStatus(name: name) else {
                        throw APIError.invalid("status", "unknown status \"\(name)\" (active, blocked, disconnected, all)")
                    }
                    statuses.insert(s)
                }
            }
            let accountLevel = request.query("account_level")
            guard accountLevel == nil || accountLevel == "true" || accountLevel == "false" else {
                throw APIError.invalid("account_level", "must be true or false, not \"\(accountLevel!)\"")
            }
            let views = try answering {
                try c.queries.connections(
                    account: request.query("account"), location: request.query("location"),
                    accountLevelOnly: accountLevel == "true", statuses: statuses)
            }
            let now = Timestamp.now
            let answer = ConnectionsAnswer(views) { id in try? c.queries.health(id, now: now)?.state }
            return jsonResponse { answer.writeJSON(&$0) }
        }

        get("/v1/connections/:id") { request, context in
            try await c.waitForProjections(request, ["connections"])
            let view = try answering { try c.queries.connection(try context.id()) }
            var answer = ConnectionAnswer(view)
            answer.health = try? c.queries.health(view.record.connectionID, now: .now)?.state
            return jsonResponse { answer.writeJSON(&$0) }
        }

        get("/v1/connections/:id/activity") { request, context in
            try await c.waitForProjections(request, ["connections", "activity"])
            let now = try request.queryTime("now") ?? Timestamp.now
            let series = try answering { try c.queries.activity(try context.id(), days: try request.queryInt("days") ?? 30, now: now) }
            return jsonResponse { ActivityAnswer(series).writeJSON(&$0) }
        }

        get("/v1/connections/:id/logs") { request, context in
            try await c.waitForProjections(request, ["connections", "logs"])
            let id = try context.id()
            let filter = try request.logFilter()
            let limit = try request.queryInt("limit") ?? 50
            guard (1...1000).contains(limit) else { throw APIError.invalid("limit", "must be from 1 to 1000") }
            let (page, zone) = try answering {
                let zone = try c.queries.connection(id).timeZone
                return (try c.queries.logs(id, filter: filter, limit: limit, cursor: request.query("cursor")), zone)
            }
            return jsonResponse { LogsPageAnswer(page, timeZone: zone).writeJSON(&$0) }
        }

        get("/v1/connections/:id/logs/:seq") { request, context in
            try await c.waitForProjections(request, ["connections", "logs"])
            let (detail, zone) = try c.logDetail(context)
            return jsonResponse { LogDetailAnswer(detail, timeZone: zone).writeJSON(&$0) }
        }

        get("/v1/connections/:id/callbacks") { request, context in
            try await c.waitForProjections(request, ["connections"])
            let id = try context.id()
            let (view, records) = try answering { (try c.queries.connection(id), try c.queries.callbacks(id)) }
            return jsonResponse { w in
                w.beginObject()
                w.string("connection_id", id)
                w.string("callback_url", ifPresent: view.app?.disconnectCallbackURL)
                let last = records.last
                let pending = last.map { $0.kind == .resendRequested || $0.nextAttemptAt != nil } ?? false
                w.bool("pending", pending)
                w.bool("delivered", records.contains { $0.delivered })
                w.beginArray("records")
                for r in records { r.writeJSON(&w) }
                w.endArray()
                w.endObject()
            }
        }

        // The route strings are written out whole: the OpenAPI test reads them.
        get("/v1/connections/:id/logs/:seq/request") { request, context in
            try await c.download(request, context, part: "request")
        }
        get("/v1/connections/:id/logs/:seq/response") { request, context in
            try await c.download(request, context, part: "response")
        }
    }
}

extension RouteContext {
    /// `?after=SEQ`: waits, within a bound, until the projections have applied that event.
    func waitForProjections(_ request: Request, _ names: [String]) async throws {
        guard let text = request.query("after") else { return }
        // `after=head`: whatever the journal holds when the query arrives.
        guard let after = text == "head" ? try writer.journal.head : Request.sequenceNumber(text) else {
            throw APIError.invalid("after", "\"\(text)\" is not a sequence number (or head)")
        }
        let head = try writer.journal.head
        guard after <= head else {
            throw APIError.invalid("after", "event \(after) does not exist: the journal's head is \(head)")
        }
        try await waitForProjections(reaching: after, names)
    }

    /// Waits, within a bound, until the projections `names` have applied event `after`.
    package func waitForProjections(reaching after: UInt64, _ names: [String]) async throws {
        let behind = try await queries.projections(names, behind: after, by: ContinuousClock.now + readYourWritesTimeout)
        guard behind.isEmpty else {
            throw APIError.unavailable("the \(behind.joined(separator: ", ")) projection has not reached event \(after) yet; retry")
        }
    }

    /// A request or response body as a JSON file to save.
    package func download(_ request: Request, _ context: some RequestContext, part: String) async throws -> Response {
        try await waitForProjections(request, ["connections", "logs"])
        let (detail, _) = try logDetail(context)
        if detail.bodiesExpired {
            throw APIError(.gone, "gone", "the \(part) body of entry \(detail.entry.seq) expired (body retention) and was removed")
        }
        let stored = part == "request" ? detail.request.requestBody : detail.request.responseBody
        let name = "\(detail.request.connectionID)-\(detail.entry.seq)-\(part)"
        // Text is served as a JSON file; bytes that are not UTF-8 as they were logged, since
        // no JSON document carries them unchanged.
        var response: Response
        if let json = LogDetailAnswer.bodyJSON(stored) {
            response = bytesResponse(.ok, json, contentType: "application/json")
            response.headers[.contentDisposition] = "attachment; filename=\"\(name).json\""
        } else {
            response = bytesResponse(.ok, stored, contentType: "application/octet-stream")
            response.headers[.contentDisposition] = "attachment; filename=\"\(name).bin\""
        }
        return response
    }

    package func logDetail(_ context: some RequestContext) throws -> (LogDetail, String) {
        let id = try context.id()
        let seqText = try context.id("seq")
        guard let seq = Request.sequenceNumber(seqText) else { throw APIError.invalid("seq", "\"\(seqText)\" is not a sequence number") }
        return try answering { (try queries.log(id, seq: seq), try queries.connection(id).timeZone) }
    }
}
