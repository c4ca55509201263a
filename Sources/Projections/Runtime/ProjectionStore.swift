internal import Foundation
public import LMDB
public import Journal

/// One projection's LMDB environment: its databases plus a `meta` database holding the
/// checkpoint, the last journal sequence number applied.
///
/// The checkpoint is written in the same transaction as the data it covers, so the two
/// never disagree, whenever the writer dies.
public final class ProjectionStore: Sendable {
    public let name: String
    public let path: String
    public let environment: Environment
    let meta: Database

    private static let checkpointKey = Array("checkpoint".utf8)
    private static let schemaKey = Array("schema".utf8)
    private static let nameKey = Array("projection".utf8)

    /// `<path>/LOCK` of the one process that writes the store, held while it is open.
    private let lock: DirectoryLock?

    /// Announces each checkpoint its projector commits, to the readers that wait for one
    /// (the daemon's read-your-writes queries, compaction, a follower), in this process or
    /// another.
    public let changes: ChangeNotifier

    /// Opens the store of `type` at `path`, creating it unless `readOnly`. With
    /// `lockingFor`, the store's lock is taken first (or the open throws, naming who holds
    /// it) and held as long as the store is: it keeps a second projector out.
    ///
    /// With `syncingEachCommit` false (a store built from scratch, thrown away if the
    /// build does not finish), commits are not fsync'd one by one: the builder calls
    /// ``sync()`` once at the end, before anything uses the store. A process that dies
    /// loses nothing (the commits are in the page cache); a system crash before the sync
    /// can leave the store torn, and the next rebuild removes it first.
    public init(
        _ type: any Projection.Type, at path: String, readOnly: Bool, lockingFor purpose: String? = nil,
        syncingEachCommit: Bool = true
    ) throws {
        name = type.name
        self.path = path
        changes = ChangeNotifier(directory: path)
        if let purpose {
            try PrivateFiles.createDirectory(path)
            lock = try DirectoryLock(directory: path, purpose: purpose)
        } else {
            lock = nil
        }
        if readOnly {
            guard FileManager.default.fileExists(atPath: path + "/data.mdb") else {
                throw ProjectionError.notBuilt(type.name, at: path)
            }
        } else {
            try PrivateFiles.createDirectory(path)
        }
        environment = try Environment(
            path: path,
            configuration: .init(mapSize: readOnly ? 0 : 64 << 20, maxDatabases: 16,
                                 flags: readOnly ? .readOnly : syncingEachCommit ? [] : .noSync))
        if readOnly {
            meta = try environment.openDatabase(named: "meta")
        } else {
            meta = try environment.write { txn in
                let meta = try txn.openDatabase(named: "meta", options: .create)
                if try txn.get(meta, key: ProjectionStore.schemaKey) == nil {
                    try txn.put(meta, key: ProjectionStore.schemaKey, value: Array(String(type.schemaVersion).utf8))
                    try txn.put(meta, key: ProjectionStore.nameKey, value: Array(type.name.utf8))
                    try txn.put(meta, key: ProjectionStore.checkpointKey, value: Key.uint64(0))
                }
                // Create the projection's own databases too, so readers find them at once.
                _ = try type.init(opening: txn)
                return meta
            }
        }
        let schema = try environment.read { txn in
            try txn.get(meta, key: ProjectionStore.schemaKey).map { Int(String(decoding: $0, as: UTF8.self)) ?? -1 }
        } ?? -1
        guard schema == type.schemaVersion else {
            throw ProjectionError.schemaMismatch(type.name, found: schema, expected: type.schemaVersion)
        }
    }

    deinit {
        changes.stop()
    }

    /// Flushes every commit to disk (after commits made without syncing each).
    public func sync() throws {
        try environment.sync(force: true)
    }

    /// Writes a compacted copy of the store into `directory` (which must exist and be
    /// empty): free pages are left out.
    public func copy(to directory: String) throws {
        try environment.copy(to: directory, compacting: true)
        // mdb_env_copy2 creates its file with the default mode.
        _ = try PrivateFiles.repair(directory)
    }

    /// The last journal sequence number applied.
    public func checkpoint() throws -> UInt64 {
        try read { txn in try checkpoint(in: txn) }
    }

    /// Runs `body` in a read transaction, LMDB's errors given as ``ProjectionError``s
    /// (a full reader table is one callers tell apart).
    func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        do {
            return try environment.read(body)
        } catch let error as LMDBError {
            throw ProjectionError.storage(error)
        }
    }

    /// Returns once the checkpoint has reached `seq`, or at `deadline` (or when the task is
    /// cancelled); the checkpoint then. Woken by the projector's commits, not by a timer.
    public func checkpoint(reaching seq: UInt64, by deadline: ContinuousClock.Instant) async throws -> UInt64 {
        while true {
            let generation = changes.generation
            let reached = try checkpoint()
            if reached >= seq || ContinuousClock.now >= deadline || Task.isCancelled { return reached }
            await changes.wait(after: generation, until: deadline)
        }
    }

    public func checkpoint(in txn: Transaction) throws -> UInt64 {
        try txn.get(meta, key: ProjectionStore.checkpointKey).map { Key.readUInt64($0, at: 0) } ?? 0
    }

    func setCheckpoint(_ seq: UInt64, in txn: Transaction) throws {
        try txn.put(meta, key: ProjectionStore.checkpointKey, value: Key.uint64(seq))
    }
}
