internal import Domain
internal import Events
internal import Foundation

/// The fast path of ``LogEntryParser``: one pass over an entry's JSON straight into its
/// journal record, credentials redacted, with no intermediate tree, no `RequestLogged`,
/// no `String` per field where bytes do, and, across the lines of a batch, no allocation
/// per line once its buffers have grown.
///
/// It takes only entries ``LogEntryParser`` accepts and writes the record the parser's
/// result would be encoded to; at anything else — an unknown or repeated member, a value
/// of the wrong kind, a body in base64, malformed JSON — it gives up (false, nothing
/// written), and the parser's own path reads the line again to say exactly what is wrong,
/// as it always has. So errors and the accepted language are the parser's by
/// construction; `LogEntryReaderTests` compares the two records on random entries.
public enum LogEntryReader {
    /// What reading keeps from one line to the next: where strings with escapes are
    /// decoded, and the lines' header lists.
    public struct Scratch {
        let buffer = DecodingBuffer()
        var decoded: [UInt8] = []
        var requestHeaders: [HeaderBytes] = []
        var responseHeaders: [HeaderBytes] = []

        public init() {}

        /// Calls `body` with the bytes `b` names, in `line` or in `decoded`.
        func withBytes<R>(_ b: Bytes, _ line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            decoded.withUnsafeBufferPointer { body(LogEntryReader.bytes(b, line: line, decoded: $0)) }
        }

        mutating func reset() {
            decoded.removeAll(keepingCapacity: true)
            requestHeaders.removeAll(keepingCapacity: true)
            responseHeaders.removeAll(keepingCapacity: true)
        }
    }

    typealias Bytes = JSONParser.StringBytes

    /// The bytes `b` names: in `line`, or in the scratch's `decoded` buffer.
    static func bytes(_ b: Bytes, line: UnsafeBufferPointer<UInt8>, decoded: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        switch b {
        case .input(let r): UnsafeBufferPointer(rebasing: line[r])
        case .decoded(let r): UnsafeBufferPointer(rebasing: decoded[r])
        }
    }

    struct HeaderBytes {
        var name: Bytes
        var value: Bytes
    }

    /// Appends the record of the entry `line` holds to `batch`; false, appending nothing,
    /// to leave the entry to the parser's path.
    public static func append(_ line: UnsafeBufferPointer<UInt8>, number: Int?, to batch: inout RequestLogBatch, scratch: inout Scratch) -> Bool {
        scratch.reset()
        var entry = Entry()
        do {
            let read = try JSONParser.read(line, buffer: scratch.buffer) { (p: inout JSONParser) throws(JSONParser.Error) -> Bool? in
                try p.readObjectNamedBytes { (name: UnsafeBufferPointer<UInt8>, p: inout JSONParser) throws(JSONParser.Error) -> Bool in
                    try entry.member(name, &p, line, &scratch)
                } ? true : nil
            }
            guard read == true else { return false }
        } catch {
            return false
        }
        return entry.write(line, number: number, to: &batch, &scratch)
    }

    /// The members read so far.
    private struct Entry {
        /// One bit per member: a member given twice is the parser's error to report.
        private var seen: UInt32 = 0
        private var time: Timestamp?
        private var connectionID: String?
        private var requestID: Bytes?
        private var method: HTTPMethod?
        private var resource: Bytes?
        private var url: Bytes?
        private var status: UInt16?
        private var duration: UInt64 = 0
        private var requestBody: Bytes?
        private var responseBody: Bytes?

        private enum Member: UInt32, CaseIterable {
            case event, time, seq, connectionID, requestID, method, resource, url, status, duration
            case requestHeaders, responseHeaders, requestBody, responseBody

            var name: StaticString {
                switch self {
                case .event: "event"
                case .time: "time"
                case .seq: "seq"
                case .connectionID: "connection_id"
                case .requestID: "request_id"
                case .method: "method"
                case .resource: "resource"
                case .url: "url"
                case .status: "status"
                case .duration: "duration_us"
                case .requestHeaders: "request_headers"
                case .responseHeaders: "response_headers"
                case .requestBody: "request_body"
                case .responseBody: "response_body"
                }
            }

            init?(_ name: UnsafeBufferPointer<UInt8>) {
                // Every member of every entry is matched here: compared with memcmp (the
                // generic elementsEqual was 5% of the daemon's ingestion samples).
                guard let start = name.baseAddress else { return nil }
                for m in Member.allCases {
                    let n = m.name
                    if n.utf8CodeUnitCount == name.count, memcmp(n.utf8Start, start, name.count) == 0 {
                        self = m
                        return
                    }
                }
                return nil
            }
        }

        /// Reads the value of the member `name`; false to give up.
        mutating func member(
            _ name: UnsafeBufferPointer<UInt8>, _ p: inout JSONParser, _ line: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch
        ) throws(JSONParser.Error) -> Bool {
            // An unknown member (the base64 bodies among them) is left to the parser.
            guard let member = Member(name) else { return false }
            // null means absent, for every member (the parser drops them before anything else).
            if try p.readNull() { return true }
            func string() throws(JSONParser.Error) -> Bytes? { try p.readStringBytes(decodingInto: &scratch.decoded) }
            switch member {
            case .event:
                guard let text = try string(), scratch.withBytes(text, line, { $0.elementsEqual("requestLogged".utf8) }) else { return false }
            case .time:
                guard let text = try string(), let t = scratch.withBytes(text, line, { Timestamp(rfc3339UTF8: $0) }) else { return false }
                time = t
            case .seq:
                _ = try p.readValue()  // the canonical form's, ignored as the parser ignores it
            case .connectionID:
                guard let text = try string() else { return false }
                let id = scratch.withBytes(text, line) { String(decoding: $0, as: UTF8.self) }
                guard Identifier.isValid(id) else { return false }
                connectionID = id
            case .requestID:
                guard let text = try string() else { return false }
                requestID = text
            case .method:
                guard let text = try string(),
                      let m = scratch.withBytes(text, line, { HTTPMethod(name: String(decoding: $0, as: UTF8.self)) })
                else { return false }
                method = m
            case .resource:
                guard let text = try string(), !Self.isEmpty(text) else { return false }
                resource = text
            case .url:
                guard let text = try string(), !Self.isEmpty(text) else { return false }
                url = text
            case .status:
                guard let n = try p.readInteger(), (100...599).contains(n) else { return false }
                status = UInt16(n)
            case .duration:
                guard let n = try p.readInteger(), n >= 0 else { return false }
                duration = UInt64(n)
            case .requestHeaders:
                guard try Self.headers(&p, into: &scratch.requestHeaders, &scratch.decoded) else { return false }
            case .responseHeaders:
                guard try Self.headers(&p, into: &scratch.responseHeaders, &scratch.decoded) else { return false }
            case .requestBody:
                requestBody = try Self.body(&p, &scratch.decoded)
            case .responseBody:
                responseBody = try Self.body(&p, &scratch.decoded)
            }
            let bit: UInt32 = 1 << member.rawValue
            guard seen & bit == 0 else { return false }
            seen |= bit
            return true
        }

        /// `[[name, value], …]` or `{name: value, …}`, values strings.
        private static func headers(_ p: inout JSONParser, into headers: inout [HeaderBytes], _ decoded: inout [UInt8]) throws(JSONParser.Error) -> Bool {
            switch p.peek() {
            case UInt8(ascii: "["):
                return try p.readArray { (p: inout JSONParser) throws(JSONParser.Error) -> Bool in
                    var pair: (Bytes?, Bytes?) = (nil, nil)
                    var count = 0
                    let read = try p.readArray { (p: inout JSONParser) throws(JSONParser.Error) -> Bool in
                        guard count < 2, let text = try p.readStringBytes(decodingInto: &decoded) else { return false }
                        if count == 0 { pair.0 = text } else { pair.1 = text }
                        count += 1
                        return true
                    }
                    guard read, let name = pair.0, let value = pair.1 else { return false }
                    headers.append(HeaderBytes(name: name, value: value))
                    return true
                }
            case UInt8(ascii: "{"):
                return try p.readObjectNamedBytes { (name: UnsafeBufferPointer<UInt8>, p: inout JSONParser) throws(JSONParser.Error) -> Bool in
                    // The name is kept before the value is read (it may lie in the parser's buffer).
                    let first = decoded.count
                    decoded.append(contentsOf: name)
                    let kept = Bytes.decoded(first..<decoded.count)
                    guard let value = try p.readStringBytes(decodingInto: &decoded) else { return false }
                    headers.append(HeaderBytes(name: kept, value: value))
                    return true
                }
            default:
                return false
            }
        }

        /// A body: a string's bytes, or any other JSON value's text exactly as it was sent.
        private static func body(_ p: inout JSONParser, _ decoded: inout [UInt8]) throws(JSONParser.Error) -> Bytes {
            if let text = try p.readStringBytes(decodingInto: &decoded) { return text }
            let (_, range) = try p.readValue()
            return .input(range)
        }

        private static func isEmpty(_ b: Bytes) -> Bool {
            switch b {
            case .input(let r), .decoded(let r): r.isEmpty
            }
        }

        /// Writes the record: the parser's defaults filled in, credentials redacted as
        /// ``Redaction/redact(_:)`` redacts them.
        func write(_ line: UnsafeBufferPointer<UInt8>, number: Int?, to batch: inout RequestLogBatch, _ scratch: inout Scratch) -> Bool {
            guard let connectionID, let method, var url, let status else { return false }
            // The parser's defaults: now, and the resource the redacted URL names (a field
            // derived from the URL never holds what the redaction removes from it).
            guard let time = time ?? Timestamp(rfc3339: Timestamp.now.rfc3339) else { return false }
            func append(_ text: String) -> Bytes {
                let first = scratch.decoded.count
                scratch.decoded.append(contentsOf: text.utf8)
                return .decoded(first..<scratch.decoded.count)
            }
            let text = { (b: Bytes, s: Scratch) in s.withBytes(b, line) { String(decoding: $0, as: UTF8.self) } }
            if scratch.withBytes(url, line, { Redaction.mayRedact(urlUTF8: $0) }) {
                url = append(Redaction.redact(url: text(url, scratch)))
            }
            var resource = self.resource ?? append(ResourceName.of(url: text(url, scratch)))
            guard !Self.isEmpty(resource) else { return false }
            if scratch.withBytes(resource, line, { Redaction.containsTokenShape(utf8: $0) }) {
                resource = append(Redaction.marker)
            }
            let scratchView = scratch
            return scratchView.decoded.withUnsafeBufferPointer { decoded in
                func bytes(_ b: Bytes) -> UnsafeBufferPointer<UInt8> { LogEntryReader.bytes(b, line: line, decoded: decoded) }
                let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                return Redaction.markerUTF8.withUnsafeBufferPointer { marker in
                    var id = connectionID
                    return id.withUTF8 { idBytes in
                        let fields = BinaryEventCodec.RequestLoggedBytes(
                            time: time, connectionID: idBytes, requestID: requestID.map(bytes), method: method,
                            resource: bytes(resource), url: bytes(url), status: status, durationMicroseconds: duration,
                            requestBody: requestBody.map(bytes) ?? none, responseBody: responseBody.map(bytes) ?? none)
                        return batch.appendRecord(connectionID: connectionID, line: number) { out in
                            do {
                                try BinaryEventCodec.appendRequestLogged(
                                    fields, requestHeaders: scratchView.requestHeaders.count,
                                    responseHeaders: scratchView.responseHeaders.count,
                                    header: { response, i in
                                        let h = response ? scratchView.responseHeaders[i] : scratchView.requestHeaders[i]
                                        let name = bytes(h.name), value = bytes(h.value)
                                        let redacted = Redaction.isSensitive(headerNameUTF8: name) || Redaction.containsTokenShape(utf8: value)
                                        return (name, redacted ? marker : value)
                                    }, into: &out)
                                return true
                            } catch {
                                return false
                            }
                        }
                    }
                }
            }
        }
    }
}
