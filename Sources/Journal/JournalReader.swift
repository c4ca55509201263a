internal import LMDB

/// Records read by sequence number in one read transaction (``Journal/withReader(_:)``):
/// for a reader of many scattered records (a search through bodies), which would
/// otherwise open a transaction for each. Valid only inside the closure, never kept.
public struct JournalReader: ~Copyable {
    private let txn: Transaction
    private let events: Database

    init(txn: Transaction, events: Database) {
        self.txn = txn
        self.events = events
    }

    /// Calls `body` with record `seq` read in place, or returns nil if there is none.
    public func read<R>(_ seq: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        let value = try Result { try txn.get(events, key: Journal.sequenceKey(seq)) }.mapStorageError().get()
        return try value.map(body)
    }
}

extension Journal {
    /// Calls `body` with a reader of records by sequence number, all in one read
    /// transaction (short: it pins the pages it sees until it returns).
    public func withReader<R>(_ body: (borrowing JournalReader) throws -> R) throws -> R {
        var bodyError: (any Error)?
        let result: R? = try storage {
            try environment.read { txn in
                do {
                    return try body(JournalReader(txn: txn, events: events))
                } catch {
                    bodyError = error
                    return nil
                }
            }
        }
        if let bodyError { throw bodyError }
        return result!
    }
}
