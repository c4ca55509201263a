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
    typealias Completion = @Sendable (Result<ClosedRange<UInt64>, any Error>) -> Void
    typealias Maintenance = @Sendable (Transaction) throws -> any Sendable

    private enum Work {
        case append(RecordBatch, Completion)
        case maintenance(Maintenance, @Sendable (Result<any Sendable, any Error>) -> Void)
    }

    private let environment: Environment
    private let events: Database
    private let meta: Database
    private let options: Journal.Options
    private let notifier: ChangeNotifier
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Work] = []
    private var stopping = false
    private var running = true
    private let lastCommitted: Atomic<UInt64>
    private var lastSync = ContinuousClock.now
    /// Whether a nosync commit has not been flushed yet (writer thread only).
    private var unsynced = false

    init(
        environment: Environment, events: Database, meta: Database, head: UInt64, options: Journal.Options,
        notifier: ChangeNotifier, logger: Logger
    ) {
        self.environment = environment
        self.events = events
        self.meta = meta
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

    func enqueue(_ batch: RecordBatch, completion: @escaping Completion) {
        enqueue(.append(batch, completion))
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
            case .append(_, let done): done(.failure(JournalError.closed))
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

    private enum Taken {
        case left([(RecordBatch, Completion)])
        case right((Maintenance, @Sendable (Result<any Sendable, any Error>) -> Void))
    }

    /// Takes the queued appends up to the group's byte budget, or one maintenance job.
    private func takeGroup() -> Taken {
        if case .maintenance(let body, let done) = queue[0] {
            queue.removeFirst()
            return .right((body, done))
        }
        var group: [(RecordBatch, Completion)] = []
        var bytes = 0
        var taken = 0
        for work in queue {
            guard case .append(let batch, let done) = work else { break }
            if !group.isEmpty && bytes + batch.bytes.count > options.maxGroupBytes { break }
            group.append((batch, done))
            bytes += batch.bytes.count
            taken += 1
        }
        queue.removeFirst(taken)
        return .left(group)
    }

    private func commit(_ group: [(RecordBatch, Completion)]) {
        let first = head + 1
        do {
            let last = try write(group.map(\.0), first: first)
            publish(last)
            var next = first
            for (batch, done) in group {
                let end = next + UInt64(batch.count) - 1
                done(.success(next...end))
                next = end + 1
            }
        } catch {
            guard group.count > 1 else {
                logger.warning("append refused", metadata: ["journal.error": "\(error)"])
                group[0].1(.failure((error as? LMDBError).map(JournalError.storage) ?? error))
                return
            }
            // One batch may be at fault (a value LMDB refuses); commit each alone so the
            // others are not refused with it.
            for item in group { commit([item]) }
        }
    }

    /// Writes the batches from sequence number `first` on and the new head, in one
    /// transaction; returns the last sequence number.
    private func write(_ batches: [RecordBatch], first: UInt64) throws -> UInt64 {
        try environment.write { txn in
            var seq = first
            try txn.withCursor(events) { cursor in
                for batch in batches {
                    try batch.bytes.withUnsafeBytes { bytes in
                        var start = 0
                        for i in 0..<batch.count {
                            let end = batch.range(of: i).upperBound
                            var key = seq.bigEndian
                            try withUnsafeBytes(of: &key) { k in
                                try cursor.put(key: k, value: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), options: .append)
                            }
                            start = end
                            seq += 1
                        }
                    }
                }
            }
            var head = (seq - 1).bigEndian
            try withUnsafeBytes(of: &head) { h in
                try Array("head".utf8).withUnsafeBytes { k in try txn.put(meta, key: k, value: h) }
            }
            return seq - 1
        }
    }

    private func publish(_ last: UInt64) {
        lastCommitted.store(last, ordering: .releasing)
        if options.durability == .noSync {
            unsynced = true
            if ContinuousClock.now - lastSync > .seconds(1) { syncNow() }
        }
        notifier.signal()
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
        if case .success = result { notifier.signal() }
        job.1(result)
    }
}
