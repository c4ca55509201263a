/// A caller's name for one batch, so that a batch sent again after a lost answer (a
/// timeout, a restart) is answered with the first append's numbers instead of being
/// appended twice.
///
/// The key is stored in the same transaction as the batch, so it survives exactly when
/// the batch does. A key reused for a different batch (another fingerprint) is refused.
public struct IdempotencyKey: Sendable, Hashable {
    /// Keys are LMDB keys: short, and bounded well below LMDB's 511-byte limit.
    public static let maxBytes = 200

    public var key: [UInt8]
    /// What the batch was (such as a digest of the request that carried it).
    public var fingerprint: [UInt8]

    public init(_ key: some StringProtocol, fingerprint: [UInt8]) {
        self.key = Array(key.utf8)
        self.fingerprint = fingerprint
    }
}

/// Where an append landed.
public struct Appended: Sendable, Hashable {
    /// The batch's sequence numbers.
    public var range: ClosedRange<UInt64>
    /// Whether the batch was appended earlier under the same idempotency key and this
    /// append wrote nothing.
    public var replayed: Bool

    public init(range: ClosedRange<UInt64>, replayed: Bool) {
        self.range = range
        self.replayed = replayed
    }
}

/// One batch of a commit, as the journal's commit observer sees it.
public struct CommittedBatch: Sendable, Hashable {
    public var range: ClosedRange<UInt64>
    public var key: IdempotencyKey?

    public init(range: ClosedRange<UInt64>, key: IdempotencyKey?) {
        self.range = range
        self.key = key
    }
}

/// The stored form of a key's batch: first and last sequence numbers and the wall-clock
/// time of the commit (big-endian, 8 bytes each), then the fingerprint.
struct IdempotencyRecord {
    var range: ClosedRange<UInt64>
    var microseconds: Int64
    var fingerprint: [UInt8]

    init(range: ClosedRange<UInt64>, microseconds: Int64, fingerprint: [UInt8]) {
        self.range = range
        self.microseconds = microseconds
        self.fingerprint = fingerprint
    }

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 24 else { return nil }
        func word(_ at: Int) -> UInt64 {
            Journal.sequenceNumber(of: UnsafeRawBufferPointer(rebasing: bytes[at..<at + 8]))!
        }
        let first = word(0), last = word(8)
        guard first <= last else { return nil }
        range = first...last
        microseconds = Int64(bitPattern: word(16))
        fingerprint = Array(bytes[24...])
    }

    var bytes: [UInt8] {
        Journal.sequenceKey(range.lowerBound) + Journal.sequenceKey(range.upperBound)
            + Journal.sequenceKey(UInt64(bitPattern: microseconds)) + fingerprint
    }
}
