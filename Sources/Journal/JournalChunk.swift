/// Consecutive records read from the journal in one short read transaction, copied out so
/// the transaction can end before they are used.
public struct JournalChunk: Sendable {
    /// The sequence number of each record (increasing; compaction may leave holes).
    public private(set) var sequenceNumbers: [UInt64] = []
    public private(set) var records = RecordBatch()

    public init() {}

    mutating func append(_ seq: UInt64, _ record: UnsafeRawBufferPointer) {
        sequenceNumbers.append(seq)
        records.append(record)
    }

    public var count: Int { sequenceNumbers.count }
    public var isEmpty: Bool { sequenceNumbers.isEmpty }
    /// The last sequence number read, if any.
    public var lastSequenceNumber: UInt64? { sequenceNumbers.last }

    /// Calls `body` with each record's sequence number and bytes.
    public func forEach<E: Error>(_ body: (UInt64, UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        try records.forEach { (i, bytes) throws(E) in try body(sequenceNumbers[i], bytes) }
    }
}
