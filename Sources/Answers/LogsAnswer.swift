public import Events
import Foundation
internal import Domain
public import Projections

/// One log entry as a list shows it.
public struct LogEntryAnswer: Hashable, Sendable {
    public var seq: UInt64
    public var time: Timestamp
    /// The time in the connection's zone, with its offset.
    public var localTime: String
    public var resource: String
    public var method: String
    public var url: String
    public var status: UInt64
    public var durationMicroseconds: UInt64
    public var requestID: String?
    public var requestBytes: UInt64
    public var responseBytes: UInt64
    public var bodiesExpired: Bool
    /// Of a failed call: the error its answer gave (empty when it said nothing readable).
    public var error: String?

    public init(_ e: LogEntry, timeZone: String) {
        seq = e.seq
        time = e.time
        localTime = LocalTime.rfc3339(e.time, in: timeZone)
        resource = e.resource
        method = e.method.name
        url = e.url
        status = UInt64(e.status)
        durationMicroseconds = e.durationMicroseconds
        requestID = e.requestID
        requestBytes = UInt64(max(e.requestBytes, 0))
        responseBytes = UInt64(max(e.responseBytes, 0))
        bodiesExpired = e.bodiesExpired
        error = e.error
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.unsigned("seq", seq)
        w.timestamp("time", time)
        w.string("local_time", localTime)
        w.string("resource", resource)
        w.string("method", method)
        w.string("url", url)
        w.unsigned("status", status)
        w.unsigned("duration_us", durationMicroseconds)
        w.string("request_id", ifPresent: requestID)
        w.unsigned("request_bytes", requestBytes)
        w.unsigned("response_bytes", responseBytes)
        if bodiesExpired { w.bool("bodies_expired", true) }
        if let error {
            w.string("error", error)
            w.string("error_group", ErrorGroupKey(resource: resource, method: HTTPMethod(name: method) ?? .get, status: UInt16(status), error: error).id)
        }
        w.endObject()
    }

    /// One entry's JSON, as the tail's events carry it.
    public init(json bytes: [UInt8]) throws(AnswerError) {
        try self.init(try AnswerReader.parse(bytes))
    }

    init(_ r: AnswerReader) throws(AnswerError) {
        seq = try r.unsigned("seq")
        time = try r.time("time")
        localTime = try r.string("local_time")
        resource = try r.string("resource")
        method = try r.string("method")
        url = try r.string("url")
        status = try r.unsigned("status")
        durationMicroseconds = try r.unsigned("duration_us")
        requestID = try r.optionalString("request_id")
        requestBytes = try r.unsigned("request_bytes")
        responseBytes = try r.unsigned("response_bytes")
        bodiesExpired = try r.bool("bodies_expired")
        error = try r.optionalString("error")
    }
}

/// A page of a connection's log entries, newest first (`GET …/logs`).
public struct LogsPageAnswer: Hashable, Sendable {
    public var timeZone: String
    public var entries: [LogEntryAnswer]
    public var nextCursor: String?
    /// The page ended early: its exact filters (or its text) read as many entries as a
    /// page may.
    public var scanLimited = false
    /// Of a page read entry by entry: how many it read, and back to what time.
    public var scanned: UInt64 = 0
    public var scannedBackTo: Timestamp?

    public init(_ page: LogsPage, timeZone: String) {
        self.timeZone = timeZone
        entries = page.entries.map { LogEntryAnswer($0, timeZone: timeZone) }
        nextCursor = page.nextCursor
        scanLimited = page.scanLimited
        scanned = UInt64(page.scanned)
        scannedBackTo = page.scannedBackTo
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.string("time_zone", timeZone)
        w.beginArray("entries")
        for e in entries { e.writeJSON(&w) }
        w.endArray()
        if let nextCursor { w.string("next_cursor", nextCursor) } else { w.null("next_cursor") }
        if scanLimited { w.bool("scan_limited", true) }
        if scanned > 0 { w.unsigned("scanned", scanned) }
        if let scannedBackTo { w.timestamp("scanned_back_to", scannedBackTo) }
        w.endObject()
    }

    public init(json bytes: [UInt8]) throws(AnswerError) {
        let r = try AnswerReader.parse(bytes)
        timeZone = try r.string("time_zone")
        var entries: [LogEntryAnswer] = []
        for e in try r.objects("entries") { entries.append(try LogEntryAnswer(e)) }
        self.entries = entries
        nextCursor = try r.optionalString("next_cursor")
        scanLimited = try r.optionalBool("scan_limited") ?? false
        scanned = try r.optionalUnsigned("scanned") ?? 0
        scannedBackTo = try r.optionalTime("scanned_back_to")
    }
}

/// One log entry with its request and response (`GET …/logs/{seq}`).
public struct LogDetailAnswer: Hashable, Sendable {
    public struct Part: Hashable, Sendable {
        /// Set for the response.
        public var status: UInt64?
        public var headers: [Header]
        /// The body as a JSON document: itself when it is JSON, else a string; null when
        /// empty or when it is not UTF-8 text.
        public var body: [UInt8]
        /// The body's bytes in base64 when they are not UTF-8 text (a JSON string could not
        /// carry them unchanged); nil otherwise.
        public var bodyBase64: String?

        public init(status: UInt64?, headers: [Header], body: [UInt8], bodyBase64: String? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.bodyBase64 = bodyBase64
        }

        init(status: UInt64?, headers: [Header], stored: [UInt8]) {
            self.init(status: status, headers: headers, body: LogDetailAnswer.bodyJSON(stored) ?? Array("null".utf8),
                      bodyBase64: LogDetailAnswer.isText(stored) ? nil : Data(stored).base64EncodedString())
        }
    }

    public static let expiredNote =
        "The request and response bodies expired (body retention) and were removed; the entry and its counts remain."

    public var entry: LogEntryAnswer
    public var bodiesExpired: Bool
    public var request: Part
    public var response: Part

    public init(_ detail: LogDetail, timeZone: String) {
        entry = LogEntryAnswer(detail.entry, timeZone: timeZone)
        bodiesExpired = detail.bodiesExpired
        let r = detail.request
        request = Part(status: nil, headers: r.requestHeaders, stored: r.requestBody)
        response = Part(status: UInt64(r.status), headers: r.responseHeaders, stored: r.responseBody)
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.raw("entry", { var e = JSONWriter(); entry.writeJSON(&e); return e.bytes }())
        if bodiesExpired {
            w.bool("bodies_expired", true)
            w.string("note", Self.expiredNote)
        }
        for (name, part) in [("request", request), ("response", response)] {
            w.beginObject(name)
            if let status = part.status { w.unsigned("status", status) }
            w.headers("headers", part.headers)
            w.raw("body", part.body)
            if let base64 = part.bodyBase64 { w.string("body_base64", base64) }
            w.endObject()
        }
        w.endObject()
    }

    public init(json bytes: [UInt8]) throws(AnswerError) {
        let r = try AnswerReader.parse(bytes)
        entry = try LogEntryAnswer(try r.object("entry"))
        bodiesExpired = try r.bool("bodies_expired")
        func part(_ name: String) throws(AnswerError) -> Part {
            let p = try r.object(name)
            return Part(status: try p.optionalUnsigned("status"), headers: try p.headers("headers"), body: p.raw("body"),
                        bodyBase64: try p.optionalString("body_base64"))
        }
        request = try part("request")
        response = try part("response")
    }

    /// A body as JSON: itself when it is JSON, else a string (null when empty), so a
    /// downloaded text body is always a valid JSON file; nil when the bytes are not UTF-8
    /// text, which no JSON document carries unchanged (they are served as they are).
    public static func bodyJSON(_ body: [UInt8]) -> [UInt8]? {
        if body.isEmpty { return Array("null".utf8) }
        guard isText(body) else { return nil }
        if (try? JSONParser.parse(body)) != nil { return body }
        var out: [UInt8] = []
        JSONWriter.appendString(String(decoding: body, as: UTF8.self), to: &out)
        return out
    }

    /// Whether the bytes are valid UTF-8, so a JSON string holds them exactly.
    public static func isText(_ body: [UInt8]) -> Bool {
        String(validating: body, as: UTF8.self) != nil
    }
}
