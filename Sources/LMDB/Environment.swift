internal import CLMDB
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An LMDB environment: one memory-mapped file holding one or more databases.
///
/// The environment is always opened with `MDB_NOTLS`, so a read transaction is not tied to
/// the thread that began it (Swift tasks hop threads). The map grows by itself when a
/// write transaction fills it, and follows growth made by other processes
/// (`MDB_MAP_RESIZED`). Stale reader slots left by dead processes are cleared at open.
///
/// Transactions are scoped: ``read(_:)`` and ``write(_:)`` run a closure inside one
/// transaction; a write commits when the closure returns and aborts when it throws.
// @unchecked Sendable: an opened MDB_env is safe to share between threads; the only
// mutable state, the map size, changes under `resizeLock` while no transaction of this
// process is running.
public final class Environment: @unchecked Sendable {
    /// Flags that change how the environment is opened.
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Open read-only: no write transactions, and the process never writes the file.
        public static let readOnly = Flags(rawValue: UInt32(MDB_RDONLY))
        /// The path is the data file itself rather than a directory.
        public static let noSubdirectory = Flags(rawValue: UInt32(MDB_NOSUBDIR))
        /// Do not fsync the meta page on commit. A system crash may undo the last
        /// transaction, but never corrupts the database.
        public static let noMetaSync = Flags(rawValue: UInt32(MDB_NOMETASYNC))
        /// Do not fsync on commit. A system crash may lose every transaction since the
        /// last ``Environment/sync(force:)``; with a file system that does not keep write
        /// order it may also corrupt the database.
        public static let noSync = Flags(rawValue: UInt32(MDB_NOSYNC))
        /// Turn off the operating system's read-ahead, useful when the map is much
        /// larger than memory.
        public static let noReadAhead = Flags(rawValue: UInt32(MDB_NORDAHEAD))
    }

    /// How an environment is opened and how it grows.
    public struct Configuration: Hashable, Sendable {
        /// The map size to start with. An existing larger file is mapped whole.
        public var mapSize: Int = 64 << 20
        /// The map never grows past this; past it, writes fail with ``LMDBError/mapFull``.
        public var maxMapSize: Int = 1 << 40
        public var maxReaders: UInt32 = 126
        public var maxDatabases: UInt32 = 8
        public var flags: Flags = []
        /// Permissions of files the environment creates.
        public var fileMode: UInt32 = 0o600

        public init(
            mapSize: Int = 64 << 20,
            maxMapSize: Int = 1 << 40,
            maxReaders: UInt32 = 126,
            maxDatabases: UInt32 = 8,
            flags: Flags = [],
            fileMode: UInt32 = 0o600
        ) {
            self.mapSize = mapSize
            self.maxMapSize = maxMapSize
            self.maxReaders = maxReaders
            self.maxDatabases = maxDatabases
            self.flags = flags
            self.fileMode = fileMode
        }
    }

    /// Facts about the open environment.
    public struct Info: Hashable, Sendable {
        public let mapSize: Int
        public let lastPageNumber: Int
        public let lastTransactionID: Int
        public let maxReaders: Int
        public let readers: Int
        public let pageSize: Int

        /// Bytes of the file in use: pages up to the last one written.
        public var usedBytes: Int { (lastPageNumber + 1) * pageSize }
    }

    internal let handle: OpaquePointer
    internal let resizeLock = ReadWriteLock()
    /// Where the environment lives (a directory, or the data file with `.noSubdirectory`).
    public let path: String
    public let configuration: Configuration
    /// How many stale reader slots were cleared when the environment was opened.
    public let staleReadersCleared: Int

    /// Opens (and, unless read-only, creates) the environment at `path`.
    public init(path: String, configuration: Configuration = Configuration()) throws(LMDBError) {
        var env: OpaquePointer?
        try lmdbCheck(mdb_env_create(&env))
        guard let env else { throw LMDBError(code: EINVAL) }
        do {
            try lmdbCheck(mdb_env_set_maxreaders(env, configuration.maxReaders))
            try lmdbCheck(mdb_env_set_maxdbs(env, configuration.maxDatabases))
            try lmdbCheck(mdb_env_set_mapsize(env, configuration.mapSize))
            let flags = configuration.flags.rawValue | UInt32(MDB_NOTLS)
            try lmdbCheck(mdb_env_open(env, path, flags, mode_t(configuration.fileMode)))
            var dead: Int32 = 0
            try lmdbCheck(mdb_reader_check(env, &dead))
            staleReadersCleared = Int(dead)
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        self.path = path
        self.configuration = configuration
    }

    deinit {
        mdb_env_close(handle)
    }

    /// Whether the environment was opened read-only.
    public var isReadOnly: Bool { configuration.flags.contains(.readOnly) }

    /// Runs `body` in a read-only transaction. The values it sees are valid only inside
    /// the closure; copy what must outlive it.
    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        let txn = try begin(readOnly: true)
        defer { resizeLock.unlock() }
        let result: R
        do {
            result = try body(Transaction(handle: txn, isReadOnly: true))
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        // Committing (rather than aborting) a read transaction keeps the handles of
        // databases it opened.
        try lmdbCheck(mdb_txn_commit(txn))
        return result
    }

    /// Runs `body` in a write transaction, committed when `body` returns and aborted when
    /// it throws (the first error wins).
    ///
    /// If the map fills up, the transaction is aborted, the map grows and `body` runs
    /// again from the start, so `body` must not depend on side effects of an earlier,
    /// aborted run.
    public func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        while true {
            do {
                return try writeOnce(body)
            } catch let error as LMDBError where error == .mapFull {
                try grow()
            }
        }
    }

    private func writeOnce<R>(_ body: (Transaction) throws -> R) throws -> R {
        let txn = try begin(readOnly: false)
        defer { resizeLock.unlock() }
        let result: R
        do {
            result = try body(Transaction(handle: txn, isReadOnly: false))
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        // mdb_txn_commit frees the transaction whether or not it succeeds.
        try lmdbCheck(mdb_txn_commit(txn))
        return result
    }

    /// Begins a transaction with the resize lock held shared. The caller unlocks.
    private func begin(readOnly: Bool) throws(LMDBError) -> OpaquePointer {
        var checkedReaders = false
        while true {
            resizeLock.lockShared()
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn)
            if rc == MDB_SUCCESS, let txn { return txn }
            resizeLock.unlock()
            if rc == MDB_MAP_RESIZED {
                // Another process grew the map: adopt its size, then try again.
                try resizeLock.withExclusive { () throws(LMDBError) in
                    try lmdbCheck(mdb_env_set_mapsize(handle, 0))
                }
                continue
            }
            if rc == MDB_READERS_FULL, !checkedReaders {
                // Slots of killed processes stay taken until someone checks: clear them
                // and try once more before refusing.
                checkedReaders = true
                var dead: Int32 = 0
                if mdb_reader_check(handle, &dead) == MDB_SUCCESS, dead > 0 { continue }
            }
            throw LMDBError(code: rc)
        }
    }

    /// Grows the map, doubling it (at least by `minimum` bytes) up to `maxMapSize`.
    public func grow(minimum: Int = 0) throws(LMDBError) {
        try resizeLock.withExclusive { () throws(LMDBError) in
            let current = info().mapSize
            let wanted = max(current * 2, current + minimum)
            let next = min(wanted, configuration.maxMapSize)
            guard next > current else { throw LMDBError.mapFull }
            try lmdbCheck(mdb_env_set_mapsize(handle, next))
        }
    }

    /// Opens a named database, creating it if `options` contains `.create`.
    ///
    /// Creating needs a writable environment; opening an existing one works read-only.
    public func openDatabase(named name: String?, options: Database.Options = []) throws -> Database {
        let body: (Transaction) throws -> Database = { txn in
            try txn.openDatabase(named: name, options: options)
        }
        return try options.contains(.create) && !isReadOnly ? write(body) : read(body)
    }

    /// The environment's map size, page counts and reader slots.
    public func info() -> Info {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        var stat = MDB_stat()
        mdb_env_stat(handle, &stat)
        return Info(
            mapSize: Int(info.me_mapsize),
            lastPageNumber: Int(info.me_last_pgno),
            lastTransactionID: Int(info.me_last_txnid),
            maxReaders: Int(info.me_maxreaders),
            readers: Int(info.me_numreaders),
            pageSize: Int(stat.ms_psize)
        )
    }

    /// Flushes the data to disk. Only needed with `.noSync` or `.noMetaSync`.
    public func sync(force: Bool = true) throws(LMDBError) {
        try lmdbCheck(mdb_env_sync(handle, force ? 1 : 0))
    }

    /// Clears reader slots held by processes that no longer exist and returns how many.
    @discardableResult
    public func clearStaleReaders() throws(LMDBError) -> Int {
        var dead: Int32 = 0
        try lmdbCheck(mdb_reader_check(handle, &dead))
        return Int(dead)
    }

    /// Writes a copy of the environment to `directory`, which must exist and be empty.
    ///
    /// With `compacting`, free pages are left out and the pages renumbered, so the copy
    /// is as small as the live data (`MDB_CP_COMPACT`). The copy runs in a read
    /// transaction, beside writers.
    public func copy(to directory: String, compacting: Bool = true) throws(LMDBError) {
        let flags: UInt32 = compacting ? UInt32(MDB_CP_COMPACT) : 0
        resizeLock.lockShared()
        defer { resizeLock.unlock() }
        try lmdbCheck(mdb_env_copy2(handle, directory, flags))
    }

    /// The version of liblmdb in use, such as "LMDB 0.9.24: (July 24, 2019)".
    public static var libraryVersion: String {
        String(cString: mdb_version(nil, nil, nil))
    }
}
