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
    private let batches: AsyncStream<Batch>
    private let batchContinuation: AsyncStream<Batch>.Continuation
    /// Batches read and not yet appended, at most.
    private let window = DispatchSemaphore(value: 16)
    /// Batches handed to the task and not appended yet.
    private let handedOver = Atomic<Int>(0)
    /// Whether ``promote(settings:dataDirectory:patience:)`` made this the writer.
    let promoted = Atomic<Bool>(false)
    private let logger: Logger

    struct Batch: Sendable {
        var range: ClosedRange<UInt64>
        var records: [[UInt8]]
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
        (batches, batchContinuation) = AsyncStream.makeStream(of: Batch.self)
        role.refuseWrites(Self.refusal(stream: configuration.stream, writer: nil))
    }

    private static func connect(_ settings: ReplicationSettings) async throws -> JetStream {
        try await BlockingCall.run(named: "nats-connect") { () throws(ReplicationError) -> JetStream in
            do {
                return try NATSConnection(servers: settings.servers, name: "junction follower").jetStream()
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
                guard let id = first?.headers[Replicator.Header.journal] else {
                    throw ReplicationError("stream \(settings.stream) was not written by Junction: its first message names no journal")
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
        for await batch in batches {
            do {
                if let limit = Self.compactionLimit(in: batch.records) {
                    guard try await projectionsReach(limit) else { break }
                }
                try await writer.applyReplicated(batch.records, range: batch.range, key: batch.key)
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

    /// The greatest `limit` of the compaction markers among `records`, if there are any.
    static func compactionLimit(in records: [[UInt8]]) -> UInt64? {
        let markerKind = Event.Kind.retentionApplied.rawValue
        var limit: UInt64?
        for record in records where record.withUnsafeBytes({ (try? BinaryEventCodec.header(of: $0))?.kind }) == markerKind {
            guard case .retentionApplied(let marker)? = try? BinaryEventCodec.decode(record).payload, let l = marker.limit else { continue }
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
            last = try await BlockingCall.run(named: "nats-stream") { try jetStream.streamState(stream).lastSequence }
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
        var next: UInt64 = 0
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
                    if let s = try? jetStream.streamState(configuration.stream) {
                        state.withLock { $0.streamLast = s.lastSequence }
                    }
                    subscription = try jetStream.subscribeOrdered(subject: configuration.subject, from: next)
                    logger.info("follower: reading the stream", metadata: ["replication.from": "\(next)"])
                }
                guard let message = try subscription!.next(timeout: .seconds(1)) else {
                    // Quiet: either nothing new, or the consumer was lost with a server (its
                    // node killed) and delivers nothing more. The stream tells which.
                    if ContinuousClock.now - lastMessage > .seconds(2) {
                        lastMessage = .now
                        let last = try jetStream.streamState(configuration.stream).lastSequence
                        state.withLock { $0.streamLast = max($0.streamLast, last) }
                        if last >= next {
                            logger.warning("follower: the stream has events its consumer does not deliver; reading it again",
                                           metadata: ["replication.from": "\(next)", "replication.stream_last": "\(last)"])
                            subscription = nil
                        }
                    }
                    continue
                }
                lastMessage = .now
                let seq = message.streamSequence
                guard message.headers[Replicator.Header.journal] == writer.journal.id else {
                    fail("stream \(configuration.stream) holds journal \(message.headers[Replicator.Header.journal] ?? "?"), not this replica's (\(writer.journal.id))")
                    return
                }
                guard seq == next else {
                    fail("the stream gave event \(seq) where \(next) was due")
                    return
                }
                guard let range = Self.batchRange(message.headers[Replicator.Header.batch]), range.contains(seq) else {
                    fail("event \(seq) has no valid \(Replicator.Header.batch) header")
                    return
                }
                if seq == range.lowerBound {
                    var key: IdempotencyKey?
                    if let name = message.headers[Replicator.Header.idempotencyKey],
                       let fingerprint = message.headers[Replicator.Header.idempotencyFingerprint].flatMap(HexText.decode) {
                        key = IdempotencyKey(name, fingerprint: fingerprint)
                    }
                    pending = Batch(range: range, records: [], key: key)
                }
                guard pending?.range == range else {
                    fail("event \(seq) continues batch \(range), which did not start in this stream")
                    return
                }
                pending!.records.append(message.data)
                next = seq + 1
                let name = message.headers[Replicator.Header.writer]
                let changed = state.withLock { s in
                    defer { s.writer = name; s.streamLast = max(s.streamLast, seq) }
                    return s.writer != name
                }
                if changed, let name {
                    role.refuseWrites(Self.refusal(stream: configuration.stream, writer: name))
                }
                if seq == range.upperBound {
                    window.wait()
                    handedOver.add(1, ordering: .releasing)
                    batchContinuation.yield(pending!)
                    pending = nil
                }
            } catch {
                logger.warning("follower: reading the stream failed, retrying", metadata: ["error": "\(error)"])
                subscription = nil
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }

    static func batchRange(_ header: String?) -> ClosedRange<UInt64>? {
        guard let parts = header?.split(separator: "-"), parts.count == 2,
              let first = UInt64(parts[0]), let last = UInt64(parts[1]), first <= last else { return nil }
        return first...last
    }
}
