internal import Foundation
public import Events
internal import Domain
public import Projections

/// A connection's filtered logs as a file: NDJSON (one entry's JSON a line, as the logs
/// API gives it) or CSV (RFC 4180: CRLF, fields quoted when they hold a comma, a quote or
/// a line break, UTF-8 with a byte order mark so spreadsheets do not guess Latin-1), with
/// or without the bodies. Written page by page as read: no whole result in memory.
public struct LogExport: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case ndjson
        case csv
    }

    public let format: Format
    public let bodies: Bool
    public let timeZone: String

    /// Entries read per page (one read transaction each).
    public static let pageSize = 1000

    public init(format: Format, bodies: Bool, timeZone: String) {
        self.format = format
        self.bodies = bodies
        self.timeZone = timeZone
    }

    public var contentType: String {
        switch format {
        case .ndjson: "application/x-ndjson"
        case .csv: "text/csv; charset=utf-8"
        }
    }

    /// The file's name for a download of connection `id`'s logs.
    public func fileName(_ id: String) -> String { "\(id)-logs.\(format.rawValue)" }

    /// The CSV columns: the page's (time in the connection's zone, resource, method, URL,
    /// response), then what a spreadsheet filters by.
    public static let csvColumns = ["seq", "time", "resource", "method", "url", "status", "duration_ms", "request_id", "error"]

    /// What the file starts with: the CSV's byte order mark and header row.
    public func header() -> [UInt8] {
        guard format == .csv else { return [] }
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        let columns = Self.csvColumns + (bodies ? ["request_body", "response_body"] : [])
        out.append(contentsOf: columns.joined(separator: ",").utf8)
        out.append(contentsOf: [13, 10])
        return out
    }

    /// Appends one entry (with its request read in place when bodies are asked for).
    public func append(_ entry: LogEntry, request: RequestFields?, to out: inout [UInt8]) {
        let answer = LogEntryAnswer(entry, timeZone: timeZone)
        switch format {
        case .ndjson:
            var w = JSONWriter()
            w.beginObject()
            w.raw("entry", { var e = JSONWriter(); answer.writeJSON(&e); return e.bytes }())
            if bodies {
                appendBodyJSON(&w, "request", request?.requestBody, expired: entry.bodiesExpired)
                appendBodyJSON(&w, "response", request?.responseBody, expired: entry.bodiesExpired)
            }
            w.endObject()
            out.append(contentsOf: w.bytes)
            out.append(10)
        case .csv:
            var fields = [
                "\(entry.seq)", answer.localTime, entry.resource, answer.method, entry.url, "\(entry.status)",
                Self.milliseconds(entry.durationMicroseconds), entry.requestID ?? "", entry.error ?? "",
            ]
            if bodies {
                fields.append(Self.bodyText(request?.requestBody, expired: entry.bodiesExpired))
                fields.append(Self.bodyText(request?.responseBody, expired: entry.bodiesExpired))
            }
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendCSVField(field, to: &out)
            }
            out.append(contentsOf: [13, 10])
        }
    }

    private func appendBodyJSON(_ w: inout JSONWriter, _ part: String, _ body: UnsafeBufferPointer<UInt8>?, expired: Bool) {
        guard !expired, let body else {
            w.null("\(part)_body")
            return
        }
        let bytes = Array(body)
        if let json = LogDetailAnswer.bodyJSON(bytes) {
            w.raw("\(part)_body", json)
        } else {
            w.null("\(part)_body")
            w.string("\(part)_body_base64", Data(bytes).base64EncodedString())
        }
    }

    /// A body in a CSV cell: its text, `base64:` and its bytes when it is not UTF-8, empty
    /// when it expired.
    static func bodyText(_ body: UnsafeBufferPointer<UInt8>?, expired: Bool) -> String {
        guard !expired, let body else { return "" }
        if let text = String(validating: body, as: UTF8.self) { return text }
        return "base64:" + Data(buffer: body).base64EncodedString()
    }

    static func milliseconds(_ micros: UInt64) -> String {
        let whole = micros / 1000, fraction = micros % 1000
        return fraction == 0 ? "\(whole)" : "\(whole)." + String(String(fraction + 1000).dropFirst())
    }

    /// One RFC 4180 field. A text a spreadsheet would run as a formula (it starts with
    /// `=`, `+`, `-`, `@`, a tab or a carriage return) is given a leading `'`, which
    /// spreadsheets show as text: a log holds what apps sent, and an export must not run it.
    static func appendCSVField(_ field: String, to out: inout [UInt8]) {
        var text = field
        if let first = text.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13].contains(first),
           Double(text) == nil {
            text = "'" + text
        }
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            out.append(contentsOf: text.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes the export of `id`'s entries passing `filter`, newest first, calling `write`
    /// with each page's bytes (the header with the first); returns the number of entries.
    public func run(
        _ queries: Queries, _ id: String, filter: LogFilter, write: ([UInt8]) async throws -> Void
    ) async throws -> Int {
        var cursor: String?
        var count = 0
        var out = header()
        repeat {
            let page = try queries.logs(id, filter: filter, limit: Self.pageSize, cursor: cursor)
            if bodies {
                var byEntry: [UInt64: Int] = [:]
                for (i, e) in page.entries.enumerated() { byEntry[e.seq] = i }
                try queries.withRequests(page.entries.map(\.seq)) { seq, request in
                    guard let i = byEntry[seq] else { return }
                    append(page.entries[i], request: request, to: &out)
                }
            } else {
                for e in page.entries { append(e, request: nil, to: &out) }
            }
            count += page.entries.count
            if !out.isEmpty { try await write(out) }
            out.removeAll(keepingCapacity: true)
            cursor = page.nextCursor
            try Task.checkCancellation()
        } while cursor != nil
        return count
    }
}
