public import Events

/// One row of a connection's logs: what the list shows, without the bodies (those stay
/// in the journal, read by sequence number).
public struct LogEntry: Hashable, Sendable {
    /// The journal sequence number of the `requestLogged` event.
    public var seq: UInt64
    public var time: Timestamp
    public var method: HTTPMethod
    public var resource: String
    public var url: String
    public var status: UInt16
    public var durationMicroseconds: UInt64
    public var requestID: String?
    public var requestBytes: Int
    public var responseBytes: Int
    /// Whether compaction dropped the bodies (the entry itself stays).
    public var bodiesExpired: Bool = false
    /// Of a failed request: the error its answer gave (``ErrorSummary``; empty when it said
    /// nothing readable). Nil for a request that did not fail.
    public var error: String?

    public init(
        seq: UInt64, time: Timestamp, method: HTTPMethod, resource: String, url: String, status: UInt16,
        durationMicroseconds: UInt64 = 0, requestID: String? = nil, requestBytes: Int = 0, responseBytes: Int = 0,
        error: String? = nil
    ) {
        self.seq = seq
        self.time = time
        self.method = method
        self.resource = resource
        self.url = url
        self.status = status
        self.durationMicroseconds = durationMicroseconds
        self.requestID = requestID
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.error = error
    }

    /// The entry of a request read in place (what the logs projection keeps of it).
    public init(seq: UInt64, _ r: RequestFields) {
        self.init(
            seq: seq, time: r.time, method: r.method, resource: String(decoding: r.resource, as: UTF8.self),
            url: String(decoding: r.url, as: UTF8.self), status: r.status, durationMicroseconds: r.durationMicroseconds,
            requestID: r.requestID.map { String(decoding: $0, as: UTF8.self) }, requestBytes: r.requestBodyLength,
            responseBytes: r.responseBodyLength, error: ErrorSummary.of(r))
        bodiesExpired = r.bodiesExpired
    }

    /// Appends the row's bytes (what ``init(seq:decoding:)`` reads) to `out`: the row
    /// ``encode(_:into:)`` writes for the same request.
    func encode(into out: inout [UInt8]) {
        var resource = resource, url = url, requestID = requestID
        resource.withUTF8 { resource in
            url.withUTF8 { url in
                func write(_ requestID: UnsafeBufferPointer<UInt8>?) {
                    LogEntry.encode(RequestFields(
                        time: time, connectionID: UnsafeBufferPointer(start: nil, count: 0), requestID: requestID, method: method,
                        resource: resource, url: url, status: status, durationMicroseconds: durationMicroseconds,
                        requestBodyLength: requestBytes, responseBodyLength: responseBytes, bodiesExpired: bodiesExpired),
                        error: error, into: &out)
                }
                guard requestID != nil else { return write(nil) }
                requestID!.withUTF8 { write($0) }
            }
        }
    }

    /// Appends the row of `request`'s entry (what ``init(seq:decoding:)`` reads), from its bytes.
    static func encode(_ request: RequestFields, error: String?, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + 40 + request.resource.count + request.url.count + (request.requestID?.count ?? 0))
        out.appendInt64LE(request.time.microseconds)
        out.append(request.method.rawValue)
        out.appendUInt16LE(request.status)
        out.appendBytes(request.resource)
        out.appendBytes(request.url)
        out.appendVarint(request.durationMicroseconds)
        out.appendOptionalBytes(request.requestID)
        out.appendVarint(UInt64(request.requestBodyLength))
        out.appendVarint(UInt64(request.responseBodyLength))
        out.append(request.bodiesExpired ? 1 : 0)
        out.appendOptionalString(error)
    }

    init(seq: UInt64, decoding bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        self.seq = seq
        time = Timestamp(microseconds: try r.readInt64LE())
        method = HTTPMethod(rawValue: try r.readByte()) ?? .get
        status = try r.readUInt16LE()
        resource = try r.readString()
        url = try r.readString()
        durationMicroseconds = try r.readVarint()
        requestID = try r.readOptionalString()
        requestBytes = Int(try r.readVarint())
        responseBytes = Int(try r.readVarint())
        bodiesExpired = r.isAtEnd ? false : try r.readByte() == 1
        error = r.isAtEnd ? nil : try r.readOptionalString()
    }
}

/// Which log entries to show. An empty set means "all" (nothing ticked, or Reset).
public struct LogFilter: Hashable, Sendable {
    public var resources: Set<String>
    public var methods: Set<HTTPMethod>
    public var statusClasses: Set<StatusClass>
    /// Entries at or after this time.
    public var since: Timestamp?
    /// Entries before this time.
    public var until: Timestamp?
    /// Exact statuses (`422`), besides the classes: an entry passes with its class or its code.
    public var statuses: Set<UInt16>
    /// Entries that took at least this long.
    public var minDurationMicroseconds: UInt64?
    /// The failed calls of one error group.
    public var errorGroup: ErrorGroupKey?
    /// A text the entry's URL, request id or bodies contain. ``matches(_:)`` does not check
    /// it (the bodies are in the journal): ``Queries`` reads them.
    public var text: String?

    public init(
        resources: Set<String> = [], methods: Set<HTTPMethod> = [], statusClasses: Set<StatusClass> = [],
        since: Timestamp? = nil, until: Timestamp? = nil, statuses: Set<UInt16> = [], minDurationMicroseconds: UInt64? = nil,
        errorGroup: ErrorGroupKey? = nil, text: String? = nil
    ) {
        self.resources = resources
        self.methods = methods
        self.statusClasses = statusClasses
        self.since = since
        self.until = until
        self.statuses = statuses
        self.minDurationMicroseconds = minDurationMicroseconds
        self.errorGroup = errorGroup
        self.text = text
    }

    /// Whether `entry` passes the filter (the definition the index must agree with).
    public func matches(_ entry: LogEntry) -> Bool {
        (resources.isEmpty || resources.contains(entry.resource))
            && (methods.isEmpty || methods.contains(entry.method))
            && matchesStatus(entry.status)
            && (since.map { entry.time >= $0 } ?? true)
            && (until.map { entry.time < $0 } ?? true)
            && (minDurationMicroseconds.map { entry.durationMicroseconds >= $0 } ?? true)
            && (errorGroup.map { ErrorGroupKey(entry) == $0 } ?? true)
    }

    /// Whether an error group's calls can pass the other filters (else none of them do).
    func admits(_ group: ErrorGroupKey) -> Bool {
        (resources.isEmpty || resources.contains(group.resource)) && (methods.isEmpty || methods.contains(group.method))
            && matchesStatus(group.status)
    }

    func matchesStatus(_ status: UInt16) -> Bool {
        if statusClasses.isEmpty && statuses.isEmpty { return true }
        return statuses.contains(status) || StatusClass(status: Int(status)).map(statusClasses.contains) == true
    }

    /// Whether the indexes alone cannot decide: each candidate entry is read and checked.
    var needsEntries: Bool { !statuses.isEmpty || minDurationMicroseconds != nil }

    /// What the indexes select: the classes of the exact statuses join the classes.
    var indexed: LogFilter {
        var f = self
        f.statusClasses.formUnion(statuses.compactMap { StatusClass(status: Int($0)) })
        f.statuses = []
        f.minDurationMicroseconds = nil
        f.errorGroup = nil
        f.text = nil
        return f
    }
}

/// One page of log entries, newest first.
public struct LogsPage: Hashable, Sendable {
    public var entries: [LogEntry]
    /// Pass it back to get the next (older) page; nil on the last page.
    public var nextCursor: String?
    /// The page stopped after reading ``LogsProjection/scanBudget`` entries that the exact
    /// filters (status code, duration) did not keep: it may hold fewer than asked, and the
    /// cursor goes on from where the reading stopped.
    public var scanLimited: Bool
    /// Of a page that was read entry by entry (exact filters, a text): how many it read,
    /// and the time of the oldest (how far back it looked).
    public var scanned = 0
    public var scannedBackTo: Timestamp?

    public init(entries: [LogEntry], nextCursor: String?, scanLimited: Bool = false) {
        self.entries = entries
        self.nextCursor = nextCursor
        self.scanLimited = scanLimited
    }
}
