package import Events
internal import Foundation
package import Journal
package import Logging
package import NATS
internal import Synchronization
package import Hub

/// Builds a replica of the writer's journal from the stream: each batch appended at the
/// writer's numbers, with the writer's bytes and idempotency key, and applied to the
/// state the read-only API answers from. Writes sent to it are refused (unavailable),
/// naming the writer.
///
/// A thread of its own reads the stream (libnats calls block); the batches are appended
/// by a task, a few at most waiting between the two.
package final class Follower: Sendable {
    package typealias Configuration = ReplicationSettings

    package struct Status: Sendable {
        package var stream: String
        package var writer: String?
        package var applied: UInt64
        package var streamLast: UInt64
        package var failure: String?
    }

    private struct State {
        var writer: String?
        var streamLast: UInt64 = 0
        var failure: String?
        var stopping = false
    }

    package let configuration: Configuration
    private let writer: Writer
    /// Where the writer is told whether it takes writes, and which promotion changes.
    private let role: ReplicationRole
    private let jetStream: JetStream
    private let state = Mutex(State())
    /// What each message completed, in journal order.
    private let batches: AsyncStream<[Batch]>
    private let batchContinuation: AsyncStream<[Batch]>.Continuation
    /// Messages read and not yet appended, at most.
    private let window = DispatchSemaphore(value: 16)
    /// Messages handed to the task and not appended yet.
    private let handedOver = Atomic<Int>(0)
    /// Whether ``promote(settings:dataDirectory:patience:)`` made this the writer.
    let promoted = Atomic<Bool>(false)
    private let logger: Logger

    /// One commit batch of the writer's, whole.
    struct Batch: Sendable {
        var range: ClosedRange<UInt64>
        var records: RecordBatch
        var key: IdempotencyKey?
    }

    /// Returns once every projection of the replica has applied the given event, or at the
    /// deadline, with the least checkpoint then.
    package typealias ProjectionsReaching = @Sendable (_ seq: UInt64, _ deadline: ContinuousClock.Instant) async throws -> UInt64
    private let projectionsReaching: ProjectionsReaching
    /// Set once ``run()`` has appended every batch the reading thread handed over and the
    /// thread has returned.
    private let drained = Latch()

    /// Connects to NATS (on a thread of its own: libnats blocks) and makes a follower that
    /// refuses writes from then on.
    package static func start(
        configuration: Configuration, writer: Writer, role: ReplicationRole,
        projectionsReaching: @escaping ProjectionsReaching, logger: Logger
    ) async throws -> Follower {
        let jetStream = try await connect(configuration)
        return Follower(configuration: configuration, writer: writer, role: role, jetStream: jetStream,
                        projectionsReaching: projectionsReaching, logger: logger)
    }

    private init(
        configuration: Configuration, writer: Writer, role: ReplicationRole, jetStream: JetStream,
        projectionsReaching: @escaping ProjectionsReaching, logger: Logger
    ) {
        self.configuration = configuration
        self.writer = writer
        self.role = role
        self.jetStream = jetStream
        self.projectionsReaching = projectionsReaching
        self.logger = logger
        (batches, batchContinuation) = AsyncStream.makeStream(of: [Batch].self)
        role.refuseWrites(Self.refusal(stream: configuration.stream, writer: nil))
    }

    private static func connect(_ settings: ReplicationSettings) async throws -> JetStream {
        try await BlockingCall.run(named: "nats-connect") { () throws(ReplicationError) -> JetStream in
            do {
                // Short requests: a reader whose consumer went with a node asks again soon,
                // and a promotion waits for the reader to be between two requests.
                return try NATSConnection(servers: settings.servers, name: "junction follower").jetStream(timeout: .seconds(2))
            } catch {
                throw ReplicationError("cannot reach NATS at \(settings.servers.joined(separator: ",")): \(error)")
            }
        }
    }

    /// What a write sent to a follower is answered, naming the writer once it is known.
    static func refusal(stream: String, writer: String?) -> String {
        "this is a follower of stream \(stream): it takes no writes; send them to the writer" + (writer.map { ", \($0)" } ?? "")
    }

    /// Creates `data` as a replica of the stream's journal: empty, with its id. Waits for
    /// the stream and its first event when the writer has not written yet.
    package static func initialize(_ data: DataDirectory, from settings: ReplicationSettings, logger: Logger) async throws {
        let jetStream = try await connect(settings)
        var waiting = false
        while true {
            // nil while the stream is missing or empty; the journal's id once it has a first event.
            let journalID = try await BlockingCall.run(named: "nats-stream") { () throws(ReplicationError) -> String? in
                let stream: JetStream.StreamState?
                do {
                    stream = try jetStream.streamState(settings.stream)
                } catch {
                    guard (error as? NATSError)?.isStreamNotFound == true else {
                        throw ReplicationError("cannot read stream \(settings.stream): \(error)")
                    }
                    stream = nil
                }
                guard let stream, stream.lastSequence > 0 else { return nil }
                guard stream.firstSequence == 1 else {
                    throw ReplicationError("stream \(settings.stream) starts at \(stream.firstSequence), not 1: start this follower from a backup of the writer")
                }
                let first: NATSMessage?
                do {
                    first = try jetStream.message(stream: settings.stream, sequence: 1)
                } catch {
                    throw ReplicationError("cannot read stream \(settings.stream): \(error)")
                }
                guard let first, let id = first.headers[Replicator.Header.journal] else {
                    throw ReplicationError("stream \(settings.stream) was not written by Junction: its first message names no journal")
                }
                guard try Replicator.events(of: first, stream: settings.stream).lowerBound == 1 else {
                    throw ReplicationError("stream \(settings.stream) does not start at event 1: start this follower from a backup of the writer")
                }
                return id
            }
            if let journalID {
                try data.initialize(journalID: journalID, logger: logger).close()
                logger.notice("follower: initialized a replica", metadata: ["journal.id": "\(journalID)", "data.path": "\(data.root)"])
                return
            }
            if !waiting {
                logger.notice("follower: waiting for the writer's first event", metadata: ["replication.stream": "\(settings.stream)"])
                waiting = true
            }
            // Until the writer's first event, or the daemon is stopped (the sleep throws).
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    package var status: Status {
        let applied = (try? writer.journal.head) ?? 0
        return state.withLock { s in
            Status(stream: configuration.stream, writer: s.writer, applied: applied, streamLast: s.streamLast, failure: s.failure)
        }
    }

    /// Follows the stream until `stop()`; throws when the replica cannot go on.
    func run() async throws {
        let thread = Thread { [self] in read() }
        thread.name = "follower"
        thread.start()
        for await completed in batches {
            do {
                guard try await apply(completed) else { break }
                handedOver.subtract(1, ordering: .releasing)
            } catch {
                fail("\(error)")
                throw error
            }
            window.signal()
        }
        drained.open()
        if let failure = state.withLock({ $0.failure }) { throw ReplicationError(failure) }
    }

    /// Appends a message's batches, together where it can: a batch holding a compaction's
    /// marker waits for the projections (``projectionsReach(_:)``), so what comes before
    /// it is appended first. False if the follower was stopped while waiting.
    private func apply(_ completed: [Batch]) async throws -> Bool {
        var together: [Batch] = []
        for batch in completed {
            if let limit = Self.compactionLimit(in: batch.records) {
                if !together.isEmpty {
                    try await writer.applyReplicated(together.map { ($0.records, $0.range, $0.key) })
                    together = []
                }
                guard try await projectionsReach(limit) else { return false }
            }
            together.append(batch)
        }
        if !together.isEmpty {
            try await writer.applyReplicated(together.map { ($0.records, $0.range, $0.key) })
        }
        return true
    }

    /// The greatest `limit` of the compaction markers among `records`, if there are any.
    static func compactionLimit(in records: RecordBatch) -> UInt64? {
        let markerKind = Event.Kind.retentionApplied.rawValue
        var limit: UInt64?
        records.forEach { _, record in
            guard (try? BinaryEventCodec.header(of: record))?.kind == markerKind,
                  case .retentionApplied(let marker)? = try? BinaryEventCodec.decode(record).payload, let l = marker.limit else { return }
            limit = max(limit ?? 0, l)
        }
        return limit
    }

    /// Waits until the replica's projections have applied every event through `limit`;
    /// false if the follower is stopped first. A compaction is repeated only then: one
    /// that rewrote events a projector had yet to read would have it apply a roll-up over
    /// requests it had counted already, or miss what a tombstone folds. The batch waits
    /// unappended, so a follower stopped meanwhile reads it again when it starts.
    private func projectionsReach(_ limit: UInt64) async throws -> Bool {
        var said = ContinuousClock.now
        while true {
            // Woken by the projectors' commits; the second's bound is for `stop()`, and for
            // a word in the log now and then.
            let reached = try await projectionsReaching(limit, .now + .seconds(1))
            if reached >= limit { return true }
            if state.withLock({ $0.stopping }) { return false }
            if ContinuousClock.now - said > .seconds(10) {
                logger.notice("follower: waiting for the projections before repeating a compaction", metadata: [
                    "compaction.limit": "\(limit)", "projection.checkpoint": "\(reached)",
                ])
                said = .now
            }
        }
    }

    func stop() {
        state.withLock { $0.stopping = true }
        batchContinuation.finish()
    }

    private func fail(_ reason: String) {
        logger.critical("follower: \(reason)")
        state.withLock { $0.failure = $0.failure ?? reason; $0.stopping = true }
        batchContinuation.finish()
    }

    /// Whether this replica holds every event the stream holds (false when the stream
    /// cannot be read).
    package func holdsEverythingTheStreamHolds() async -> Bool {
        let jetStream = self.jetStream
        let stream = configuration.stream
        guard let last = try? await BlockingCall.run(named: "nats-stream", { try StreamPosition.lastEvent(jetStream, stream: stream) })
        else { return false }
        return ((try? writer.journal.head) ?? 0) >= last
    }

    /// Turns this follower into the stream's writer, once it holds everything the stream
    /// holds (it waits up to `patience` for that); refuses otherwise, following on.
    ///
    /// The reading stops, the head is checked against the stream again, and a replicator
    /// with a new epoch takes over: from its first publish on, the old writer is fenced.
    package func promote(settings: ReplicationSettings, dataDirectory: String, patience: Duration = .seconds(10)) async throws -> Replicator {
        let deadline = ContinuousClock.now + patience
        let stream = configuration.stream
        let jetStream = self.jetStream
        let last: UInt64
        do {
            last = try await BlockingCall.run(named: "nats-stream") { try StreamPosition.lastEvent(jetStream, stream: stream) }
        } catch {
            throw PromotionRefused(.streamUnreadable, "cannot read stream \(stream): \(error); not promoted")
        }
        while true {
            let generation = writer.journal.changeGeneration
            if try writer.journal.head >= last { break }
            guard ContinuousClock.now < deadline else {
                throw PromotionRefused(.behind, "this follower holds \(try writer.journal.head) of the stream's \(last) events; not promoted")
            }
            await writer.journal.waitForChange(after: generation, until: deadline)
        }
        state.withLock { $0.stopping = true }
        // The reading thread stops within its next second; what it handed over is appended.
        await drained.wait()
        let replicator: Replicator
        do {
            replicator = try await Replicator.start(configuration: settings, journal: writer.journal, dataDirectory: dataDirectory,
                                                    takingOver: true, logger: logger)
        } catch let error as ReplicationError {
            fail("promotion failed, and this follower stopped following: \(error.message)")
            throw PromotionRefused(.failed, "\(error.message); this follower stopped following (restart it)")
        }
        role.promote(to: replicator)
        promoted.store(true, ordering: .releasing)
        batchContinuation.finish()
        let head = try writer.journal.head
        logger.notice("promoted: this is the stream's writer now", metadata: [
            "journal.head": "\(head)", "replication.epoch": "\(replicator.epoch)",
        ])
        return replicator
    }

    /// The reading thread.
    private func read() {
        defer {
            batchContinuation.finish()
        }
        var subscription: OrderedSubscription?
        // The next event due, and the stream sequence of the next message.
        var next: UInt64 = 0
        var nextMessage: UInt64 = 0
        var pending: Batch?
        var lastMessage = ContinuousClock.now
        while !state.withLock({ $0.stopping }) {
            do {
                if subscription == nil {
                    // Batches handed over must be appended before the head is read.
                    while handedOver.load(ordering: .acquiring) > 0, !state.withLock({ $0.stopping }) {
                        Thread.sleep(forTimeInterval: 0.01)
                    }
                    next = try writer.journal.head + 1
                    pending = nil
                    let position = try StreamPosition.message(holding: next, jetStream, stream: configuration.stream)
                    nextMessage = position.sequence
                    state.withLock { $0.streamLast = max($0.streamLast, position.lastEvent) }
                    subscription = try jetStream.subscribeOrdered(subject: configuration.subject, from: nextMessage)
                    logger.info("follower: reading the stream", metadata: [
                        "replication.from": "\(next)", "replication.message": "\(nextMessage)",
                    ])
                }
                guard let message = try subscription!.next(timeout: .seconds(1)) else {
                    // Quiet: either nothing new, or the consumer was lost with a server (its
                    // node killed) and delivers nothing more. The stream tells which.
                    if ContinuousClock.now - lastMessage > .seconds(1) {
                        lastMessage = .now
                        let stream = try jetStream.streamState(configuration.stream)
                        if stream.lastSequence >= nextMessage {
                            logger.warning("follower: the stream has messages its consumer does not deliver; reading it again",
                                           metadata: ["replication.from": "\(next)", "replication.stream_last": "\(stream.lastSequence)"])
                            subscription = nil
                        }
                    }
                    continue
                }
                lastMessage = .now
                guard message.headers[Replicator.Header.journal] == writer.journal.id else {
                    fail("stream \(configuration.stream) holds journal \(message.headers[Replicator.Header.journal] ?? "?"), not this replica's (\(writer.journal.id))")
                    return
                }
                guard message.streamSequence == nextMessage else {
                    fail("the stream gave message \(message.streamSequence) where \(nextMessage) was due")
                    return
                }
                nextMessage += 1
                let events = try Replicator.events(of: message, stream: configuration.stream)
                // The message that holds the replica's next event may begin with events it
                // has: whole batches, which are passed over.
                guard events.upperBound >= next else { continue }
                var completed: [Batch] = []
                for segment in try StreamMessage.segments(of: message.data, events: events) {
                    if segment.batch.upperBound < next { continue }
                    if segment.first == segment.batch.lowerBound {
                        guard pending == nil, segment.first == next else {
                            fail("batch \(segment.batch) starts where event \(next) was due")
                            return
                        }
                        pending = Batch(range: segment.batch, records: segment.records, key: segment.key)
                    } else {
                        guard pending?.range == segment.batch, segment.first == next else {
                            fail("events \(segment.events) continue batch \(segment.batch), which did not start in this stream")
                            return
                        }
                        segment.records.forEach { _, record in pending!.records.append(record) }
                    }
                    next = segment.events.upperBound + 1
                    if next > segment.batch.upperBound {
                        completed.append(pending!)
                        pending = nil
                    }
                }
                let name = message.headers[Replicator.Header.writer]
                let changed = state.withLock { s in
                    defer { s.writer = name; s.streamLast = max(s.streamLast, events.upperBound) }
                    return s.writer != name
                }
                if changed, let name {
                    role.refuseWrites(Self.refusal(stream: configuration.stream, writer: name))
                }
                if !completed.isEmpty {
                    window.wait()
                    handedOver.add(1, ordering: .releasing)
                    batchContinuation.yield(completed)
                }
            } catch let error as ReplicationError {
                fail(error.message)
                return
            } catch let error as StreamMessage.Malformed {
                fail("message \(nextMessage - 1) of stream \(configuration.stream): \(error)")
                return
            } catch {
                logger.warning("follower: reading the stream failed, retrying", metadata: ["error": "\(error)"])
                subscription = nil
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
    }
}
