internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Domain
internal import Events
internal import Journal
internal import Hub

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
            let seqs = appended.range
            if !appended.replayed { c.metrics.ingested(entries.count) }
            return markReplayed(jsonResponse(.created) { w in
                w.beginObject()
                w.unsigned("first_seq", seqs.lowerBound)
                w.unsigned("last_seq", seqs.upperBound)
                w.integer("count", Int64(entries.count))
                w.endObject()
            }, appended.replayed)
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
            try forEachLine(bytes) { line, slice in
                let value: JSONValue
                do {
                    value = try JSONParser.parse(Array(slice))
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
            }
            guard !events.isEmpty else { throw APIError.unprocessable("no events") }
            let appended = try await c.writer.appendEvents(events, key: try request.idempotencyKey(body: bytes))
            let seqs = appended.range
            if !appended.replayed { c.metrics.imported(events.count) }
            return markReplayed(jsonResponse(.created) { w in
                w.beginObject()
                w.unsigned("first_seq", seqs.lowerBound)
                w.unsigned("last_seq", seqs.upperBound)
                w.integer("count", Int64(events.count))
                w.endObject()
            }, appended.replayed)
        }
    }
}

/// A request log as the gateway sends it: the `requestLogged` fields of the NDJSON form,
/// where `event` may be left out, `time` defaults to now, `resource` to the one the URL
/// names, and bodies may be JSON values as well as strings.
enum LogEntryParser {
    static let bodyMembers: Set<String> = ["request_body", "response_body"]

    /// The entries of an NDJSON batch, read into their records where they lie in the body,
    /// with the line each came from (blank lines skipped).
    static func batch(lines bytes: [UInt8]) throws -> RequestLogBatch {
        // Records come out about the size of their text (escapes decoded, names dropped).
        var batch = RequestLogBatch(reservingBytes: bytes.count)
        var scratch = LogEntryReader.Scratch()
        try bytes.withUnsafeBufferPointer { all in
            try forEachLine(bytes) { line, slice in
                try append(UnsafeBufferPointer(rebasing: all[slice.indices]), number: line, to: &batch, &scratch)
            }
        }
        return batch
    }

    /// The one entry of an application/json body.
    static func batch(entry bytes: [UInt8]) throws -> RequestLogBatch {
        var batch = RequestLogBatch(reservingBytes: bytes.count, records: 1)
        var scratch = LogEntryReader.Scratch()
        try bytes.withUnsafeBufferPointer { try append($0, number: nil, to: &batch, &scratch) }
        return batch
    }

    /// Appends the entry `bytes` holds (line `number` of a batch) to `batch`.
    static func append(
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int?, to batch: inout RequestLogBatch, _ scratch: inout LogEntryReader.Scratch
    ) throws {
        // Most entries are read in one pass; the rest, and every error, take the path below.
        if LogEntryReader.append(bytes, number: number, to: &batch, scratch: &scratch) { return }
        let (time, request) = try parseThroughTree(bytes, line: number)
        try batch.append(time: time, request, line: number)
    }

    /// The entry through a parsed JSON tree: the reference for what is accepted, and where
    /// every error is worded.
    static func parseThroughTree(_ bytes: UnsafeBufferPointer<UInt8>, line: Int?) throws -> (time: Timestamp, request: RequestLogged) {
        let where_ = line.map { "line \($0): " } ?? ""
        let prefix = line.map { "lines[\($0)]." } ?? ""
        let value: JSONValue
        let ranges: [String: Range<Int>]
        do {
            (value, ranges) = try JSONParser.parse(bytes, recordingRangesOf: LogEntryParser.bodyMembers)
        } catch {
            throw APIError.badRequest("\(where_)malformed JSON: \(error)")
        }
        guard case .object(var members) = value else {
            throw APIError.badRequest("\(where_)expected a JSON object, found \(value.typeName)")
        }
        // null means absent, for the defaults below as for every optional field.
        members.removeAll { $0.value == .null }
        func has(_ key: String) -> Bool { members.contains { $0.key == key } }
        if let k = members.firstIndex(where: { $0.key == "event" }) {
            guard members[k].value == .string("requestLogged") else {
                throw APIError.invalid(prefix + "event", "only requestLogged entries are ingested here")
            }
        } else {
            members.append((key: "event", value: .string("requestLogged")))
        }
        if !has("time") {
            let now = Timestamp.now
            members.append((key: "time", value: .string(now.rfc3339)))
        }
        if !has("resource"), let url = members.first(where: { $0.key == "url" }), case .string(let text) = url.value {
            members.append((key: "resource", value: .string(ResourceName.of(url: Redaction.redact(url: text)))))
        }
        // A body sent as a JSON value is kept as its own text, byte for byte: a log is
        // evidence, and re-serialising would change numbers (1e2, 64-bit overflows) and spacing.
        for k in members.indices where LogEntryParser.bodyMembers.contains(members[k].key) {
            switch members[k].value {
            case .object, .array, .integer, .number, .bool:
                guard let range = ranges[members[k].key] else { continue }
                members[k].value = .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
            default:
                break
            }
        }
        let event: Event
        do {
            event = try NDJSONEventCodec.decode(.object(members))
        } catch {
            let field = prefix + (error.field ?? "entry")
            throw APIError.unprocessable("\(where_)\(error)", errors: [.init(field: field, message: error.message)])
        }
        guard case .requestLogged(let request) = event.payload else { throw APIError.badRequest("not a request log") }
        return (event.time, request)
    }
}
