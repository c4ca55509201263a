internal import Domain
internal import Events
internal import Foundation

/// The fast path of ``LogEntryParser``: one pass over an entry's JSON straight into its
/// `RequestLogged`, with no intermediate tree, no list of members searched field by field,
/// and bodies copied once, as bytes.
///
/// It takes only entries ``LogEntryParser`` accepts and gives the same result for them;
/// at anything else — an unknown or repeated member, a value of the wrong kind, malformed
/// JSON — it gives up (nil), and the parser's own path reads the line again to say
/// exactly what is wrong, as it always has. So errors and the accepted language are the
/// parser's by construction; `LogEntryReaderTests` compares the two on random entries.
enum LogEntryReader {
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> (time: Timestamp, request: RequestLogged)? {
        do {
            return try JSONParser.read(bytes) { (parser: inout JSONParser) throws(JSONParser.Error) -> (Timestamp, RequestLogged)? in
                var entry = Entry()
                let read = try parser.readObject { (name: String, parser: inout JSONParser) throws(JSONParser.Error) -> Bool in
                    try entry.member(name, &parser)
                }
                guard read else { return nil }
                return entry.finish()
            }
        } catch {
            return nil
        }
    }

    /// The members read so far.
    private struct Entry {
        /// One bit per member: a member given twice is the parser's error to report.
        private var seen: UInt32 = 0
        private var time: Timestamp?
        private var connectionID: String?
        private var requestID: String?
        private var method: HTTPMethod?
        private var resource: String?
        private var url: String?
        private var status: UInt16?
        private var duration: UInt64 = 0
        private var requestHeaders: [Header] = []
        private var responseHeaders: [Header] = []
        private var requestBody: [UInt8]?
        private var responseBody: [UInt8]?
        private var requestBodyBase64: String?
        private var responseBodyBase64: String?

        private enum Member: UInt32 {
            case event, time, seq, connectionID, requestID, method, resource, url, status, duration
            case requestHeaders, responseHeaders, requestBody, responseBody, requestBodyBase64, responseBodyBase64
        }

        /// Reads the value of the member `name`; false to give up.
        mutating func member(_ name: String, _ p: inout JSONParser) throws(JSONParser.Error) -> Bool {
            // null means absent, for every member (the parser drops them before anything else).
            if try p.readNull() { return true }
            let member: Member
            switch name {
            case "event":
                guard try p.readString() == "requestLogged" else { return false }
                member = .event
            case "time":
                guard let text = try p.readString(), let t = Timestamp(rfc3339: text) else { return false }
                time = t
                member = .time
            case "seq":
                _ = try p.readValue()  // the canonical form's, ignored as the parser ignores it
                member = .seq
            case "connection_id":
                guard let id = try p.readString(), Identifier.isValid(id) else { return false }
                connectionID = id
                member = .connectionID
            case "request_id":
                guard let id = try p.readString() else { return false }
                requestID = id
                member = .requestID
            case "method":
                guard let text = try p.readString(), let m = HTTPMethod(name: text) else { return false }
                method = m
                member = .method
            case "resource":
                guard let text = try p.readString(), !text.isEmpty else { return false }
                resource = text
                member = .resource
            case "url":
                guard let text = try p.readString(), !text.isEmpty else { return false }
                url = text
                member = .url
            case "status":
                guard let n = try p.readInteger(), (100...599).contains(n) else { return false }
                status = UInt16(n)
                member = .status
            case "duration_us":
                guard let n = try p.readInteger(), n >= 0 else { return false }
                duration = UInt64(n)
                member = .duration
            case "request_headers":
                guard let headers = try Self.headers(&p) else { return false }
                requestHeaders = headers
                member = .requestHeaders
            case "response_headers":
                guard let headers = try Self.headers(&p) else { return false }
                responseHeaders = headers
                member = .responseHeaders
            case "request_body":
                requestBody = try Self.body(&p)
                member = .requestBody
            case "response_body":
                responseBody = try Self.body(&p)
                member = .responseBody
            case "request_body_base64":
                guard let text = try p.readString() else { return false }
                requestBodyBase64 = text
                member = .requestBodyBase64
            case "response_body_base64":
                guard let text = try p.readString() else { return false }
                responseBodyBase64 = text
                member = .responseBodyBase64
            default:
                return false
            }
            let bit: UInt32 = 1 << member.rawValue
            guard seen & bit == 0 else { return false }
            seen |= bit
            return true
        }

        /// `[[name, value], …]` or `{name: value, …}`, values strings.
        private static func headers(_ p: inout JSONParser) throws(JSONParser.Error) -> [Header]? {
            var headers: [Header] = []
            switch p.peek() {
            case UInt8(ascii: "["):
                let read = try p.readArray { (p: inout JSONParser) throws(JSONParser.Error) -> Bool in
                    var pair: [String] = []
                    let read = try p.readArray { (p: inout JSONParser) throws(JSONParser.Error) -> Bool in
                        guard pair.count < 2, let text = try p.readString() else { return false }
                        pair.append(text)
                        return true
                    }
                    guard read, pair.count == 2 else { return false }
                    headers.append(Header(pair[0], pair[1]))
                    return true
                }
                return read ? headers : nil
            case UInt8(ascii: "{"):
                let read = try p.readObject { (name: String, p: inout JSONParser) throws(JSONParser.Error) -> Bool in
                    guard let value = try p.readString() else { return false }
                    headers.append(Header(name, value))
                    return true
                }
                return read ? headers : nil
            default:
                return nil
            }
        }

        /// A body: a string's bytes, or any other JSON value's text exactly as it was sent.
        private static func body(_ p: inout JSONParser) throws(JSONParser.Error) -> [UInt8] {
            if let bytes = try p.readStringBytes() { return bytes }
            let (_, range) = try p.readValue()
            return Array(p.text(range))
        }

        func finish() -> (Timestamp, RequestLogged)? {
            guard let connectionID, let method, let url, let status else { return nil }
            // The parser's defaults: now, and the resource the URL names.
            guard let time = time ?? Timestamp(rfc3339: Timestamp.now.rfc3339) else { return nil }
            let resource = resource ?? ResourceName.of(url: url)
            guard !resource.isEmpty,
                  let requestBody = Self.body(requestBody, base64: requestBodyBase64),
                  let responseBody = Self.body(responseBody, base64: responseBodyBase64)
            else { return nil }
            return (time, RequestLogged(
                connectionID: connectionID, requestID: requestID, method: method, resource: resource, url: url,
                status: status, durationMicroseconds: duration, requestHeaders: requestHeaders, requestBody: requestBody,
                responseHeaders: responseHeaders, responseBody: responseBody))
        }

        private static func body(_ text: [UInt8]?, base64: String?) -> [UInt8]? {
            switch (text, base64) {
            case (let t?, nil): return t
            case (nil, let b?): return Data(base64Encoded: b).map { [UInt8]($0) }
            case (nil, nil): return []
            case (_?, _?): return nil
            }
        }
    }
}
