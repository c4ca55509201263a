internal import CLMDB

/// One LMDB transaction, valid only inside the closure it was given to.
///
/// Values returned by ``get(_:key:)`` and cursors point into the memory map: they are read
/// in place, without a copy, and are valid until the transaction ends (in a write
/// transaction, until the next write).
public struct Transaction {
    internal let handle: OpaquePointer
    /// Whether this is a read-only transaction.
    public let isReadOnly: Bool

    internal init(handle: OpaquePointer, isReadOnly: Bool) {
        self.handle = handle
        self.isReadOnly = isReadOnly
    }

    /// Opens a named database (`nil` for the unnamed main database).
    public func openDatabase(named name: String?, options: Database.Options = []) throws(LMDBError) -> Database {
        var dbi: MDB_dbi = 0
        let rc: Int32
        if let name {
            rc = mdb_dbi_open(handle, name, options.rawValue, &dbi)
        } else {
            rc = mdb_dbi_open(handle, nil, options.rawValue, &dbi)
        }
        try lmdbCheck(rc)
        return Database(dbi: dbi)
    }

    /// The value stored under `key`, in place, or `nil`.
    public func get(_ database: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, database.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        try lmdbCheck(rc)
        return UnsafeRawBufferPointer(v)
    }

    /// The value stored under `key`, in place, or `nil`.
    public func get(_ database: Database, key: [UInt8]) throws(LMDBError) -> UnsafeRawBufferPointer? {
        try withBytes(key) { (k) throws(LMDBError) in try get(database, key: k) }
    }

    /// Stores `value` under `key`.
    public func put(
        _ database: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer,
        options: PutOptions = []
    ) throws(LMDBError) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try lmdbCheck(mdb_put(handle, database.dbi, &k, &v, options.rawValue))
    }

    /// Stores `value` under `key`.
    public func put(_ database: Database, key: [UInt8], value: [UInt8], options: PutOptions = []) throws(LMDBError) {
        try withBytes(key) { (k) throws(LMDBError) in
            try withBytes(value) { (v) throws(LMDBError) in
                try put(database, key: k, value: v, options: options)
            }
        }
    }

    /// Reserves `count` bytes under `key` and lets `fill` write them in place in the map,
    /// saving the copy a ``put(_:key:value:options:)`` makes (`MDB_RESERVE`).
    public func reserve(
        _ database: Database, key: UnsafeRawBufferPointer, count: Int, options: PutOptions = [],
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(LMDBError) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: count, mv_data: nil)
        try lmdbCheck(mdb_put(handle, database.dbi, &k, &v, options.rawValue | UInt32(MDB_RESERVE)))
        fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
    }

    /// Deletes the entry under `key`; returns whether there was one.
    @discardableResult
    public func delete(_ database: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_del(handle, database.dbi, &k, nil)
        if rc == MDB_NOTFOUND { return false }
        try lmdbCheck(rc)
        return true
    }

    /// Deletes the entry under `key`; returns whether there was one.
    @discardableResult
    public func delete(_ database: Database, key: [UInt8]) throws(LMDBError) -> Bool {
        try withBytes(key) { (k) throws(LMDBError) in try delete(database, key: k) }
    }

    /// Deletes one value of `key` in a ``Database/Options/sortedDuplicates`` database;
    /// returns whether it was there.
    @discardableResult
    public func delete(_ database: Database, key: [UInt8], value: [UInt8]) throws(LMDBError) -> Bool {
        try withBytes(key) { (k) throws(LMDBError) in
            try withBytes(value) { (v) throws(LMDBError) in
                var kv = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
                var vv = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                let rc = mdb_del(handle, database.dbi, &kv, &vv)
                if rc == MDB_NOTFOUND { return false }
                try lmdbCheck(rc)
                return true
            }
        }
    }

    /// Removes every entry of `database` (and, with `deleteDatabase`, the database itself).
    public func empty(_ database: Database, deleteDatabase: Bool = false) throws(LMDBError) {
        try lmdbCheck(mdb_drop(handle, database.dbi, deleteDatabase ? 1 : 0))
    }

    /// Entry count and page use of `database` as this transaction sees it.
    public func statistics(_ database: Database) throws(LMDBError) -> Database.Statistics {
        var stat = MDB_stat()
        try lmdbCheck(mdb_stat(handle, database.dbi, &stat))
        return Database.Statistics(stat)
    }

    /// Runs `body` with a cursor on `database`, closed when the closure returns.
    public func withCursor<R>(_ database: Database, _ body: (Cursor) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        try lmdbCheck(mdb_cursor_open(handle, database.dbi, &cursor))
        guard let cursor else { throw LMDBError.invalid }
        defer { mdb_cursor_close(cursor) }
        return try body(Cursor(handle: cursor))
    }

    /// Runs `body` with `count` independent cursors on `database` (for merging several
    /// ranges at once), all closed when the closure returns.
    public func withCursors<R>(_ database: Database, count: Int, _ body: ([Cursor]) throws -> R) throws -> R {
        var cursors: [Cursor] = []
        cursors.reserveCapacity(count)
        defer { for c in cursors { mdb_cursor_close(c.handle) } }
        for _ in 0..<count {
            var cursor: OpaquePointer?
            try lmdbCheck(mdb_cursor_open(handle, database.dbi, &cursor))
            guard let cursor else { throw LMDBError.invalid }
            cursors.append(Cursor(handle: cursor))
        }
        return try body(cursors)
    }

    /// Visits the entries of `database` whose keys fall in `range`, in key order or in
    /// reverse, until `body` returns `false`. Keys and values are read in place.
    public func scan(
        _ database: Database, range: KeyRange = .all, direction: Cursor.Direction = .forward,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try withCursor(database) { cursor in
            var entry = try cursor.firstEntry(in: range, direction: direction)
            while let current = entry, range.contains(current.key) {
                guard try body(current.key, current.value) else { return }
                entry = try direction == .forward ? cursor.next() : cursor.previous()
            }
        }
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    internal init(_ value: MDB_val) {
        self.init(start: value.mv_data, count: value.mv_size)
    }
}
