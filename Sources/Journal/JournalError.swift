internal import LMDB

/// Why a journal operation failed.
public struct JournalError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Reason: Hashable, Sendable {
        case notInitialized(String)
        case alreadyInitialized(String)
        case unsupportedFormat(String)
        case readOnly
        case closed
        case emptyBatch
        case emptyRecord(Int)
        case storage(LMDBError)
        case locked(String, String)
        case idempotencyKeyReused(UInt64)
        case idempotencyKeyTooLong(Int)
        case noSuchRecord(UInt64)
        case foreignRecord(String)
        case numbersExhausted(UInt64)
    }

    private let reason: Reason

    private init(_ reason: Reason) {
        self.reason = reason
    }

    static func notInitialized(_ path: String) -> Self { Self(.notInitialized(path)) }
    static func alreadyInitialized(_ path: String) -> Self { Self(.alreadyInitialized(path)) }
    static func unsupportedFormat(_ found: String) -> Self { Self(.unsupportedFormat(found)) }
    static let readOnly = Self(.readOnly)
    static let closed = Self(.closed)
    static let emptyBatch = Self(.emptyBatch)
    static func emptyRecord(_ index: Int) -> Self { Self(.emptyRecord(index)) }
    static func locked(_ path: String, holder: String) -> Self { Self(.locked(path, holder)) }
    static func idempotencyKeyReused(firstSeq: UInt64) -> Self { Self(.idempotencyKeyReused(firstSeq)) }
    static func idempotencyKeyTooLong(_ count: Int) -> Self { Self(.idempotencyKeyTooLong(count)) }
    static func noSuchRecord(_ seq: UInt64) -> Self { Self(.noSuchRecord(seq)) }
    static func foreignRecord(key: String) -> Self { Self(.foreignRecord(key)) }
    static func numbersExhausted(head: UInt64) -> Self { Self(.numbersExhausted(head)) }

    /// Whether the idempotency key was already used for a different batch.
    public var isIdempotencyKeyReused: Bool {
        if case .idempotencyKeyReused = reason { return true }
        return false
    }

    /// Wraps an error from LMDB.
    static func storage(_ error: LMDBError) -> Self { Self(.storage(error)) }

    /// The LMDB error underneath, if that is what failed.
    var storageError: LMDBError? {
        if case .storage(let e) = reason { return e }
        return nil
    }

    /// Whether the write failed because the disk or the map's limit is full: the journal
    /// is unchanged and later writes may succeed once space is back.
    public var isOutOfSpace: Bool {
        // LMDB turns a short write, which is how a disk filling up mid-commit shows, into EIO.
        [.noSpace, .mapFull, .fileTooLarge, .quotaExceeded, .ioError].contains(storageError)
    }

    /// Whether every reader slot of the environment is taken by live readers.
    public var isReadersFull: Bool { storageError == .readersFull }

    /// Whether the directory is held by another process.
    public var isLocked: Bool {
        if case .locked = reason { return true }
        return false
    }

    public var description: String {
        switch reason {
        case .notInitialized(let path): "no journal at \(path) (run `junction init` first)"
        case .alreadyInitialized(let path): "a journal already exists at \(path)"
        case .unsupportedFormat(let found): "unsupported journal format \(found) (this build reads format 1)"
        case .readOnly: "the journal is open read-only"
        case .closed: "the journal is closed"
        case .emptyBatch: "an append needs at least one record"
        case .emptyRecord(let i): "record \(i + 1) of the batch is empty"
        case .storage(let e): "storage error: \(e) (code \(e.code))"
        case .locked(let path, let holder): "\(path) is in use by \(holder); stop it first"
        case .idempotencyKeyReused(let seq):
            "the idempotency key was already used for a different batch (appended from sequence number \(seq))"
        case .idempotencyKeyTooLong(let n): "an idempotency key has at most \(IdempotencyKey.maxBytes) bytes, not \(n)"
        case .foreignRecord(let key):
            "the journal's last record is under a key the journal did not give (\(key): not 8 bytes); new records cannot follow it. Remove it (mdb_dump, edit, mdb_load) before writing; readers skip it"
        case .numbersExhausted(let head):
            "the journal's head is \(head): its sequence numbers are used up, nothing more can be appended"
        case .noSuchRecord(let seq): "a rewrite can change only existing records of its range, and there is no record \(seq) there"
        }
    }
}

extension Result where Failure == any Error {
    /// Maps LMDB errors to ``JournalError/storage(_:)`` so callers see one error type.
    func mapStorageError() -> Result<Success, any Error> {
        mapError { ($0 as? LMDBError).map(JournalError.storage) ?? $0 }
    }
}
