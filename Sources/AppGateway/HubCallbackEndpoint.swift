internal import Foundation
internal import HTTPTypes
internal import Events
internal import Domain
internal import Hub
internal import Projections
internal import Answers
internal import FrontDoor

/// The hub's callback endpoints, answered by Junction itself for the calling connection
/// (not forwarded): `GET|POST|DELETE /v1/callback`, `GET /v1/callback/events`,
/// `GET|DELETE /v1/callback/events/:id`. The caller logs them like every call.
extension Gateway {
    /// The answer to a callback call, or nil when `path` is not one.
    func callbackAnswer(
        method: Events.HTTPMethod, target: RequestTarget, owner: TokenOwner, requestBytes: [UInt8]
    ) async -> (HTTPResponse.Status, HTTPFields, [UInt8])? {
        // Every call passes here: a look at the prefix before anything is split. Names are
        // matched whatever their case, as the heavy endpoints are: `/v1/Callback` must not
        // reach an upstream that routes without case.
        let prefix = target.path.utf8.prefix(13)
        guard prefix.count >= 12, String(decoding: prefix.prefix(12), as: UTF8.self).lowercased() == "/v1/callback",
              prefix.count == 12 || prefix.last == UInt8(ascii: "/") else { return nil }
        let rest = Array(target.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3))
            .enumerated().map { $0.offset == 0 ? Substring($0.element.lowercased()) : $0.element }
        guard let queries else {
            return Self.refusal(.serviceUnavailable, "service_unavailable", "callbacks are answered by a daemon with its projections")
        }
        do {
            switch (method, rest.count, rest.first) {
            case (.get, 0, _): return try callback(owner)
            case (.post, 0, _): return try await setCallback(owner, requestBytes)
            case (.delete, 0, _):
                guard writer.withState({ $0.callbacks[owner.connectionID] }) != nil else { throw APIError.notFound("this connection has no callback") }
                let answer = try callback(owner)
                _ = try await writer.deleteCallback(owner.connectionID)
                return answer
            case (.get, 1, "events"?): return try await events(owner, target, queries)
            case (.get, 2, "events"?): return try await event(owner, String(rest[1]), queries, acknowledge: false)
            case (.delete, 2, "events"?): return try await event(owner, String(rest[1]), queries, acknowledge: true)
            case (_, 0, _), (_, 1, "events"?), (_, 2, "events"?):
                return Self.refusal(.methodNotAllowed, "method_not_allowed", "\(method.name) is not a method of \(target.path)")
            default:
                return Self.refusal(.notFound, "not_found", "no callback endpoint at \(target.path)")
            }
        } catch let error as APIError {
            return Self.refusal(error.status, error.errorType, error.message, body: error.body)
        } catch let error as HubError {
            let answer = APIError(error)
            return Self.refusal(answer.status, answer.errorType, answer.message, body: answer.body)
        } catch let error as ProjectionError {
            return Self.refusal(.serviceUnavailable, "service_unavailable", "\(error)")
        } catch {
            return Self.refusal(.internalServerError, "internal_error", "\(error)")
        }
    }

    private func callback(_ owner: TokenOwner) throws -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        guard let callback = writer.withState({ $0.callbacks[owner.connectionID] }) else {
            throw APIError.notFound("this connection has no callback")
        }
        var w = JSONWriter()
        w.beginObject()
        if let url = callback.url { w.string("url", url) } else { w.null("url") }
        HubCallbackAnswer.writeEvents(callback.events, into: &w)
        w.endObject()
        return (.ok, [.contentType: "application/json"], w.bytes)
    }

    /// `{"url": …|null, "events": {"order": ["create", …], …}}`.
    private func setCallback(_ owner: TokenOwner, _ body: [UInt8]) async throws -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        guard case .object(let members)? = try? JSONParser.parse(body) else {
            throw APIError.badRequest("the body is a JSON object: {\"url\": …, \"events\": {\"order\": [\"create\"]}}")
        }
        var url: String?
        var pairs: [String] = []
        var sawEvents = false
        for (key, value) in members {
            switch (key, value) {
            case ("url", .null): url = nil
            case ("url", .string(let s)): url = s
            case ("url", _): throw APIError.invalid("url", "expected a URL or null (a passive callback)")
            case ("events", .object(let resources)):
                sawEvents = true
                for (resource, events) in resources {
                    guard case .array(let items) = events else { throw APIError.invalid("events.\(resource)", "expected an array of event types") }
                    for item in items {
                        guard case .string(let event) = item else { throw APIError.invalid("events.\(resource)", "expected an array of event types") }
                        pairs.append(resource + "." + event)
                    }
                }
            case ("events", _): throw APIError.invalid("events", "expected an object: {\"order\": [\"create\", \"update\"], …}")
            default: throw APIError.invalid(key, "not a field of a callback")
            }
        }
        guard sawEvents else { throw APIError.invalid("events", "missing") }
        _ = try await writer.setCallback(owner.connectionID, url: url, events: pairs)
        return try callback(owner)
    }

    /// Waits until the connections projection shows what the journal holds now, so a list
    /// after an acknowledgement does not show it again.
    private func caughtUp(_ queries: Queries) async throws {
        let head = try writer.journal.head
        let behind = try await queries.projections(["connections"], behind: head, by: .now + .seconds(5))
        guard behind.isEmpty else { throw APIError.unavailable("the callback events are not up to date yet; retry") }
    }

    private func events(_ owner: TokenOwner, _ target: RequestTarget, _ queries: Queries) async throws -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        guard writer.withState({ $0.callbacks[owner.connectionID] }) != nil else { throw APIError.notFound("this connection has no callback") }
        var count = 100
        var cursor: UInt64?
        for item in URLComponents(string: "?" + (target.query ?? ""))?.queryItems ?? [] {
            switch item.name {
            case "count":
                guard let n = item.value.flatMap(Int.init), (1...100).contains(n) else { throw APIError.invalid("count", "from 1 to 100") }
                count = n
            case "cursor":
                guard let c = item.value.flatMap(UInt64.init) else { throw APIError.invalid("cursor", "a cursor from X-Cursor-Next") }
                cursor = c
            default: break
            }
        }
        try await caughtUp(queries)
        let page = try queries.waitingEvents(owner.connectionID, after: cursor, count: count)
        var zones: [String: String] = [:]
        var w = JSONWriter()
        w.beginArray()
        for e in page.events {
            let zone = try zones[e.event.locationID] ?? queries.place(e.event.locationID)?.timeZone ?? "UTC"
            zones[e.event.locationID] = zone
            HubEventAnswer.write(e, timeZone: zone, states: false, into: &w)
        }
        w.endArray()
        var headers: HTTPFields = [.contentType: "application/json"]
        if let next = page.next { headers[HTTPField.Name("X-Cursor-Next")!] = "\(next)" }
        return (.ok, headers, w.bytes)
    }

    private func event(
        _ owner: TokenOwner, _ id: String, _ queries: Queries, acknowledge: Bool
    ) async throws -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        try await caughtUp(queries)
        guard let e = try queries.receivedEvent(owner.connectionID, eventID: id) else { throw APIError.notFound("no event \(id) for this connection") }
        if acknowledge {
            guard e.state == .waiting else { throw APIError.notFound("event \(id) is not waiting (\(e.state.name))") }
            _ = try await writer.acknowledgeHubEvent(owner.connectionID, eventID: id)
        }
        var w = JSONWriter()
        HubEventAnswer.write(e, timeZone: try queries.place(e.event.locationID)?.timeZone ?? "UTC", states: true, into: &w)
        return (.ok, [.contentType: "application/json"], w.bytes)
    }
}
