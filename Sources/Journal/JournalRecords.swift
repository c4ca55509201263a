internal import LMDB

/// The records of a range, read in place inside a rewrite's write transaction: valid only
/// during the rewrite's plan, never kept.
public struct JournalRecords: ~Copyable {
    private let txn: Transaction
    private let events: Database
    private let range: KeyRange

    init(txn: Transaction, events: Database, range: KeyRange) {
        self.txn = txn
        self.events = events
        self.range = range
    }

    /// Visits the records in order, until `body` returns false. Holes are skipped.
    public func forEach(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws {
        var bodyError: (any Error)?
        try Result {
            try txn.scan(events, range: range) { key, value in
                guard let seq = Journal.sequenceNumber(of: key) else { return true }
                do {
                    return try body(seq, value)
                } catch {
                    bodyError = error
                    return false
                }
            }
        }.mapStorageError().get()
        if let bodyError { throw bodyError }
    }
}
