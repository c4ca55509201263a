internal import Domain
public import Events
internal import Foundation

/// A request log as the gateway sends it: the `requestLogged` fields of the NDJSON form,
/// where `event` may be left out, `time` defaults to now, `resource` to the one the URL
/// names, and bodies may be JSON values as well as strings.
public enum LogEntryParser {
    static let bodyMembers: Set<String> = ["request_body", "response_body"]

    /// The entries of an NDJSON batch, read into their records where they lie in the body,
    /// with the line each came from (blank lines skipped).
    public static func batch(lines bytes: [UInt8]) throws(LogEntryError) -> RequestLogBatch {
        // Records come out about the size of their text (escapes decoded, names dropped).
        var batch = RequestLogBatch(reservingBytes: bytes.count)
        var scratch = LogEntryReader.Scratch()
        try bytes.withUnsafeBufferPointer { (all) throws(LogEntryError) in
            try LogEntryParser.forEachLine(all) { (line, range) throws(LogEntryError) in
                try append(UnsafeBufferPointer(rebasing: all[range]), number: line, to: &batch, &scratch)
            }
        }
        return batch
    }

    /// The one entry of an application/json body.
    public static func batch(entry bytes: [UInt8]) throws(LogEntryError) -> RequestLogBatch {
        var batch = RequestLogBatch(reservingBytes: bytes.count, records: 1)
        var scratch = LogEntryReader.Scratch()
        try bytes.withUnsafeBufferPointer { (all) throws(LogEntryError) in try append(all, number: nil, to: &batch, &scratch) }
        return batch
    }

    /// Calls `body` with each line's number (from 1) and range in `bytes`, blank lines
    /// (spaces, tabs, a carriage return) skipped: how every NDJSON body is split.
    public static func forEachLine<Failure: Error>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Range<Int>) throws(Failure) -> Void
    ) throws(Failure) {
        guard let base = bytes.baseAddress else { return }
        var line = 0
        var start = 0
        while start < bytes.count {
            // memchr finds the newline a word at a time; batches are megabytes.
            let end = memchr(base + start, 10, bytes.count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base }
                ?? bytes.count
            line += 1
            if !bytes[start..<end].allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { try body(line, start..<end) }
            start = end + 1
        }
    }

    /// Appends the entry `bytes` holds (line `number` of a batch) to `batch`.
    static func append(
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int?, to batch: inout RequestLogBatch, _ scratch: inout LogEntryReader.Scratch
    ) throws(LogEntryError) {
        // Most entries are read in one pass; the rest, and every error, take the path below.
        if LogEntryReader.append(bytes, number: number, to: &batch, scratch: &scratch) { return }
        let (time, request) = try parseThroughTree(bytes, line: number)
        do {
            try batch.append(time: time, request, line: number)
        } catch {
            throw LogEntryError(.unprocessable, line: number, field: error.field, "\(error)")
        }
    }

    /// The entry through a parsed JSON tree: the reference for what is accepted, and where
    /// every error is worded.
    public static func parseThroughTree(
        _ bytes: UnsafeBufferPointer<UInt8>, line: Int?
    ) throws(LogEntryError) -> (time: Timestamp, request: RequestLogged) {
        let prefix = line.map { "lines[\($0)]." } ?? ""
        let value: JSONValue
        let ranges: [String: Range<Int>]
        do {
            (value, ranges) = try JSONParser.parse(bytes, recordingRangesOf: LogEntryParser.bodyMembers)
        } catch {
            throw LogEntryError(.malformed, line: line, "malformed JSON: \(error)")
        }
        guard case .object(var members) = value else {
            throw LogEntryError(.malformed, line: line, "expected a JSON object, found \(value.typeName)")
        }
        // null means absent, for the defaults below as for every optional field.
        members.removeAll { $0.value == .null }
        func has(_ key: String) -> Bool { members.contains { $0.key == key } }
        if let k = members.firstIndex(where: { $0.key == "event" }) {
            guard members[k].value == .string("requestLogged") else {
                throw LogEntryError(.invalid, field: prefix + "event", "only requestLogged entries are ingested here")
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
            throw LogEntryError(.unprocessable, line: line, field: prefix + (error.field ?? "entry"), "\(error)", fieldMessage: error.message)
        }
        guard case .requestLogged(let request) = event.payload else { throw LogEntryError(.malformed, line: line, "not a request log") }
        return (event.time, request)
    }
}
