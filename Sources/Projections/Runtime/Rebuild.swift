internal import Events
internal import Foundation
public import Journal
public import Logging
internal import Synchronization
internal import LMDB

/// Building projections outside a projector process: catching up the live ones before a
/// query, or rebuilding from scratch.
public enum ProjectionBuilder {
    /// Brings each live projection up to the journal's head, unless a projector (or the
    /// daemon) is running it; returns the names it caught up.
    @discardableResult
    public static func catchUpLive(
        data: DataDirectory, journal: Journal, names: [String] = ProjectionCatalog.names, logger: Logger
    ) throws -> [String] {
        var done: [String] = []
        for name in names {
            guard let type = ProjectionCatalog.type(named: name) else { throw ProjectionError.unknownProjection(name) }
            let store: ProjectionStore
            do {
                store = try ProjectionStore(type, at: data.projectionPath(name), readOnly: false, lockingFor: "catch-up of \(name)")
            } catch let error as JournalError where error.isLocked {
                continue  // its projector keeps it current
            }
            try Projector(journal: journal, store: store, type: type, logger: logger).catchUp()
            done.append(name)
        }
        return done
    }

    /// Builds `type` from an empty store at `path` (removed first if it exists), from the
    /// start of the journal up to `limit`, applying only the events `filter` keeps.
    @discardableResult
    public static func rebuild(
        _ type: any Projection.Type, journal: Journal, at path: String, upTo limit: UInt64? = nil,
        filter: Projector.EventFilter? = nil, logger: Logger, progress: ((UInt64) -> Void)? = nil
    ) throws -> UInt64 {
        let projector = try freshProjector(type, journal: journal, at: path, filter: filter, logger: logger)
        let checkpoint = try projector.catchUp(upTo: limit, progress: progress)
        try projector.store.sync()
        return checkpoint
    }

    /// A projector of `type` on an empty store at `path` (removed first if it exists).
    private static func freshProjector(
        _ type: any Projection.Type, journal: Journal, at path: String, filter: Projector.EventFilter?, logger: Logger
    ) throws -> Projector {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        // A store built from nothing: one fsync at the end instead of one per batch (a
        // system crash before it leaves a store that the next rebuild removes first).
        let store = try ProjectionStore(type, at: path, readOnly: false, syncingEachCommit: false)
        return try Projector(journal: journal, store: store, type: type, logger: logger, batchSize: rebuildBatchSize, filter: filter)
    }

    /// Events per transaction of a rebuild, and per batch the reader hands over: large
    /// enough that the logs projection finds each stream once for many values, small enough
    /// that the projections start soon and the reader stays ahead (junction-bench replay:
    /// 5,000 to 20,000 alike, 50,000 about a sixth slower).
    static let rebuildBatchSize = 10_000

    /// What one rebuild of ``rebuildConcurrently(_:journal:upTo:filter:logger:)`` reached.
    public struct Rebuilt: Sendable {
        public var name: String
        public var path: String
        public var checkpoint: UInt64
        public var duration: Duration
    }

    /// Rebuilds several projections at once: one thread reads and decodes the journal, and
    /// each projection applies what it decoded on a thread of its own, so that their work
    /// runs in parallel on as many cores as there are, and no record is decoded twice.
    /// Throws the first error after every thread has ended.
    /// `progress` is given the least sequence number every rebuild has reached.
    public static func rebuildConcurrently(
        _ jobs: [(type: any Projection.Type, path: String)], journal: Journal, upTo limit: UInt64? = nil,
        filter: Projector.EventFilter? = nil, logger: Logger, progress: (@Sendable (UInt64) -> Void)? = nil
    ) throws -> [Rebuilt] {
        let target = try limit ?? journal.head
        let projectors = try jobs.map { try freshProjector($0.type, journal: journal, at: $0.path, filter: filter, logger: logger) }
        let bodies = widest(jobs.map { $0.type.requestFields })
        let handoff = DecodedBatches(consumers: jobs.count, depth: 2)
        let results = Mutex<[Int: Result<Rebuilt, any Error>]>([:])
        let positions = Mutex([UInt64](repeating: 0, count: jobs.count))
        let group = DispatchGroup()
        let started = ContinuousClock.now

        group.enter()
        let reader = Thread {
            // Its error, if any, is thrown by every projection's next batch.
            handoff.produce { send in
                var undecodable = 0  // each is logged as it is met
                try Projector.readBatches(
                    journal, from: 1, through: target, batchSize: rebuildBatchSize, bodies: bodies, filter: filter,
                    logger: logger, name: "rebuild", undecodable: &undecodable, send)
            }
            group.leave()
        }
        reader.name = "rebuild-reader"
        reader.start()

        for (index, projector) in projectors.enumerated() {
            let name = jobs[index].type.name
            let path = jobs[index].path
            group.enter()
            let thread = Thread {
                let result = Result {
                    var checkpoint: UInt64 = 0
                    do {
                        while let batch = try handoff.next(index) {
                            try projector.apply(batch)
                            checkpoint = batch.last
                            guard let progress else { continue }
                            progress(positions.withLock { $0[index] = checkpoint; return $0.min() ?? checkpoint })
                        }
                        try projector.store.sync()
                    } catch {
                        handoff.stop()
                        throw error
                    }
                    return Rebuilt(name: name, path: path, checkpoint: checkpoint, duration: .now - started)
                }
                results.withLock { $0[index] = result }
                group.leave()
            }
            thread.name = "rebuild-" + name
            thread.start()
        }
        group.wait()
        return try results.withLock { all in try (0..<jobs.count).map { try all[$0]!.get() } }
    }

    /// The decoding that gives each projection what it reads of a request: the widest asked.
    private static func widest(_ asked: [BinaryEventCodec.Bodies]) -> BinaryEventCodec.Bodies {
        let narrowestFirst: [BinaryEventCodec.Bodies] = [.counting, .summary, .skip, .decode]
        return asked.max { narrowestFirst.firstIndex(of: $0)! < narrowestFirst.firstIndex(of: $1)! } ?? .summary
    }

    /// The sequence number of the last compaction marker (`retentionApplied`) after `seq`,
    /// or nil. A projection at `seq` holds what the journal held before that compaction
    /// rewrote the events it had applied, so it equals a replay of today's journal only
    /// once it has applied the marker too.
    public static func lastCompaction(in journal: Journal, after seq: UInt64) throws -> UInt64? {
        var found: UInt64?
        try journal.scan(from: seq + 1) { at, bytes in
            // Only the header is read; a record it cannot read is the replay's to report.
            if let header = try? BinaryEventCodec.header(of: bytes), header.kind == Event.Kind.retentionApplied.rawValue {
                found = at
            }
            return true
        }
        return found
    }

    /// A compacted copy of `live` in the empty directory `path`, caught up by a projector
    /// of its own through `limit`: what the live projection will hold once its projector
    /// gets there, without writing to the live store.
    public static func caughtUpCopy(
        of live: ProjectionStore, _ type: any Projection.Type, journal: Journal, at path: String, through limit: UInt64,
        logger: Logger
    ) throws -> ProjectionStore {
        try PrivateFiles.createDirectory(path)
        try live.copy(to: path)
        let store = try ProjectionStore(type, at: path, readOnly: false, syncingEachCommit: false)
        _ = try Projector(journal: journal, store: store, type: type, logger: logger).catchUp(upTo: limit)
        return store
    }

    /// The first difference between two stores of the same projection, or nil if every
    /// database holds the same entries (the checkpoint included).
    public static func firstDifference(_ a: ProjectionStore, _ b: ProjectionStore) throws -> String? {
        let names = Set(try databaseNames(a)).union(try databaseNames(b)).sorted()
        for name in names {
            let dbA = try? a.environment.openDatabase(named: name)
            let dbB = try? b.environment.openDatabase(named: name)
            guard let dbA, let dbB else { return "database \(name) exists in only one of them" }
            if let difference = try compare(name, a.environment, dbA, b.environment, dbB) { return difference }
        }
        return nil
    }

    /// Walks both databases in step, in one read transaction each, without copying them.
    private static func compare(
        _ name: String, _ envA: Environment, _ dbA: Database, _ envB: Environment, _ dbB: Database
    ) throws -> String? {
        try envA.read { txnA in
            try envB.read { txnB in
                try txnA.withCursor(dbA) { ca in
                    try txnB.withCursor(dbB) { cb in
                        var x = try ca.first()
                        var y = try cb.first()
                        var index = 0
                        while true {
                            switch (x, y) {
                            case (nil, nil):
                                return nil
                            case (let x?, nil):
                                return "\(name): entry \(index) (key \(hex(Array(x.key)))) is only on the first side"
                            case (nil, let y?):
                                return "\(name): entry \(index) (key \(hex(Array(y.key)))) is only on the second side"
                            case (let x?, let y?):
                                if !x.key.elementsEqual(y.key) {
                                    return "\(name): entry \(index) has key \(hex(Array(x.key))) on one side, \(hex(Array(y.key))) on the other"
                                }
                                if !x.value.elementsEqual(y.value) {
                                    return "\(name): key \(hex(Array(x.key))) holds \(hex(Array(x.value))) on one side, \(hex(Array(y.value))) on the other"
                                }
                            }
                            x = try ca.next()
                            y = try cb.next()
                            index += 1
                        }
                    }
                }
            }
        }
    }

    /// The named databases of a store: the keys of LMDB's main database.
    private static func databaseNames(_ store: ProjectionStore) throws -> [String] {
        let main = try store.environment.openDatabase(named: nil)
        return try store.environment.read { txn in
            var names: [String] = []
            try txn.scan(main) { k, _ in
                names.append(String(decoding: k, as: UTF8.self))
                return true
            }
            return names
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let shown = HexText.encode(bytes.prefix(48))
        return bytes.count > 48 ? shown + "…(\(bytes.count) bytes)" : shown
    }
}
