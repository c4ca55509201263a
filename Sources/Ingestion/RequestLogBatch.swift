internal import Domain
public import Events
public import Journal

/// Request logs ready for ``Writer/ingest(_:key:)``: each one's record, credentials
/// already redacted, with the connection it names and the line of the batch it came from.
///
/// Built where the logs arrive (a request handler, the gateway), beside the writer rather
/// than under its lock: the writer only checks the connections and appends the bytes.
public struct RequestLogBatch: Sendable {
    /// The records, back to back.
    public private(set) var records: RecordBatch
    /// The connection each record names, in order.
    public private(set) var connectionIDs: [String] = []
    /// The line of an NDJSON batch each record came from; empty for entries without one.
    public private(set) var lines: [Int] = []

    public init(reservingBytes bytes: Int = 0, records count: Int = 0) {
        records = RecordBatch(reservingBytes: bytes, records: count)
        connectionIDs.reserveCapacity(count)
    }

    public var count: Int { connectionIDs.count }
    public var isEmpty: Bool { connectionIDs.isEmpty }

    /// Appends a request given as a value, redacting it first.
    public mutating func append(time: Timestamp, _ request: RequestLogged, line: Int? = nil) throws(EventEncodingError) {
        let event = Event(time: time, .requestLogged(Redaction.redact(request)))
        try records.appendRecord { (out: inout [UInt8]) throws(EventEncodingError) in try BinaryEventCodec.encode(event, into: &out) }
        connectionIDs.append(request.connectionID)
        if let line { lines.append(line) }
    }

    /// Appends a record `write` writes in place, already redacted, for a request on
    /// `connectionID`. If `write` gives up (false), the batch is left as it was.
    public mutating func appendRecord(connectionID: String, line: Int?, _ write: (inout [UInt8]) -> Bool) -> Bool {
        guard records.appendRecord(write) else { return false }
        connectionIDs.append(connectionID)
        if let line { lines.append(line) }
        return true
    }
}
