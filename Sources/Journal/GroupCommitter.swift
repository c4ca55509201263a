internal import Foundation
internal import Logging
internal import LMDB
internal import Synchronization

/// The journal's single writer thread: it takes every batch queued since its last commit
/// and commits them in one write transaction, so many appenders share one fsync.
///
/// LMDB write transactions belong to the thread that began them; keeping them all on
/// one thread also keeps the append path free of lock hand-offs.
// @unchecked Sendable: `queue`, `stopping` and `thread` are guarded by `condition`; `head`
// is atomic; everything else is immutable or touched by the writer thread only.
final class GroupCommitter: @unchecked Sendable {
    typealias Completion = @Sendable (Result<Appended, any Error>) -> Void
    typealias Maintenance = @Sendable (Transaction) throws -> any Sendable

    private enum Work {
        case append(Pending)
        case maintenance(Maintenance, @Sendable (Result<any Sendable, any Error>) -> Void)
    }

    private let environment: Environment
    private let events: Database
    private let meta: Database
    private let idempotency: Database
    private let options: Journal.Options
    private let notifier: ChangeNotifier
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Work] = []
    private var stopping = false
    private var running = true
    private let lastCommitted: Atomic<UInt64>
    /// Told of each commit's batches (``Journal/observeCommits(_:)``).
    let observer = Mutex<(@Sendable ([CommittedBatch]) -> Void)?>(nil)
    private var lastSync = ContinuousClock.now
    /// Whether a nosync commit has not been flushed yet (writer thread only).
    private var unsynced = false

    init(
        environment: Environment, events: Database, meta: Database, idempotency: Database, head: UInt64,
        options: Journal.Options,
        notifier: ChangeNotifier, logger: Logger
    ) {
        self.environment = environment
        self.events = events
        self.meta = meta
        self.idempotency = idempotency
        self.options = options
        self.notifier = notifier
        self.logger = logger
        self.lastCommitted = Atomic(head)
        let thread = Thread { [self] in run() }
        thread.name = "journal-writer"
        thread.start()
    }

    /// The last sequence number committed durably.
    var head: UInt64 { lastCommitted.load(ordering: .acquiring) }

    func enqueue(_ batch: RecordBatch, key: IdempotencyKey? = nil, completion: @escaping Completion) {
        enqueue(.append(Pending(batch: batch, key: key, done: completion)))
    }

    /// Queues several batches at once, in order, so that one commit takes them together.
    func enqueue(_ batches: [(batch: RecordBatch, key: IdempotencyKey?, done: Completion)]) {
        condition.lock()
        if stopping {
            condition.unlock()
            for b in batches { b.done(.failure(JournalError.closed)) }
            return
        }
        for b in batches { queue.append(.append(Pending(batch: b.batch, key: b.key, done: b.done))) }
        condition.signal()
        condition.unlock()
    }

    func enqueueMaintenance(
        _ body: @escaping Maintenance, completion: @escaping @Sendable (Result<any Sendable, any Error>) -> Void
    ) {
        enqueue(.maintenance(body, completion))
    }

    private func enqueue(_ work: Work) {
        condition.lock()
        if stopping {
            condition.unlock()
            switch work {
            case .append(let pending): pending.done(.failure(JournalError.closed))
            case .maintenance(_, let done): done(.failure(JournalError.closed))
            }
            return
        }
        queue.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Commits what is queued, then ends the thread; waits for it.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping {
                if unsynced {
                    // nosync: flush at most a second after the first unsynced commit.
                    if !condition.wait(until: Date().addingTimeInterval(1)) && queue.isEmpty && !stopping {
                        condition.unlock()
                        syncNow()
                        condition.lock()
                    }
                } else {
                    condition.wait()
                }
            }
            if queue.isEmpty {
                running = false
                condition.broadcast()
                condition.unlock()
                if options.durability == .noSync { syncNow() }
                return
            }
            let work = takeGroup()
            condition.unlock()
            switch work {
            case .left(let batches): commit(batches)
            case .right(let maintenance): runMaintenance(maintenance)
            }
        }
    }

    struct Pending {
        var batch: RecordBatch
        var key: IdempotencyKey?
        var done: Completion
    }

    private enum Taken {
        case left([Pending])
        case right((Maintenance, @Sendable (Result<any Sendable, any Error>) -> Void))
    }

    /// Takes the queued appends up to the group's byte budget, or one maintenance job.
    private func takeGroup() -> Taken {
        if case .maintenance(let body, let done) = queue[0] {
            queue.removeFirst()
            return .right((body, done))
        }
        var group: [Pending] = []
        var bytes = 0
        var taken = 0
        for work in queue {
            guard case .append(let pending) = work else { break }
            if !group.isEmpty && bytes + pending.batch.bytes.count > options.maxGroupBytes { break }
            group.append(pending)
            bytes += pending.batch.bytes.count
            taken += 1
        }
        queue.removeFirst(taken)
        return .left(group)
    }

    private func commit(_ group: [Pending]) {
        // Numbers are never reused: a journal whose head is near 2^64 (one Junction did not
        // write) takes nothing more rather than wrap.
        let records = group.reduce(UInt64(0)) { $0 + UInt64($1.batch.count) }
        guard head < UInt64.max - records else {
            for pending in group { pending.done(.failure(JournalError.numbersExhausted(head: head))) }
            return
        }
        let first = head + 1
        do {
            let (last, outcomes) = try write(group, first: first)
            if last >= first {
                publish(last)
                if let observer = observer.withLock({ $0 }) {
                    var batches: [CommittedBatch] = []
                    for (pending, outcome) in zip(group, outcomes) {
                        if case .success(let appended) = outcome, !appended.replayed {
                            batches.append(CommittedBatch(range: appended.range, key: pending.key))
                        }
                    }
                    observer(batches)
                }
            }
            for (pending, outcome) in zip(group, outcomes) { pending.done(outcome) }
        } catch {
            guard group.count > 1 else {
                logger.warning("append refused", metadata: ["journal.error": "\(error)"])
                group[0].done(.failure((error as? LMDBError).map(JournalError.storage) ?? error))
                return
            }
            // One batch may be at fault (a value LMDB refuses); commit each alone so the
            // others are not refused with it.
            for item in group { commit([item]) }
        }
    }

    /// Writes the batches from sequence number `first` on and the new head, in one
    /// transaction; returns the last sequence number and each batch's outcome. A batch
    /// whose idempotency key is known is not written again.
    private func write(_ group: [Pending], first: UInt64) throws -> (UInt64, [Result<Appended, any Error>]) {
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        return try environment.write { txn in
            var seq = first
            var outcomes: [Result<Appended, any Error>] = []
            outcomes.reserveCapacity(group.count)
            try txn.withCursor(events) { cursor in
                for pending in group {
                    if let key = pending.key, let found = try txn.get(idempotency, key: key.key) {
                        guard let stored = IdempotencyRecord(found) else { throw LMDBError.corrupted }
                        outcomes.append(stored.fingerprint == key.fingerprint
                            ? .success(Appended(range: stored.range, replayed: true))
                            : .failure(JournalError.idempotencyKeyReused(firstSeq: stored.range.lowerBound)))
                        continue
                    }
                    let start = seq
                    let batch = pending.batch
                    try batch.bytes.withUnsafeBytes { bytes in
                        var from = 0
                        for i in 0..<batch.count {
                            let end = batch.range(of: i).upperBound
                            var key = seq.bigEndian
                            try withUnsafeBytes(of: &key) { k in
                                try cursor.put(key: k, value: UnsafeRawBufferPointer(rebasing: bytes[from..<end]), options: .append)
                            }
                            from = end
                            seq += 1
                        }
                    }
                    if let key = pending.key {
                        let record = IdempotencyRecord(range: start...(seq - 1), microseconds: now, fingerprint: key.fingerprint)
                        try txn.put(idempotency, key: key.key, value: record.bytes)
                    }
                    outcomes.append(.success(Appended(range: start...(seq - 1), replayed: false)))
                }
            }
            if seq > first {
                var head = (seq - 1).bigEndian
                try withUnsafeBytes(of: &head) { h in
                    try Array("head".utf8).withUnsafeBytes { k in try txn.put(meta, key: k, value: h) }
                }
            }
            return (seq - 1, outcomes)
        }
    }

    private func publish(_ last: UInt64) {
        lastCommitted.store(last, ordering: .releasing)
        if options.durability == .noSync {
            unsynced = true
            if ContinuousClock.now - lastSync > .seconds(1) { syncNow() }
        }
        notifier.announceCommit(head: last)
    }

    private func syncNow() {
        do {
            try environment.sync()
            unsynced = false
        } catch {
            logger.error("journal sync failed", metadata: ["journal.error": "\(error)"])
        }
        lastSync = .now
    }

    private func runMaintenance(_ job: (Maintenance, @Sendable (Result<any Sendable, any Error>) -> Void)) {
        let result = Result { try environment.write { txn in try job.0(txn) } }
            .mapError { ($0 as? LMDBError).map(JournalError.storage) ?? $0 }
        if case .success = result { notifier.announceCommit(head: head) }
        job.1(result)
    }
}
