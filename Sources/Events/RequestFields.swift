/// The fields of a request that the projections index, read where they lie: in the
/// journal's map, or in a batch's buffer. No string or array is made, so nothing is
/// allocated, retained or released per request.
///
/// The byte fields are valid UTF-8 (checked as ``BinaryEventCodec/decode(_:bodies:)``
/// checks them) and valid only as long as the bytes they were read from.
public struct RequestFields {
    public var time: Timestamp
    public var connectionID: UnsafeBufferPointer<UInt8>
    /// Nil when the request has none, or was read with ``BinaryEventCodec/Bodies/counting``.
    public var requestID: UnsafeBufferPointer<UInt8>?
    public var method: HTTPMethod
    /// Empty when read with ``BinaryEventCodec/Bodies/counting``, like the URL.
    public var resource: UnsafeBufferPointer<UInt8>
    public var url: UnsafeBufferPointer<UInt8>
    public var status: UInt16
    public var durationMicroseconds: UInt64
    /// Zero when read with ``BinaryEventCodec/Bodies/counting``, like the response's.
    public var requestBodyLength: Int
    public var responseBodyLength: Int
    /// Whether the record is a `requestBodiesExpired` (compaction's form of a request)
    /// rather than a `requestLogged`.
    public var bodiesExpired: Bool
    /// The bodies, when they were read (a logged request read in place with `.summary` or
    /// more); nil for an expired request or one read with `.counting`.
    public var requestBody: UnsafeBufferPointer<UInt8>?
    public var responseBody: UnsafeBufferPointer<UInt8>?
    /// An expired request's error summary (field 12), if it has one.
    public var errorSummary: UnsafeBufferPointer<UInt8>?

    public init(
        time: Timestamp, connectionID: UnsafeBufferPointer<UInt8>, requestID: UnsafeBufferPointer<UInt8>?, method: HTTPMethod,
        resource: UnsafeBufferPointer<UInt8>, url: UnsafeBufferPointer<UInt8>, status: UInt16, durationMicroseconds: UInt64,
        requestBodyLength: Int, responseBodyLength: Int, bodiesExpired: Bool,
        requestBody: UnsafeBufferPointer<UInt8>? = nil, responseBody: UnsafeBufferPointer<UInt8>? = nil,
        errorSummary: UnsafeBufferPointer<UInt8>? = nil
    ) {
        self.time = time
        self.connectionID = connectionID
        self.requestID = requestID
        self.method = method
        self.resource = resource
        self.url = url
        self.status = status
        self.durationMicroseconds = durationMicroseconds
        self.requestBodyLength = requestBodyLength
        self.responseBodyLength = responseBodyLength
        self.bodiesExpired = bodiesExpired
        self.requestBody = requestBody
        self.responseBody = responseBody
        self.errorSummary = errorSummary
    }
}

extension BinaryEventCodec {
    /// Whether records of kind number `kind` are requests, which
    /// ``requestFields(_:reading:)`` reads.
    private static func isRequest(kind: UInt32) -> Bool {
        kind == Event.Kind.requestLogged.rawValue || kind == Event.Kind.requestBodiesExpired.rawValue
    }

    /// Reads a `requestLogged` or `requestBodiesExpired` record in place: the fields, checks
    /// and errors of ``decode(_:bodies:)`` with the same `bodies`, without making the event.
    /// Nil for a record of another kind (nothing of it is checked past its header).
    public static func requestFields(
        _ bytes: UnsafeRawBufferPointer, reading bodies: Bodies
    ) throws(EventDecodingError) -> RequestFields? {
        var r = ByteReader(bytes)
        let (kind, time) = try readHeader(&r)
        guard isRequest(kind: kind) else { return nil }
        let expired = kind == Event.Kind.requestBodiesExpired.rawValue
        let head = try RequestRecord.readHead(&r, counting: bodies == .counting)
        // What decode reads with the same `bodies`: headers checked where it makes them
        // strings (all of an expired request's, a logged one's unless `.summary`).
        var tail = RequestRecord.TailInPlace()
        if bodies != .counting {
            tail = try RequestRecord.readTailInPlace(&r, expired: expired, checkingHeaders: expired || bodies != .summary)
        }
        return RequestFields(
            time: time, connectionID: head.connectionID, requestID: head.requestID, method: head.method,
            resource: head.resource, url: head.url, status: head.status, durationMicroseconds: head.durationMicroseconds,
            requestBodyLength: tail.lengths.request, responseBodyLength: tail.lengths.response, bodiesExpired: expired,
            requestBody: tail.requestBody, responseBody: tail.responseBody, errorSummary: tail.errorSummary)
    }
}

extension ByteReader {
    /// A string field's bytes, checked to be UTF-8 as ``readString()`` checks them.
    mutating func readCheckedString() throws(EventDecodingError) -> UnsafeBufferPointer<UInt8> {
        let start = offset
        let slice = try readSlice()
        let bytes = slice.assumingMemoryBound(to: UInt8.self)
        guard String.isASCII(bytes) || UTF8Validation.isValid(bytes) else { throw .invalidUTF8(at: start) }
        return bytes
    }

    /// Steps over a header list, checking its strings as ``readHeaders()`` does when
    /// `checking`, or only its lengths as ``skipHeaders()`` does.
    mutating func stepOverHeaders(checking: Bool) throws(EventDecodingError) {
        guard checking else {
            _ = try skipHeaders()
            return
        }
        let countOffset = offset
        let count = try readVarint()
        guard count <= UInt64(bytesLeft) / 2 else { throw .truncated(at: countOffset) }
        for _ in 0..<count {
            _ = try readCheckedString()
            _ = try readCheckedString()
        }
    }

    /// A body length, held to the text form's range (0 to 2^63 − 1) as decode holds it.
    mutating func readLength(_ name: String) throws(EventDecodingError) -> Int {
        let start = offset
        let value = try readVarint()
        guard value <= UInt64(Int64.max) else { throw .invalidValue(name, at: start) }
        return Int(value)
    }
}

extension RequestLogged {
    /// The request as ``RequestFields``, for code that indexes a decoded request and one
    /// read in place the same way.
    public func withFields<R>(
        time: Timestamp, bodiesExpired: Bool, _ body: (RequestFields) throws -> R
    ) rethrows -> R {
        var connectionID = connectionID, resource = resource, url = url, requestID = requestID
        return try connectionID.withUTF8 { connection in
            try resource.withUTF8 { resource in
                try url.withUTF8 { url in
                    func fields(_ requestID: UnsafeBufferPointer<UInt8>?) throws -> R {
                        // The response body when it was decoded; the error summary when there is one.
                        try withResponseParts(bodiesExpired: bodiesExpired) { responseBody, errorSummary in
                            try body(RequestFields(
                                time: time, connectionID: connection, requestID: requestID,
                                method: method, resource: resource, url: url,
                                status: status, durationMicroseconds: durationMicroseconds, requestBodyLength: requestBodyLength,
                                responseBodyLength: responseBodyLength, bodiesExpired: bodiesExpired,
                                responseBody: responseBody, errorSummary: errorSummary))
                        }
                    }
                    guard requestID != nil else { return try fields(nil) }
                    return try requestID!.withUTF8 { try fields($0) }
                }
            }
        }
    }
}

extension RequestLogged {
    /// Calls `body` with the response body (nil when it was not decoded, or expired) and
    /// the error summary's bytes.
    fileprivate func withResponseParts<R>(
        bodiesExpired: Bool, _ body: (UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?) throws -> R
    ) rethrows -> R {
        func withSummary(_ response: UnsafeBufferPointer<UInt8>?) throws -> R {
            guard var summary = errorSummary else { return try body(response, nil) }
            return try summary.withUTF8 { try body(response, $0) }
        }
        guard !bodiesExpired, skippedBodyLengths == nil else { return try withSummary(nil) }
        return try responseBody.withUnsafeBufferPointer { try withSummary($0) }
    }
}

extension Event {
    /// `body`'s result for the request's fields if the event is a request (a
    /// `requestLogged`, or a `requestBodiesExpired`), else nil.
    public func withRequestFields<R>(_ body: (RequestFields) throws -> R) rethrows -> R? {
        switch payload {
        case .requestLogged(let r): try r.withFields(time: time, bodiesExpired: false, body)
        case .requestBodiesExpired(let r): try r.withFields(time: time, bodiesExpired: true, body)
        default: nil
        }
    }
}
