internal import Events

/// Requests read from the journal in one batch, kept for projections on other threads: each
/// one's fixed fields in an array, its text fields copied end to end into one byte buffer.
///
/// A batch of requests costs two allocations, and the threads that apply it share nothing
/// they retain or release per request (events with strings of their own had every applying
/// thread retain and release the same strings, about a sixth of a rebuild's time).
struct RequestBuffer: Sendable {
    /// Where a text field lies in `text`.
    fileprivate struct Span {
        var offset: UInt32
        var count: UInt32
    }

    fileprivate struct Request {
        var seq: UInt64
        var time: Timestamp
        var connectionID: Span
        var requestID: Span?
        var resource: Span
        var url: Span
        var durationMicroseconds: UInt64
        var requestBodyLength: Int
        var responseBodyLength: Int
        var status: UInt16
        var method: HTTPMethod
        var bodiesExpired: Bool
        /// A failed request's response body (what its error summary is read from), and an
        /// expired one's summary: the only bodies kept.
        var responseBody: Span?
        var errorSummary: Span?
    }

    private var requests: [Request] = []
    private var text: [UInt8] = []

    init(capacity: Int) {
        requests.reserveCapacity(capacity)
        // Ids, resource and path: most requests' text is well under a hundred bytes.
        text.reserveCapacity(capacity * 96)
    }

    var count: Int { requests.count }

    /// The sequence number of request `index`.
    func seq(_ index: Int) -> UInt64 { requests[index].seq }

    mutating func append(_ fields: RequestFields, seq: UInt64) {
        let requestID = fields.requestID.map { keep($0) }
        let failed = ErrorSummary.failed(fields.status)
        requests.append(Request(
            seq: seq, time: fields.time, connectionID: keep(fields.connectionID), requestID: requestID,
            resource: keep(fields.resource), url: keep(fields.url), durationMicroseconds: fields.durationMicroseconds,
            requestBodyLength: fields.requestBodyLength, responseBodyLength: fields.responseBodyLength,
            status: fields.status, method: fields.method, bodiesExpired: fields.bodiesExpired,
            responseBody: failed ? fields.responseBody.map { keep($0) } : nil,
            errorSummary: fields.errorSummary.map { keep($0) }))
    }

    private mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Span {
        // A record is at most a few megabytes and a batch a few thousand records: offsets
        // fit in 32 bits unless a batch holds gigabytes of text, which a record cannot.
        let span = Span(offset: UInt32(text.count), count: UInt32(bytes.count))
        text.append(contentsOf: bytes)
        return span
    }

    /// Calls `body` with a reader of the requests' fields, valid during the call.
    func withFields<R>(_ body: (Fields) throws -> R) rethrows -> R {
        try text.withUnsafeBufferPointer { text in try requests.withUnsafeBufferPointer { try body(Fields(text: text, requests: $0)) } }
    }

    /// The requests of a ``RequestBuffer`` as ``RequestFields``.
    struct Fields {
        fileprivate let text: UnsafeBufferPointer<UInt8>
        fileprivate let requests: UnsafeBufferPointer<Request>

        subscript(index: Int) -> RequestFields {
            let r = requests[index]
            return RequestFields(
                time: r.time, connectionID: bytes(r.connectionID), requestID: r.requestID.map(bytes), method: r.method,
                resource: bytes(r.resource), url: bytes(r.url), status: r.status, durationMicroseconds: r.durationMicroseconds,
                requestBodyLength: r.requestBodyLength, responseBodyLength: r.responseBodyLength, bodiesExpired: r.bodiesExpired,
                responseBody: r.responseBody.map(bytes), errorSummary: r.errorSummary.map(bytes))
        }

        private func bytes(_ span: Span) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: text[Int(span.offset)..<Int(span.offset + span.count)])
        }
    }
}
