internal import CPrefetch
internal import Foundation
public import Logging
internal import LMDB
internal import Synchronization

/// An append-only log of opaque records in an LMDB environment, numbered from 1 without
/// gaps.
///
/// The `events` database maps an 8-byte big-endian sequence number to one record; the
/// `meta` database holds the format version, the journal id and the head. A journal opened
/// for writing commits appends in groups on its own thread: concurrent appenders share
/// one write transaction and one fsync, and each is answered with its sequence numbers
/// only once that commit is durable. The journal knows nothing of what the records mean.
public final class Journal: Sendable {
    /// How a journal is opened.
    public struct Options: Sendable {
        public var durability: Durability = .full
        /// The map size to start with; it grows by itself.
        public var initialMapSize: Int = 64 << 20
        public var maxMapSize: Int = 1 << 40
        /// A group commit stops taking queued batches past this many bytes.
        public var maxGroupBytes: Int = 64 << 20
        public var maxReaders: UInt32 = 126

        public init(durability: Durability = .full, initialMapSize: Int = 64 << 20) {
            self.durability = durability
            self.initialMapSize = initialMapSize
        }
    }

    /// Counts and sizes, as `junction stat` shows them.
    public struct Statistics: Hashable, Sendable {
        /// The last sequence number ever given (0 when nothing was appended).
        public let head: UInt64
        /// The first sequence number still stored, if any.
        public let first: UInt64?
        /// Records stored (fewer than `head` once compaction removed some).
        public let count: Int
        /// Bytes of the `events` database's pages.
        public let eventBytes: Int
        /// Bytes of the data file in use.
        public let usedBytes: Int
        /// Size of the data file on disk.
        public let fileBytes: Int
        public let mapSize: Int
    }

    public static let formatVersion = "1"

    /// The directory of the LMDB environment.
    public let path: String
    /// A random id given at creation, to tell journals (and their copies) apart.
    public let id: String
    public let isReadOnly: Bool
    public let durability: Durability
    let environment: Environment
    let events: Database
    let meta: Database
    /// Idempotency keys of appended batches; nil in a read-only journal created before
    /// keys existed.
    let idempotency: Database?
    let notifier: ChangeNotifier
    private let committer: GroupCommitter?
    /// The data directory's writer lock, held until the writable journal is closed.
    private let lock: Mutex<DirectoryLock?>
    private let logger: Logger

    /// Creates an empty journal in `directory` (created if missing).
    @discardableResult
    ///
    /// - Parameter id: the journal id to give it; a new random one when nil. A replica
    ///   of another journal takes that journal's id.
    public static func create(
        at directory: String, options: Options = Options(), lock: DirectoryLock? = nil, id: String? = nil, logger: Logger
    ) throws -> Journal {
        try PrivateFiles.createDirectory(directory)
        if FileManager.default.fileExists(atPath: directory + "/data.mdb") {
            throw JournalError.alreadyInitialized(directory)
        }
        let env = try Environment(path: directory, configuration: configuration(options, readOnly: false))
        try env.write { txn in
            _ = try txn.openDatabase(named: "events", options: .create)
            let meta = try txn.openDatabase(named: "meta", options: .create)
            try txn.put(meta, key: Array("format".utf8), value: Array(formatVersion.utf8))
            try txn.put(meta, key: Array("journal-id".utf8), value: Array((id ?? UUID().uuidString.lowercased()).utf8))
            try txn.put(meta, key: Array("head".utf8), value: sequenceKey(0))
        }
        return try Journal(environment: env, options: options, lock: lock, logger: logger)
    }

    /// Opens an existing journal for reading, or as its single writer (holding `lock`, the
    /// data directory's, until it is closed).
    public static func open(
        at directory: String, readOnly: Bool, options: Options = Options(), lock: DirectoryLock? = nil, logger: Logger
    ) throws -> Journal {
        guard FileManager.default.fileExists(atPath: directory + "/data.mdb") else {
            throw JournalError.notInitialized(directory)
        }
        let env: Environment
        do {
            env = try Environment(path: directory, configuration: configuration(options, readOnly: readOnly))
        } catch {
            throw JournalError.storage(error)
        }
        return try Journal(environment: env, options: options, lock: lock, logger: logger)
    }

    private static func configuration(_ options: Options, readOnly: Bool) -> Environment.Configuration {
        var flags: Environment.Flags = readOnly ? [.readOnly] : []
        switch options.durability {
        case .full: break
        case .noMetaSync: flags.insert(.noMetaSync)
        case .noSync: flags.insert(.noSync)
        }
        return Environment.Configuration(
            mapSize: readOnly ? 0 : options.initialMapSize, maxMapSize: options.maxMapSize,
            maxReaders: options.maxReaders, maxDatabases: 4, flags: flags)
    }

    private init(environment env: Environment, options: Options, lock: DirectoryLock?, logger: Logger) throws {
        do {
            let (events, meta, format, id, storedHead, lastKey, foreignLast) = try env.read { txn in
                let events = try txn.openDatabase(named: "events")
                let meta = try txn.openDatabase(named: "meta")
                let format = try txn.get(meta, key: Array("format".utf8)).map { String(decoding: $0, as: UTF8.self) }
                let id = try txn.get(meta, key: Array("journal-id".utf8)).map { String(decoding: $0, as: UTF8.self) }
                let head = try txn.get(meta, key: Array("head".utf8)).flatMap(Journal.sequenceNumber(of:))
                let (last, foreign) = try txn.withCursor(events) { c -> (UInt64?, String?) in
                    guard let entry = try c.last() else { return (nil, nil) }
                    guard let seq = Journal.sequenceNumber(of: entry.key) else { return (nil, Journal.hex(entry.key)) }
                    return (seq, nil)
                }
                return (events, meta, format, id, head, last, foreign)
            }
            // Appends go after the last key: one the journal did not give would refuse them all.
            if let foreignLast, !env.isReadOnly { throw JournalError.foreignRecord(key: foreignLast) }
            guard format == Journal.formatVersion else { throw JournalError.unsupportedFormat(format ?? "none") }
            // Journals from before idempotency keys get the database on their first
            // writable open.
            let idempotency: Database?
            do {
                idempotency = try env.openDatabase(named: "idempotency", options: env.isReadOnly ? [] : .create)
            } catch let error as LMDBError where error == .notFound {
                idempotency = nil
            }
            self.idempotency = idempotency
            self.environment = env
            self.events = events
            self.meta = meta
            self.id = id ?? ""
            self.path = env.path
            self.isReadOnly = env.isReadOnly
            self.durability = options.durability
            self.logger = logger
            self.lock = Mutex(env.isReadOnly ? nil : lock)
            self.notifier = ChangeNotifier(directory: env.path)
            // The head is stored with every commit, so numbers of events that compaction
            // removed from the end are never given again.
            let head = max(storedHead ?? 0, lastKey ?? 0)
            if env.isReadOnly {
                committer = nil
            } else {
                committer = GroupCommitter(
                    environment: env, events: events, meta: meta, idempotency: idempotency!, head: head, options: options,
                    notifier: notifier, logger: logger)
            }
            if env.staleReadersCleared > 0 {
                logger.notice("cleared stale reader slots", metadata: ["journal.stale_readers": "\(env.staleReadersCleared)"])
            }
        } catch let error as LMDBError {
            if error == .notFound { throw JournalError.notInitialized(env.path) }
            throw JournalError.storage(error)
        }
    }

    deinit {
        committer?.stop()
        notifier.stop()
    }

    /// Stops the writer after committing what is queued. Later appends fail.
    public func close() {
        committer?.stop()
        notifier.stop()
        // Only once nothing more can be written may another writer take over.
        lock.withLock { $0 = nil }
    }

    // MARK: Writing

    /// Appends `batch` atomically and returns its sequence numbers once the commit is
    /// durable. Concurrent calls are committed together.
    ///
    /// Either every record of the batch is in the journal, numbered consecutively, or
    /// none is and the call throws.
    public func append(_ batch: RecordBatch) async throws -> ClosedRange<UInt64> {
        guard let committer else { throw JournalError.readOnly }
        try Journal.validate(batch)
        return try await withCheckedThrowingContinuation { continuation in
            committer.enqueue(batch) { continuation.resume(with: $0.map(\.range)) }
        }
    }

    /// Appends `batch` atomically under `key`: if a batch with the same key and
    /// fingerprint was appended before, nothing is written and its numbers are returned
    /// (`replayed`); a key used for another fingerprint is refused.
    public func append(_ batch: RecordBatch, idempotencyKey key: IdempotencyKey) async throws -> Appended {
        guard let committer else { throw JournalError.readOnly }
        try Journal.validate(batch)
        guard !key.key.isEmpty, key.key.count <= IdempotencyKey.maxBytes else {
            throw JournalError.idempotencyKeyTooLong(key.key.count)
        }
        return try await withCheckedThrowingContinuation { continuation in
            committer.enqueue(batch, key: key) { continuation.resume(with: $0) }
        }
    }

    /// Appends `batches` in order, each atomically and under its key when it has one (as
    /// ``append(_:idempotencyKey:)``), queued at once so that they share a commit; returns
    /// where each landed, once all are durable. A replica applying its writer's batches
    /// this way pays one fsync for many. Throws the first failure; the batches before it
    /// may be appended.
    public func append(_ batches: [(batch: RecordBatch, key: IdempotencyKey?)]) async throws -> [Appended] {
        guard let committer else { throw JournalError.readOnly }
        for b in batches {
            try Journal.validate(b.batch)
            if let key = b.key, key.key.isEmpty || key.key.count > IdempotencyKey.maxBytes {
                throw JournalError.idempotencyKeyTooLong(key.key.count)
            }
        }
        guard !batches.isEmpty else { return [] }
        let results = Mutex<(left: Int, landed: [Result<Appended, any Error>?])>((batches.count, Array(repeating: nil, count: batches.count)))
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Appended], any Error>) in
            committer.enqueue(batches.enumerated().map { i, b in
                (b.batch, b.key, { result in
                    let all: [Result<Appended, any Error>?]? = results.withLock { r in
                        r.landed[i] = result
                        r.left -= 1
                        return r.left == 0 ? r.landed : nil
                    }
                    guard let all else { return }
                    continuation.resume(with: Result { try all.map { try $0!.get() } })
                })
            })
        }
    }

    /// The batch appended under `key`, if any: its numbers, and whether `fingerprint`
    /// matches the one it was appended with.
    public func appended(underKey key: IdempotencyKey) throws -> Appended? {
        guard let idempotency, !key.key.isEmpty, key.key.count <= IdempotencyKey.maxBytes else { return nil }
        return try storage {
            try environment.read { txn in
                guard let found = try txn.get(idempotency, key: key.key), let record = IdempotencyRecord(found) else {
                    return nil
                }
                guard record.fingerprint == key.fingerprint else {
                    throw JournalError.idempotencyKeyReused(firstSeq: record.range.lowerBound)
                }
                return Appended(range: record.range, replayed: true)
            }
        }
    }

    /// Forgets idempotency keys committed before `cutoff` (microseconds since 1970);
    /// returns how many. A batch retried after that is appended again.
    @discardableResult
    public func forgetIdempotencyKeys(before cutoff: Int64) async throws -> Int {
        guard let idempotency else { return 0 }
        return try await withMaintenanceTransaction { txn, _ in
            var expired: [[UInt8]] = []
            try txn.scan(idempotency, range: KeyRange()) { key, value in
                if let record = IdempotencyRecord(value), record.microseconds < cutoff { expired.append(Array(key)) }
                return true
            }
            for key in expired { _ = try txn.delete(idempotency, key: key) }
            return expired.count
        }
    }

    /// The stored idempotency keys whose batch starts within `range`, by first number.
    public func idempotencyKeys(startingIn range: ClosedRange<UInt64>) throws -> [(key: IdempotencyKey, range: ClosedRange<UInt64>)] {
        guard let idempotency else { return [] }
        return try storage {
            try environment.read { txn in
                var found: [(key: IdempotencyKey, range: ClosedRange<UInt64>)] = []
                try txn.scan(idempotency, range: KeyRange()) { key, value in
                    if let record = IdempotencyRecord(value), range.contains(record.range.lowerBound) {
                        var k = IdempotencyKey("", fingerprint: record.fingerprint)
                        k.key = Array(key)
                        found.append((k, record.range))
                    }
                    return true
                }
                return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
            }
        }
    }

    /// Calls `observer` on the journal's writer thread after each commit, before any
    /// appender is answered, with the batches it appended in order (those answered as
    /// replays are not). Set once, before the first append; it must return quickly.
    public func observeCommits(_ observer: @escaping @Sendable ([CommittedBatch]) -> Void) {
        committer?.observer.withLock { $0 = observer }
    }

    /// Idempotency keys stored.
    public func idempotencyKeyCount() throws -> Int {
        guard let idempotency else { return 0 }
        return try storage { try environment.read { txn in try txn.statistics(idempotency).entries } }
    }

    /// Appends `batch` and blocks the calling thread until the commit is durable; for
    /// command-line tools outside Swift concurrency.
    public func appendAndWait(_ batch: RecordBatch) throws -> ClosedRange<UInt64> {
        guard let committer else { throw JournalError.readOnly }
        try Journal.validate(batch)
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<ClosedRange<UInt64>, any Error>?>(nil)
        committer.enqueue(batch) { r in
            result.withLock { $0 = r.map(\.range) }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    private static func validate(_ batch: RecordBatch) throws {
        guard !batch.isEmpty else { throw JournalError.emptyBatch }
        for i in 0..<batch.count where batch.range(of: i).isEmpty { throw JournalError.emptyRecord(i) }
    }

    /// Runs `body` in one write transaction on the journal's environment, serialised with
    /// group commits.
    func withMaintenanceTransaction<R: Sendable>(
        _ body: @Sendable @escaping (Transaction, Database) throws -> R
    ) async throws -> R {
        guard let committer else { throw JournalError.readOnly }
        return try await withCheckedThrowingContinuation { continuation in
            committer.enqueueMaintenance { [events] txn in try body(txn, events) } completion: {
                continuation.resume(with: $0.map { $0 as! R })
            }
        }
    }

    // MARK: Rewriting

    /// What becomes of one existing record in a rewrite.
    public enum RecordChange: Sendable, Hashable {
        /// The record is replaced by these bytes, under the same number.
        case replace([UInt8])
        /// The record is removed; its number is never given again.
        case delete
    }

    /// Rewrites the records numbered `range`, all or nothing, in one write transaction
    /// serialised with group commits (maintenance such as compaction).
    ///
    /// `plan` is given the records of the range in order, read in place, and answers the
    /// changes to make, by sequence number, plus a result of its own. Only records that
    /// exist in the range can be changed: numbers are never added nor moved, so what
    /// remains keeps its number and order. A change outside that is refused and nothing
    /// is written.
    public func rewrite<R: Sendable>(
        _ range: ClosedRange<UInt64>,
        plan: @Sendable @escaping (_ records: borrowing JournalRecords) throws -> (changes: [UInt64: RecordChange], result: R)
    ) async throws -> R {
        try await withMaintenanceTransaction { txn, events in
            let bounds = KeyRange(
                lower: Journal.sequenceKey(range.lowerBound),
                upper: range.upperBound == .max ? nil : Journal.sequenceKey(range.upperBound + 1))
            let (changes, result) = try plan(JournalRecords(txn: txn, events: events, range: bounds))
            try Journal.apply(changes, txn: txn, events: events, in: range)
            return result
        }
    }

    /// Replaces existing records by number, all or nothing, in one write transaction;
    /// refuses a number that holds no record.
    public func replace(_ records: [(seq: UInt64, record: [UInt8])]) async throws {
        let changes = Dictionary(records.map { ($0.seq, RecordChange.replace($0.record)) }, uniquingKeysWith: { $1 })
        try await withMaintenanceTransaction { txn, events in
            try Journal.apply(changes, txn: txn, events: events, in: 1...UInt64.max)
        }
    }

    private static func apply(
        _ changes: [UInt64: RecordChange], txn: Transaction, events: Database, in range: ClosedRange<UInt64>
    ) throws {
        for seq in changes.keys.sorted() {
            let key = sequenceKey(seq)
            guard range.contains(seq), try txn.get(events, key: key) != nil else { throw JournalError.noSuchRecord(seq) }
            switch changes[seq]! {
            case .replace(let bytes):
                guard !bytes.isEmpty else { throw JournalError.emptyRecord(0) }
                try txn.put(events, key: key, value: bytes)
            case .delete:
                try txn.delete(events, key: key)
            }
        }
    }

    // MARK: Reading

    /// The last sequence number given. A writer answers from memory; a reader from the
    /// latest commit.
    public var head: UInt64 {
        get throws {
            if let committer { return committer.head }
            return try environment.read { txn in try Journal.readHead(txn, events: events, meta: meta) }
        }
    }

    static func readHead(_ txn: Transaction, events: Database, meta: Database) throws -> UInt64 {
        let stored = try txn.get(meta, key: Array("head".utf8)).flatMap(Journal.sequenceNumber(of:)) ?? 0
        let last = try txn.withCursor(events) { c in try c.last().flatMap { Journal.sequenceNumber(of: $0.key) } } ?? 0
        return max(stored, last)
    }

    /// Calls `body` with record `seq` read in place, or returns nil if there is none.
    public func read<R>(_ seq: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        try storage {
            try environment.read { txn in
                try txn.get(events, key: Journal.sequenceKey(seq)).map(body)
            }
        }
    }

    /// A copy of record `seq`, or nil.
    public func record(_ seq: UInt64) throws -> [UInt8]? {
        try read(seq) { Array($0) }
    }

    /// Visits the records from `start` through `end` (inclusive) in order, read in place,
    /// in one read transaction, until `body` returns false. Holes are skipped.
    public func scan(
        from start: UInt64 = 1, through end: UInt64 = .max,
        _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try scan(from: start, through: end, atEnd: {}, body)
    }

    /// ``scan(from:through:_:)``, calling `atEnd` in the same transaction once the visit
    /// ends (unless `body` threw).
    private func scan(
        from start: UInt64, through end: UInt64, atEnd: () throws -> Void,
        _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        guard start <= end else { return }
        let range = KeyRange(lower: Journal.sequenceKey(start), upper: end == .max ? nil : Journal.sequenceKey(end + 1))
        // The body's own errors pass through as they are (a projector's write may need to
        // see LMDB's MAP_FULL to grow its map); only the journal's are wrapped.
        var bodyError: (any Error)?
        try storage {
            try environment.read { txn in
                try txn.scan(events, range: range) { key, value in
                    // A key that is not 8 bytes is not one the journal gave: skipped, and named.
                    guard let seq = Journal.sequenceNumber(of: key) else {
                        logger.warning("skipped a record that is not the journal's", metadata: [
                            "journal.key": "\(Journal.hex(key))", "journal.key_bytes": "\(key.count)",
                        ])
                        return true
                    }
                    do {
                        return try body(seq, value)
                    } catch {
                        bodyError = error
                        return false
                    }
                }
                guard bodyError == nil else { return }
                do { try atEnd() } catch { bodyError = error }
            }
        }
        if let bodyError { throw bodyError }
    }

    /// ``scan(from:through:_:)`` for a reader of many records: the cursor walks up to 64
    /// records ahead of `body`, and the first `prefetchBytes` of each record are asked into
    /// the CPU's cache two records before `body` reads them. Reading a record's head was a
    /// cache miss each time (a record is most often in a page of its own); the walk makes
    /// the next ones known in time (junction-bench replay, 100k loadgen events, 30
    /// interleaved runs: 1.28M to 1.48M events/s median, with 512 bytes).
    public func scan(
        from start: UInt64 = 1, through end: UInt64 = .max, prefetchBytes: Int,
        _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let runLength = 64
        let distance = 2
        var run: [(seq: UInt64, bytes: UnsafeRawBufferPointer)] = []
        run.reserveCapacity(runLength)
        var going = true
        func visitRun() throws {
            for i in run.indices {
                if i + distance < run.count {
                    let ahead = run[i + distance].bytes
                    // Only the record's own lines: past its end lie other records or pages.
                    if let base = ahead.baseAddress {
                        for line in stride(from: 0, to: min(prefetchBytes, ahead.count), by: 64) { junction_prefetch(base + line) }
                    }
                }
                guard try body(run[i].seq, run[i].bytes) else {
                    going = false
                    return
                }
            }
        }
        try scan(from: start, through: end, atEnd: {
            if going, !run.isEmpty { try visitRun() }
        }) { seq, bytes in
            run.append((seq, bytes))
            guard run.count == runLength else { return true }
            try visitRun()
            run.removeAll(keepingCapacity: true)
            return going
        }
    }

    /// Copies up to `maxRecords` records (and about `maxBytes`) from `start` on, in one
    /// short read transaction.
    public func readChunk(from start: UInt64, maxRecords: Int = 4096, maxBytes: Int = 16 << 20) throws -> JournalChunk {
        var chunk = JournalChunk()
        var bytes = 0
        try scan(from: start) { seq, value in
            chunk.append(seq, value)
            bytes += value.count
            return chunk.count < maxRecords && bytes < maxBytes
        }
        return chunk
    }

    /// The records from `start` on, in chunks; with `follow`, waits for new ones.
    public func tail(from start: UInt64 = 1, follow: Bool, maxRecords: Int = 4096, maxBytes: Int = 16 << 20) -> JournalTail {
        JournalTail(journal: self, start: max(start, 1), follow: follow, maxRecords: maxRecords, maxBytes: maxBytes)
    }

    /// Returns once the journal may have changed since `generation` (see
    /// ``changeGeneration``): at once for this process's appends, through inotify for
    /// other processes'. With `gathering`, that much later, so that a reader of many small
    /// appends (the gateway commits each call) reads them in one pass rather than one each;
    /// it adds at most that to the reader's lag. Returns early when the task is cancelled.
    public func waitForChange(after generation: UInt64, gathering: Duration = .zero) async {
        await notifier.wait(after: generation)
        if gathering > .zero, !Task.isCancelled { try? await Task.sleep(for: gathering) }
    }

    /// Returns once the journal may have changed since `generation`, or at `deadline`, or
    /// when the task is cancelled.
    public func waitForChange(after generation: UInt64, until deadline: ContinuousClock.Instant) async {
        await notifier.wait(after: generation, until: deadline)
    }

    /// Read before looking at the journal and passed to ``waitForChange(after:gathering:)``.
    public var changeGeneration: UInt64 { notifier.generation }

    /// Write transactions committed to the journal's environment since it was created
    /// (LMDB's last transaction id): with group commit, far fewer than appends.
    public var transactionCount: Int { environment.info().lastTransactionID }

    /// Head, record count and sizes.
    public func statistics() throws -> Statistics {
        try storage {
            let (head, first, stat) = try environment.read { txn in
                let head = try Journal.readHead(txn, events: events, meta: meta)
                let first = try txn.withCursor(events) { c in try c.first().flatMap { Journal.sequenceNumber(of: $0.key) } }
                return (head, first, try txn.statistics(events))
            }
            let info = environment.info()
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb")
            let fileBytes = (attributes?[.size] as? NSNumber)?.intValue ?? 0
            return Statistics(
                head: head, first: first, count: stat.entries, eventBytes: stat.bytes,
                usedBytes: info.usedBytes, fileBytes: fileBytes, mapSize: info.mapSize)
        }
    }

    /// Writes a compacted copy of the journal's environment into `directory` (created,
    /// must be empty): free pages are left out, so the copy is as small as the data.
    public func copy(to directory: String) throws {
        try PrivateFiles.createDirectory(directory)
        try storage { try environment.copy(to: directory, compacting: true) }
        // mdb_env_copy2 creates its file with the default mode.
        _ = try PrivateFiles.repair(directory)
    }

    // MARK: Keys

    /// The 8-byte big-endian key of a sequence number.
    public static func sequenceKey(_ seq: UInt64) -> [UInt8] {
        withUnsafeBytes(of: seq.bigEndian) { Array($0) }
    }

    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        bytes.prefix(32).map { String(format: "%02x", $0) }.joined() + (bytes.count > 32 ? "…" : "")
    }

    /// The sequence number of an 8-byte big-endian key.
    public static func sequenceNumber(of key: UnsafeRawBufferPointer) -> UInt64? {
        guard key.count == 8 else { return nil }
        var v: UInt64 = 0
        for b in key { v = v << 8 | UInt64(b) }
        return v
    }

    func storage<R>(_ body: () throws -> R) throws -> R {
        try Result(catching: body).mapStorageError().get()
    }
}
