public import Events
public import Journal
public import Logging
internal import LMDB

/// Follows the journal and applies its events to one projection, committing each batch
/// and the new checkpoint in one transaction.
///
/// Journal records are read in short read transactions (a chunk at a time, copied out),
/// so a projector that runs for weeks never pins old journal pages.
public final class Projector: @unchecked Sendable {
    // @unchecked: a projector is driven by one task at a time (`run` or `catchUp`); the
    // projection object it owns is never shared.

    /// Which events to apply; the others only advance the checkpoint.
    public typealias EventFilter = @Sendable (UInt64, Event) -> Bool

    public let store: ProjectionStore
    private let projection: any Projection
    private let journal: Journal
    private let logger: Logger
    private let batchSize: Int
    private let filter: EventFilter?
    private let requestFields: BinaryEventCodec.Bodies
    /// How long ``run()`` lets appends gather after the journal changes, before it applies
    /// them: many small appends (the gateway's, one entry per call) then cost one commit
    /// and fsync of the store instead of one each.
    private let gatherDelay: Duration
    /// Records that could not be decoded and were skipped, since this projector started.
    public private(set) var undecodable = 0

    public init(
        journal: Journal, store: ProjectionStore, type: any Projection.Type, logger: Logger,
        batchSize: Int = 2000, filter: EventFilter? = nil, gatherDelay: Duration = .milliseconds(5)
    ) throws {
        self.journal = journal
        self.store = store
        self.projection = try store.environment.write { txn in try type.init(opening: txn) }
        self.logger = logger
        self.batchSize = batchSize
        self.filter = filter
        requestFields = type.requestFields
        self.gatherDelay = gatherDelay
    }

    /// Applies the next chunk after the checkpoint, up to `limit`; returns the new
    /// checkpoint, or nil if there was nothing to apply.
    public func step(upTo limit: UInt64 = .max) throws -> UInt64? {
        let checkpoint = try store.checkpoint()
        guard checkpoint < limit, try journal.head > checkpoint else { return nil }
        var last = checkpoint
        try store.environment.write { txn in
            last = checkpoint
            projection.beginBatch()
            var applied = 0
            // Records are decoded where they lie in the journal's map, in a read transaction
            // that ends before this write commits (and waits for its fsync).
            try journal.scan(from: checkpoint + 1, through: limit, prefetchBytes: Projector.prefetchBytes) { seq, bytes in
                last = seq
                applied += 1
                switch recordToApply(seq, bytes) {
                case .request(let request): try projection.applyRequest(request, seq: seq, in: txn)
                case .event(let event): try projection.apply(event, seq: seq, in: txn)
                case nil: break
                }
                return applied < batchSize
            }
            guard last > checkpoint else { return }
            try projection.finishBatch(in: txn)
            try store.setCheckpoint(last, in: txn)
        }
        guard last > checkpoint else { return nil }
        store.changes.announceCommit(head: last)
        return last
    }

    /// What a record holds, if it is one to apply.
    private func recordToApply(_ seq: UInt64, _ bytes: UnsafeRawBufferPointer) -> Record? {
        Projector.read(seq, bytes, bodies: requestFields, filter: filter, logger: logger, undecodable: &undecodable, name: store.name)
    }

    /// A record to apply: a request read in place, or another event decoded.
    enum Record {
        case request(RequestFields)
        case event(Event)
    }

    /// What a record holds, if it is one to apply: nil for one that cannot be decoded
    /// (counted and logged), of a kind this version does not know, or that the filter drops.
    /// A request is read in place (its fields point into `bytes`), unless a filter must
    /// see it as an event first.
    private static func read(
        _ seq: UInt64, _ bytes: UnsafeRawBufferPointer, bodies: BinaryEventCodec.Bodies, filter: EventFilter?,
        logger: Logger, undecodable: inout Int, name: String
    ) -> Record? {
        do {
            // Projections count and index requests: bodies and headers stay in the journal.
            if filter == nil, let request = try BinaryEventCodec.requestFields(bytes, reading: bodies) {
                return .request(request)
            }
            let event = try BinaryEventCodec.decode(bytes, bodies: bodies)
            if case .unknown = event.payload { return nil }
            if let filter, !filter(seq, event) { return nil }
            if let request = try BinaryEventCodec.requestFields(bytes, reading: bodies) { return .request(request) }
            return .event(event)
        } catch {
            undecodable += 1
            logger.error("skipped an undecodable event", metadata: [
                "projector.name": "\(name)", "journal.seq": "\(seq)", "error": "\(error)",
            ])
            return nil
        }
    }

    /// Applies a batch decoded by another thread (``DecodedBatches``), in one transaction
    /// that sets the checkpoint to the batch's last sequence number.
    func apply(_ batch: DecodedBatch) throws {
        // The batch stays whole: a transaction retried after its map grew applies it again.
        try store.environment.write { txn in
            projection.beginBatch()
            // Requests and other events merged back into sequence order.
            let events = batch.events
            var next = 0
            try batch.requests.withFields { requests in
                for i in 0..<batch.requests.count {
                    let seq = batch.requests.seq(i)
                    while next < events.count, events[next].0 < seq {
                        try projection.apply(events[next].1, seq: events[next].0, in: txn)
                        next += 1
                    }
                    try projection.applyRequest(requests[i], seq: seq, in: txn)
                }
            }
            for (seq, event) in events[next...] { try projection.apply(event, seq: seq, in: txn) }
            try projection.finishBatch(in: txn)
            try store.setCheckpoint(batch.last, in: txn)
        }
        store.changes.announceCommit(head: batch.last)
    }

    /// How much of each record the journal is asked to prefetch: a request's fields and
    /// header lists come before its bodies (loadgen's requests: fields and request headers
    /// in the first 300 bytes or so). With a rebuild's reader alone (junction-bench replay,
    /// its projections' work left out, 20 interleaved runs each): 1.43-1.59M events/s
    /// without prefetching, 1.55M with 128 bytes, 1.81M with 192, 1.82-1.89M with 320 to
    /// 1,024.
    static let prefetchBytes = 512

    /// Reads `journal` from `start` through `end` in batches of `batchSize` records, decoded
    /// with `bodies` and given to `next` (which returns false to stop): what
    /// ``apply(_:)`` applies. Counts and logs the records it cannot decode.
    static func readBatches(
        _ journal: Journal, from start: UInt64, through end: UInt64, batchSize: Int, bodies: BinaryEventCodec.Bodies,
        filter: EventFilter?, logger: Logger, name: String, undecodable: inout Int, _ next: (DecodedBatch) -> Bool
    ) throws {
        var from = start
        while from <= end {
            var events: [(UInt64, Event)] = []
            var requests = RequestBuffer(capacity: batchSize)
            var last: UInt64 = 0
            var read = 0
            try journal.scan(from: from, through: end, prefetchBytes: Projector.prefetchBytes) { seq, bytes in
                last = seq
                read += 1
                switch Projector.read(seq, bytes, bodies: bodies, filter: filter, logger: logger, undecodable: &undecodable, name: name) {
                case .request(let request): requests.append(request, seq: seq)  // copied out of the map
                case .event(let event): events.append((seq, event))
                case nil: break
                }
                return read < batchSize
            }
            guard read > 0, next(DecodedBatch(events: events, requests: requests, last: last)) else { return }
            from = last + 1
        }
    }

    /// Applies everything up to `limit` (default: the journal's head when called).
    @discardableResult
    public func catchUp(upTo limit: UInt64? = nil, progress: ((UInt64) -> Void)? = nil) throws -> UInt64 {
        let target = try limit ?? journal.head
        var checkpoint = try store.checkpoint()
        while checkpoint < target, let next = try step(upTo: target) {
            checkpoint = next
            progress?(checkpoint)
        }
        return checkpoint
    }

    /// Follows the journal until the task is cancelled, waking as soon as it changes.
    public func run() async throws {
        let start = try store.checkpoint()
        logger.info("projector started", metadata: ["projector.name": "\(store.name)", "projector.checkpoint": "\(start)"])
        while !Task.isCancelled {
            let generation = journal.changeGeneration
            var applied = false
            while !Task.isCancelled, let checkpoint = try step() {
                applied = true
                logger.debug("applied", metadata: ["projector.name": "\(store.name)", "projector.checkpoint": "\(checkpoint)"])
            }
            if applied {
                let checkpoint = try store.checkpoint()
                logger.info("caught up", metadata: ["projector.name": "\(store.name)", "projector.checkpoint": "\(checkpoint)"])
            }
            if Task.isCancelled { break }
            await journal.waitForChange(after: generation, gathering: gatherDelay)
        }
        let end = try store.checkpoint()
        logger.info("projector stopped", metadata: ["projector.name": "\(store.name)", "projector.checkpoint": "\(end)"])
    }
}
