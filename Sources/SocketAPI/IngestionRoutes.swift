internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Domain
internal import Events
internal import Journal
internal import Hub
internal import Ingestion
internal import FrontDoor

extension Router where Context == BasicRequestContext {
    func addIngestionRoutes(_ c: RouteContext) {
        let limit = c.maxBodyBytes

        // One entry as application/json, or a batch as application/x-ndjson (one entry a
        // line), all-or-nothing.
        post("/v1/logs") { request, _ in
            let type = try request.mediaType() ?? "application/json"
            let entries: RequestLogBatch
            let bytes: [UInt8]
            switch type {
            case "application/json":
                bytes = try await request.bytes(limit: limit)
                entries = try LogEntryParser.batch(entry: bytes)
            case "application/x-ndjson", "application/ndjson", "application/jsonl":
                bytes = try await request.bytes(limit: limit)
                entries = try LogEntryParser.batch(lines: bytes)
            default:
                throw APIError.unsupportedMediaType(
                    "send one entry as application/json or a batch as application/x-ndjson, not \(type)")
            }
            guard !entries.isEmpty else { throw APIError.unprocessable("the batch holds no entries") }
            let appended = try await c.writer.ingest(entries, key: try request.idempotencyKey(body: bytes))
            if !appended.replayed { c.metrics.ingested(entries.count) }
            return appendedResponse(appended, count: entries.count)
        }

        // Whole events in the canonical NDJSON form (a sample, an export), checked one by
        // one against the state, appended all-or-nothing.
        post("/v1/events") { request, _ in
            let type = try request.mediaType() ?? "application/x-ndjson"
            guard ["application/x-ndjson", "application/ndjson", "application/jsonl"].contains(type) else {
                throw APIError.unsupportedMediaType("send events as application/x-ndjson, not \(type)")
            }
            let bytes = try await request.bytes(limit: limit)
            var events: [Event] = []
            try bytes.withUnsafeBufferPointer { all in try LogEntryParser.forEachLine(all) { line, range in
                let value: JSONValue
                do {
                    value = try JSONParser.parse(UnsafeBufferPointer(rebasing: all[range]))
                } catch {
                    throw APIError.badRequest("line \(line): malformed JSON: \(error)")
                }
                let event: Event
                do throws(NDJSONEventCodec.Error) {
                    event = try NDJSONEventCodec.decode(value)
                } catch {
                    let field = "lines[\(line)]." + (error.field ?? "event")
                    throw APIError.unprocessable("line \(line): \(error)", errors: [.init(field: field, message: error.message)])
                }
                do throws(DomainError) {
                    try ValueRules.validate(event)
                } catch {
                    throw APIError(error.prefixed("line \(line): ").withFieldPrefix("lines[\(line)]."))
                }
                events.append(event)
            } }
            guard !events.isEmpty else { throw APIError.unprocessable("no events") }
            let appended = try await c.writer.appendEvents(events, key: try request.idempotencyKey(body: bytes))
            if !appended.replayed { c.metrics.imported(events.count) }
            return appendedResponse(appended, count: events.count)
        }
    }
}

extension Router where Context == BasicRequestContext {
    /// The hub's API publishes its changes: one event a line, all or nothing; the answer
    /// gives each its id. Who receives them is the connections projection's to work out.
    func addHubEventRoutes(_ c: RouteContext) {
        let limit = c.maxBodyBytes
        post("/v1/hub-events") { request, _ in
            let type = try request.mediaType() ?? "application/x-ndjson"
            guard ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/json"].contains(type) else {
                throw APIError.unsupportedMediaType("send hub events as application/x-ndjson, not \(type)")
            }
            let bytes = try await request.bytes(limit: limit)
            let locations = c.writer.withState { $0.locations }
            let events: [(time: Timestamp, event: HubEventPublished)]
            do throws(HubEventLine.BatchRefusal) {
                events = try HubEventLine.parseBatch(bytes, now: .now) { locations[$0] }
            } catch {
                if error.malformed { throw APIError.badRequest(error.description) }
                throw APIError.unprocessable(error.description, errors: [.init(field: "lines[\(error.line)].\(error.field)", message: error.message)])
            }
            guard !events.isEmpty else { throw APIError.unprocessable("no events") }
            let (appended, ids) = try await c.writer.publishHubEvents(events, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("publish_hub_events")
            return markReplayed(jsonResponse(.created) { w in
                w.beginObject()
                w.unsigned("first_seq", appended.range.lowerBound)
                w.unsigned("last_seq", appended.range.upperBound)
                w.beginArray("ids")
                for id in ids { w.string(nil, id) }
                w.endArray()
                w.endObject()
            }, appended.replayed)
        }
    }
}

/// `201 {"first_seq", "last_seq", "count"}` for what an ingestion appended, marked when it
/// answers a retry.
private func appendedResponse(_ appended: Appended, count: Int) -> Response {
    markReplayed(jsonResponse(.created) { w in
        w.beginObject()
        w.unsigned("first_seq", appended.range.lowerBound)
        w.unsigned("last_seq", appended.range.upperBound)
        w.integer("count", Int64(count))
        w.endObject()
    }, appended.replayed)
}
