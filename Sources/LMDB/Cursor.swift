internal import CLMDB
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A half-open range of keys, `lower ..< upper` in LMDB's byte order; either end may be
/// open.
public struct KeyRange: Hashable, Sendable {
    /// The smallest key in the range, or `nil` for no lower bound.
    public var lower: [UInt8]?
    /// The first key past the range, or `nil` for no upper bound.
    public var upper: [UInt8]?

    public init(lower: [UInt8]? = nil, upper: [UInt8]? = nil) {
        self.lower = lower
        self.upper = upper
    }

    /// Every key.
    public static let all = KeyRange()

    /// Every key that starts with `prefix`.
    public static func prefix(_ prefix: [UInt8]) -> KeyRange {
        var upper = prefix
        // The first key past every key with this prefix: increment the last byte that
        // is not 0xFF and cut what follows. A prefix of only 0xFF bytes has no bound.
        while let last = upper.last, last == 0xFF { upper.removeLast() }
        if upper.isEmpty { return KeyRange(lower: prefix, upper: nil) }
        upper[upper.count - 1] += 1
        return KeyRange(lower: prefix, upper: upper)
    }

    /// Whether `key` falls in the range.
    public func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        if let lower, compareKeys(key, lower) < 0 { return false }
        if let upper, compareKeys(key, upper) >= 0 { return false }
        return true
    }
}

/// Compares keys the way LMDB does by default: bytes as unsigned, then length.
@inline(__always)
internal func compareKeys(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
    b.withUnsafeBytes { b in
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}

/// A position in a database, valid only inside ``Transaction/withCursor(_:_:)``.
///
/// Movements return the entry they land on, read in place, or `nil` past either end.
public struct Cursor {
    /// One key and its value, pointing into the memory map.
    public struct Entry {
        public let key: UnsafeRawBufferPointer
        public let value: UnsafeRawBufferPointer
    }

    /// Which way a scan goes.
    public enum Direction: Hashable, Sendable {
        case forward
        case backward
    }

    internal let handle: OpaquePointer

    private func move(
        _ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil, value: UnsafeRawBufferPointer? = nil
    ) throws(LMDBError) -> Entry? {
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val(mv_size: value?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: value?.baseAddress))
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try lmdbCheck(rc)
        return Entry(key: UnsafeRawBufferPointer(k), value: UnsafeRawBufferPointer(v))
    }

    public func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    public func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    public func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    public func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }
    public func current() throws(LMDBError) -> Entry? { try move(MDB_GET_CURRENT) }

    /// Moves to the first key at or after `key`.
    public func seek(atLeast key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_SET_RANGE, key: key)
    }

    /// Moves to the first key at or after `key`.
    public func seek(atLeast key: [UInt8]) throws(LMDBError) -> Entry? {
        try withBytes(key) { (k) throws(LMDBError) in try seek(atLeast: k) }
    }

    /// Moves to the last key strictly before `key`.
    public func seek(before key: [UInt8]) throws(LMDBError) -> Entry? {
        if try seek(atLeast: key) != nil { return try previous() }
        return try last()
    }

    /// Moves to exactly `key`.
    public func seek(exactly key: [UInt8]) throws(LMDBError) -> Entry? {
        try withBytes(key) { (k) throws(LMDBError) in try move(MDB_SET_KEY, key: k) }
    }

    // Movements among a key's values, in a ``Database/Options/sortedDuplicates`` database
    // (where the plain movements visit every value of every key).

    /// The first value of the next key.
    public func nextKey() throws(LMDBError) -> Entry? { try move(MDB_NEXT_NODUP) }
    /// The last value of the key the cursor is on.
    public func lastValue() throws(LMDBError) -> Entry? { try move(MDB_LAST_DUP) }
    /// The previous value of the same key, or nil at its first.
    public func previousValue() throws(LMDBError) -> Entry? { try move(MDB_PREV_DUP) }
    /// The next value of the same key, or nil at its last.
    public func nextValue() throws(LMDBError) -> Entry? { try move(MDB_NEXT_DUP) }

    /// How many values the key the cursor is on holds (of a `sortedDuplicates` database;
    /// LMDB keeps the count, so this reads no values).
    public func valueCount() throws(LMDBError) -> Int {
        var count = 0
        try lmdbCheck(mdb_cursor_count(handle, &count))
        return count
    }

    /// Moves to the key's first value.
    public func firstValue() throws(LMDBError) -> Entry? { try move(MDB_FIRST_DUP) }

    /// Moves to exactly `key`, at its first value at or after `value`; nil if the key has
    /// no such value (or does not exist).
    public func seek(exactly key: [UInt8], valueAtLeast value: [UInt8]) throws(LMDBError) -> Entry? {
        try withBytes(key) { (k) throws(LMDBError) in
            try withBytes(value) { (v) throws(LMDBError) in try move(MDB_GET_BOTH_RANGE, key: k, value: v) }
        }
    }

    /// Moves to exactly `key`, at its last value strictly before `value`; nil if it has none.
    public func seek(exactly key: [UInt8], valueBefore value: [UInt8]) throws(LMDBError) -> Entry? {
        if try seek(exactly: key, valueAtLeast: value) != nil { return try previousValue() }
        guard try seek(exactly: key) != nil else { return nil }
        return try lastValue()
    }

    /// The entry a scan of `range` starts on: the smallest key in it going forward, the
    /// largest going backward (the caller checks the other end).
    public func firstEntry(in range: KeyRange, direction: Direction) throws(LMDBError) -> Entry? {
        switch direction {
        case .forward:
            if let lower = range.lower { return try seek(atLeast: lower) }
            return try first()
        case .backward:
            if let upper = range.upper { return try seek(before: upper) }
            return try last()
        }
    }

    /// Stores `value` under `key` through the cursor (cheapest with `.append`).
    public func put(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, options: PutOptions = []) throws(LMDBError) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try lmdbCheck(mdb_cursor_put(handle, &k, &v, options.rawValue))
    }

    /// Stores several values of `valueSize` bytes each, laid end to end in `values`, under
    /// `key` in one call (`MDB_MULTIPLE`): the key is found once for all of them. Only in a
    /// database opened with ``Database/Options/fixedSizeDuplicates``. With
    /// `.appendDuplicate`, the values must be in ascending order and sort past every value
    /// the key holds.
    public func put(
        key: UnsafeRawBufferPointer, fixedSizeValues values: UnsafeRawBufferPointer, valueSize: Int,
        options: PutOptions = []
    ) throws(LMDBError) {
        precondition(valueSize > 0 && values.count % valueSize == 0, "values must be whole multiples of valueSize")
        guard values.count > 0 else { return }
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        // LMDB reads the element size and pointer from the first MDB_val and the count
        // from the second's size, where it writes back how many it stored.
        var vs = (MDB_val(mv_size: valueSize, mv_data: UnsafeMutableRawPointer(mutating: values.baseAddress)),
                  MDB_val(mv_size: values.count / valueSize, mv_data: nil))
        let rc = withUnsafeMutableBytes(of: &vs) { pair in
            mdb_cursor_put(handle, &k, pair.baseAddress!.assumingMemoryBound(to: MDB_val.self), options.rawValue | UInt32(MDB_MULTIPLE))
        }
        try lmdbCheck(rc)
    }

    /// Deletes the entry the cursor is on.
    public func deleteCurrent() throws(LMDBError) {
        try lmdbCheck(mdb_cursor_del(handle, 0))
    }
}
