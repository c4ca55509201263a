/// The layout of a request's record after the event header, written down once: a
/// `requestLogged`, and a `requestBodiesExpired` (its form once compaction dropped the
/// bodies). Both writers (``BinaryEventCodec/encode(_:into:)`` from a ``RequestLogged``,
/// ``BinaryEventCodec/appendRequestLogged(_:requestHeaders:responseHeaders:header:into:)``
/// from bytes read from text) and both readers (``BinaryEventCodec/decode(_:bodies:)``,
/// and ``BinaryEventCodec/requestFields(_:reading:)`` in place) go through it: the head
/// (fields 1–7) one way for all, the tail (8–11) as values (``readTail(_:expired:headers:copyingBodies:)``)
/// or stepped over (``readTailLengths(_:expired:checkingHeaders:)``).
///
/// | field | what | type |
/// |---|---|---|
/// | 1 | connection id | string |
/// | 2 | request id | optional string |
/// | 3 | method | byte (``HTTPMethod``) |
/// | 4 | resource | string |
/// | 5 | URL | string |
/// | 6 | status | u16, little-endian |
/// | 7 | duration | uvarint, microseconds |
/// | 8 | request headers | header list: uvarint count, then name and value strings |
/// | 9 | request body | bytes; of an expired request, its length (uvarint up to 2^63 − 1) |
/// | 10 | response headers | header list |
/// | 11 | response body | bytes; of an expired request, its length |
/// | 12 | error summary | of an expired request only: optional string, absent from records written before it |
enum RequestRecord {
    /// Fields 1–7, where they lie in the record or in the writer's hands.
    struct Head {
        var connectionID: UnsafeBufferPointer<UInt8>
        var requestID: UnsafeBufferPointer<UInt8>?
        var method: HTTPMethod
        var resource: UnsafeBufferPointer<UInt8>
        var url: UnsafeBufferPointer<UInt8>
        var status: UInt16
        var durationMicroseconds: UInt64

        /// The head as a request with strings (no headers, no bodies yet).
        var request: RequestLogged {
            RequestLogged(
                connectionID: String(decoding: connectionID, as: UTF8.self),
                requestID: requestID.map { String(decoding: $0, as: UTF8.self) }, method: method,
                resource: String(decoding: resource, as: UTF8.self), url: String(decoding: url, as: UTF8.self),
                status: status, durationMicroseconds: durationMicroseconds, requestHeaders: [])
        }
    }

    /// Fields 9 and 11: a body's bytes, or (an expired request's) its length.
    enum Body {
        case bytes(UnsafeBufferPointer<UInt8>)
        case length(Int)
    }

    // MARK: Writing

    @inline(__always)
    static func appendHead(_ h: Head, to out: inout [UInt8]) {
        out.appendBytes(h.connectionID)
        out.appendOptionalBytes(h.requestID)
        out.append(h.method.rawValue)
        out.appendBytes(h.resource)
        out.appendBytes(h.url)
        out.appendUInt16LE(h.status)
        out.appendVarint(h.durationMicroseconds)
    }

    /// Calls `body` with the head of `request` (its strings' bytes, valid only inside).
    static func withHead<R>(of request: RequestLogged, _ body: (Head) -> R) -> R {
        var connectionID = request.connectionID, resource = request.resource, url = request.url
        return connectionID.withUTF8 { connection in
            resource.withUTF8 { resource in
                url.withUTF8 { url in
                    func head(_ requestID: UnsafeBufferPointer<UInt8>?) -> R {
                        body(Head(connectionID: connection, requestID: requestID, method: request.method, resource: resource,
                                  url: url, status: request.status, durationMicroseconds: request.durationMicroseconds))
                    }
                    guard var requestID = request.requestID else { return head(nil) }
                    return requestID.withUTF8 { head($0) }
                }
            }
        }
    }

    /// A header list (field 8 or 10) of `count` headers, each given by `header(i)`.
    @inline(__always)
    static func appendHeaders(
        count: Int, to out: inout [UInt8],
        _ header: (Int) -> (name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>)
    ) {
        out.appendVarint(UInt64(count))
        for i in 0..<count {
            let h = header(i)
            out.appendBytes(h.name)
            out.appendBytes(h.value)
        }
    }

    /// A header list of strings: the layout of ``appendHeaders(count:to:_:)``.
    static func appendHeaders(_ headers: [Header], to out: inout [UInt8]) {
        out.appendHeaders(headers)
    }

    @inline(__always)
    static func appendBody(_ body: Body, to out: inout [UInt8]) {
        switch body {
        case .bytes(let bytes): out.appendBytes(bytes)
        case .length(let length): out.appendVarint(UInt64(length))
        }
    }

    /// Fields 1–11 of `request`; an expired one's bodies as their lengths.
    static func append(_ request: RequestLogged, expired: Bool, to out: inout [UInt8]) {
        withHead(of: request) { appendHead($0, to: &out) }
        appendHeaders(request.requestHeaders, to: &out)
        if expired {
            appendBody(.length(request.requestBodyLength), to: &out)
            appendHeaders(request.responseHeaders, to: &out)
            appendBody(.length(request.responseBodyLength), to: &out)
            if let summary = request.errorSummary { out.appendOptionalString(summary) }
        } else {
            request.requestBody.withUnsafeBufferPointer { appendBody(.bytes($0), to: &out) }
            appendHeaders(request.responseHeaders, to: &out)
            request.responseBody.withUnsafeBufferPointer { appendBody(.bytes($0), to: &out) }
        }
    }

    // MARK: Reading

    /// Reads fields 1–7, every string checked for UTF-8; or, `counting`, only what a
    /// reader that counts requests keeps (connection id, method, status, duration), the
    /// request id, resource and URL stepped over unchecked and left empty.
    @inline(__always)
    static func readHead(_ r: inout ByteReader, counting: Bool) throws(EventDecodingError) -> Head {
        let connectionID = try r.readCheckedString()
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var requestID: UnsafeBufferPointer<UInt8>?
        if counting {
            if try r.readPresence() { _ = try r.skipBytes() }
        } else {
            requestID = try r.readPresence() ? try r.readCheckedString() : nil
        }
        let method = try readMethod(&r)
        let resource = counting ? (try r.skipBytes(), empty).1 : try r.readCheckedString()
        let url = counting ? (try r.skipBytes(), empty).1 : try r.readCheckedString()
        return Head(connectionID: connectionID, requestID: requestID, method: method, resource: resource, url: url,
                    status: try r.readUInt16LE(), durationMicroseconds: try r.readVarint())
    }

    private static func readMethod(_ r: inout ByteReader) throws(EventDecodingError) -> HTTPMethod {
        let offset = r.offset
        guard let method = HTTPMethod(rawValue: try r.readByte()) else { throw .invalidValue("HTTP method", at: offset) }
        return method
    }

    /// How fields 8 and 10 are read into a ``Tail``.
    enum HeaderReading {
        /// As strings (checked).
        case strings
        /// Stepped over, lengths checked only.
        case skipped
    }

    /// Fields 8–11 as read.
    struct Tail {
        var requestHeaders: [Header] = []
        var responseHeaders: [Header] = []
        /// Copied when asked and the record has them.
        var requestBody: [UInt8] = []
        var responseBody: [UInt8] = []
        /// The bodies' lengths, when not copied (an expired request's, or bodies skipped).
        var lengths: RequestLogged.BodyLengths?
        /// Field 12 (an expired request's).
        var errorSummary: String?
    }

    /// Reads fields 8–11: headers as `headers` says, bodies copied if `copyingBodies` (an
    /// expired request has only their lengths).
    @inline(__always)
    static func readTail(
        _ r: inout ByteReader, expired: Bool, headers: HeaderReading, copyingBodies: Bool
    ) throws(EventDecodingError) -> Tail {
        var tail = Tail()
        tail.requestHeaders = try readHeaders(&r, headers)
        if expired {
            let request = try r.readLength("request body length")
            tail.responseHeaders = try readHeaders(&r, headers)
            tail.lengths = .init(request: request, response: try r.readLength("response body length"))
            if !r.isAtEnd { tail.errorSummary = try r.readOptionalString() }
        } else if copyingBodies {
            tail.requestBody = try r.readBytes()
            tail.responseHeaders = try readHeaders(&r, headers)
            tail.responseBody = try r.readBytes()
        } else {
            let request = try r.skipBytes()
            tail.responseHeaders = try readHeaders(&r, headers)
            tail.lengths = .init(request: request, response: try r.skipBytes())
        }
        return tail
    }

    /// What an in-place reader keeps of fields 8–12: the bodies' lengths, where the
    /// response body lies (a logged request's) and the error summary (an expired one's).
    struct TailInPlace {
        var lengths = RequestLogged.BodyLengths(request: 0, response: 0)
        var requestBody: UnsafeBufferPointer<UInt8>?
        var responseBody: UnsafeBufferPointer<UInt8>?
        var errorSummary: UnsafeBufferPointer<UInt8>?
    }

    /// Steps over fields 8–12, the header lists checked for UTF-8 if `checkingHeaders`
    /// (no array made).
    @inline(__always)
    static func readTailInPlace(
        _ r: inout ByteReader, expired: Bool, checkingHeaders: Bool
    ) throws(EventDecodingError) -> TailInPlace {
        try r.stepOverHeaders(checking: checkingHeaders)
        var tail = TailInPlace()
        if expired {
            let request = try r.readLength("request body length")
            try r.stepOverHeaders(checking: checkingHeaders)
            tail.lengths = .init(request: request, response: try r.readLength("response body length"))
            if !r.isAtEnd, try r.readPresence() { tail.errorSummary = try r.readCheckedString() }
            return tail
        }
        let request = try r.readSlice()
        try r.stepOverHeaders(checking: checkingHeaders)
        let response = try r.readSlice()
        tail.lengths = .init(request: request.count, response: response.count)
        tail.requestBody = request.assumingMemoryBound(to: UInt8.self)
        tail.responseBody = response.assumingMemoryBound(to: UInt8.self)
        return tail
    }

    @inline(__always)
    private static func readHeaders(_ r: inout ByteReader, _ reading: HeaderReading) throws(EventDecodingError) -> [Header] {
        switch reading {
        case .strings: return try r.readHeaders()
        case .skipped: return try r.skipHeaders()
        }
    }
}
