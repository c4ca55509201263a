/// Records to append together, stored back to back in one buffer.
///
/// Building a batch costs one growing buffer, not one allocation per record; the journal
/// copies each record straight from it into the map.
public struct RecordBatch: Sendable {
    /// All records, back to back.
    public private(set) var bytes: [UInt8] = []
    /// Where each record ends in `bytes`.
    private var ends: [Int] = []

    public init() {}

    public init(reservingBytes bytes: Int, records: Int = 0) {
        self.bytes.reserveCapacity(bytes)
        self.ends.reserveCapacity(records)
    }

    /// The number of records.
    public var count: Int { ends.count }
    public var isEmpty: Bool { ends.isEmpty }

    /// Appends one record.
    public mutating func append(_ record: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: record)
        ends.append(bytes.count)
    }

    /// Appends one record.
    public mutating func append(_ record: [UInt8]) {
        bytes.append(contentsOf: record)
        ends.append(bytes.count)
    }

    /// Appends one record written in place by `write`, which appends its bytes to the
    /// buffer it is given. If `write` throws, the batch is left as it was.
    public mutating func appendRecord<E: Error>(_ write: (inout [UInt8]) throws(E) -> Void) throws(E) {
        let start = bytes.count
        do {
            try write(&bytes)
        } catch {
            bytes.removeSubrange(start...)
            throw error
        }
        ends.append(bytes.count)
    }

    /// Appends one record written in place by `write`, which appends its bytes to the
    /// buffer it is given and says whether it wrote one. If it gives up (false), the batch
    /// is left as it was and this returns false.
    public mutating func appendRecord(_ write: (inout [UInt8]) -> Bool) -> Bool {
        let start = bytes.count
        guard write(&bytes) else {
            bytes.removeSubrange(start...)
            return false
        }
        ends.append(bytes.count)
        return true
    }

    /// Removes every record, keeping the capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// The byte range of record `index`.
    public func range(of index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// Calls `body` with each record in order, read in place.
    public func forEach<E: Error>(_ body: (Int, UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(E) in
                var start = 0
                for (i, end) in ends.enumerated() {
                    try body(i, UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    start = end
                }
            }
        }.get()
    }

    /// A copy of record `index`.
    public subscript(index: Int) -> [UInt8] {
        Array(bytes[range(of: index)])
    }
}
