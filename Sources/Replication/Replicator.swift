package import Events
internal import Foundation
package import Journal
package import Logging
package import NATS
internal import Synchronization
package import Hub

/// Ships the journal's committed batches to a JetStream stream, in journal order, many
/// events to a message (``StreamMessage``: what one shipping round took, split past
/// ``StreamMessage/maxBodyBytes``). `Nats-Msg-Id` is the journal id and the message's
/// first and last sequence numbers, and each message expects the stream's last sequence
/// to be the one this writer published before it. A retry after a lost ack is dropped by
/// id; a message from another writer makes the expectation fail, which fences this one
/// (it refuses writes from then on).
///
/// Stream sequences count messages, not events: a message's `Junction-Events` header
/// says which events it holds, and readers find an event's message by those headers.
///
/// In `sync` mode an append is acknowledged once JetStream has stored its batch (on a
/// quorum of the replicas); in `async` mode right after the local commit, and shipped
/// right after.
package final class Replicator: Sendable {
    package typealias Mode = ReplicationMode
    package typealias Configuration = ReplicationSettings

    /// What `/v1/status` and `/metrics` show.
    package struct Status: Sendable {
        package var mode: Mode
        package var stream: String
        package var epoch: String
        package var shipped: UInt64
        package var head: UInt64
        /// How long the oldest batch not yet shipped has waited (0 when none waits).
        package var lagSeconds: Double
        package var fenced: String?
    }

    /// Headers every message carries.
    enum Header {
        static let journal = "Junction-Journal"
        static let epoch = "Junction-Epoch"
        static let writer = "Junction-Writer"
        /// ``StreamMessage/layout``; missing on streams of one message per event.
        static let layout = "Junction-Layout"
        /// `first-last`: the journal numbers of the message's events.
        static let events = "Junction-Events"
    }

    private struct State {
        var pending: [CommittedBatch] = []
        var oldestPendingAt: ContinuousClock.Instant?
        /// The last event the stream holds, and the stream sequence of its message.
        var shipped: UInt64
        var streamLast: UInt64
        var fenced: String?
        var waiters: [(seq: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var stopping = false
    }

    let configuration: Configuration
    package let epoch: String
    private let journal: Journal
    private let jetStream: JetStream
    private let state: Mutex<State>
    /// Wakes the shipping thread.
    private let wake = NSCondition()
    private let logger: Logger

    /// How long a writer waits for a cluster that cannot place its stream yet (nodes
    /// started together take a moment to form their metadata group) before it gives up.
    static let clusterFormingPatience: Duration = .seconds(30)

    /// The stream's state, created if missing; while the cluster is still forming (or has
    /// no leader for the stream for a moment: a node lost, a request timed out), tried
    /// again every quarter second up to ``clusterFormingPatience``. Each try runs on a
    /// thread of its own; the waits between them hold no thread.
    private static func ensureStream(
        _ jetStream: JetStream, _ configuration: Configuration, logger: Logger
    ) async throws -> JetStream.StreamState {
        let deadline = ContinuousClock.now + clusterFormingPatience
        var waited = false
        while true {
            do {
                let state = try await BlockingCall.run(named: "nats-stream") {
                    var stream = JetStream.StreamConfiguration(
                        name: configuration.stream, subjects: [configuration.subject], replicas: configuration.replicas)
                    stream.maxAge = configuration.maxAge
                    return try jetStream.ensureStream(stream)
                }
                if waited { logger.info("the cluster can place the stream now", metadata: ["replication.stream": "\(configuration.stream)"]) }
                return state
            } catch let error as NATSError where (error.isClusterUnavailable || error.isTimeout) && ContinuousClock.now < deadline {
                if !waited {
                    logger.notice("the cluster cannot place the stream yet; waiting for it to form", metadata: [
                        "replication.stream": "\(configuration.stream)", "replication.error": "\(error)",
                    ])
                    waited = true
                }
                try await Task.sleep(for: .milliseconds(250))
            } catch {
                throw ReplicationError("stream \(configuration.stream): \(error)")
            }
        }
    }

    /// Connects to NATS, makes sure of the stream, and starts shipping (see
    /// ``init(configuration:journal:jetStream:stream:dataDirectory:takingOver:logger:)``);
    /// libnats' blocking calls run on threads of their own.
    package static func start(
        configuration: Configuration, journal: Journal, dataDirectory: String, takingOver: Bool = false, logger: Logger
    ) async throws -> Replicator {
        let jetStream = try await BlockingCall.run(named: "nats-connect") { () throws(ReplicationError) -> JetStream in
            do {
                let connection = try NATSConnection(servers: configuration.servers, name: "junction writer \(configuration.writerName)")
                // The JetStream context keeps its connection alive.
                return try connection.jetStream()
            } catch {
                throw ReplicationError("cannot reach NATS at \(configuration.servers.joined(separator: ",")): \(error)")
            }
        }
        let stream = try await ensureStream(jetStream, configuration, logger: logger)
        return try await BlockingCall.run(named: "replicator-start") {
            try Replicator(configuration: configuration, journal: journal, jetStream: jetStream, stream: stream,
                           dataDirectory: dataDirectory, takingOver: takingOver, logger: logger)
        }
    }

    /// Checks this journal against the stream: a journal behind the stream, or a stream
    /// last written by another writer, is refused; what the stream lacks of this journal
    /// is queued to ship.
    ///
    /// With `takingOver` (a follower being promoted), a stream last written by another
    /// writer is accepted when this journal holds all of it: this writer takes a new epoch,
    /// and the old writer's next publish, or its restart, finds itself replaced.
    private init(
        configuration: Configuration, journal: Journal, jetStream: JetStream, stream: JetStream.StreamState,
        dataDirectory: String, takingOver: Bool, logger: Logger
    ) throws {
        self.configuration = configuration
        self.journal = journal
        self.jetStream = jetStream
        self.logger = logger
        let head = try journal.head
        let identity = ReplicationIdentity.load(dataDirectory)
        var last: UInt64 = 0
        if stream.lastSequence == 0 {
            // A new stream: this journal is its first writer, from its first event.
            if head > 0 {
                let count = try journal.statistics().count
                guard count == Int(head) else {
                    throw ReplicationError(
                        "the journal has holes (\(count) events under head \(head): compacted before replication began); "
                            + "a stream's numbers are the journal's, so replication starts from a journal that has every event")
                }
            }
            epoch = UUID().uuidString.lowercased()
        } else if stream.messages == 0 {
            // Every message aged out (the stream's MaxAge passed with no write): the stream
            // cannot say who wrote last. This writer goes on if it was the stream's writer,
            // from its head; a follower that needs what aged out starts from a backup.
            guard !takingOver, let identity, identity.stream == configuration.stream else {
                throw ReplicationError(
                    "stream \(configuration.stream) holds no message (they aged out), so it cannot tell who wrote last; "
                        + "only its last writer may go on writing to it")
            }
            last = head
            logger.notice("replication: the stream's messages aged out; going on from the journal's head", metadata: [
                "replication.stream_last": "\(stream.lastSequence)", "journal.head": "\(head)", "replication.epoch": "\(identity.epoch)",
            ])
            epoch = identity.epoch
        } else {
            guard let message = try? jetStream.message(stream: configuration.stream, sequence: stream.lastSequence) else {
                throw ReplicationError("stream \(configuration.stream): cannot read its last message (\(stream.lastSequence))")
            }
            let theirs = message.headers[Header.journal] ?? "?"
            guard theirs == journal.id else {
                throw ReplicationError("stream \(configuration.stream) holds another journal (\(theirs)), not this one (\(journal.id))")
            }
            last = try Self.events(of: message, stream: configuration.stream).upperBound
            let writer = message.headers[Header.writer] ?? "?"
            if takingOver {
                guard last == head else {
                    throw ReplicationError("this replica holds \(head) events and stream \(configuration.stream) \(last): not promoted")
                }
            } else if identity?.epoch == nil || message.headers[Header.epoch] != identity?.epoch {
                throw ReplicationError(
                    "stream \(configuration.stream) was last written by another writer (\(writer), at \(last)): "
                        + "this one has been replaced and refuses to write; start it as a follower from a fresh data directory")
            }
            if !takingOver, last > head {
                throw ReplicationError(
                    "the journal (head \(head)) is behind stream \(configuration.stream) (last \(last)): this disk is older "
                        + "than the replicated journal (restored from a backup?); it refuses to write — start it as a follower")
            }
            epoch = takingOver ? UUID().uuidString.lowercased() : identity!.epoch
        }
        try ReplicationIdentity(epoch: epoch, stream: configuration.stream).save(dataDirectory)
        var initial = State(shipped: last, streamLast: stream.lastSequence)
        if head > last {
            // Committed but never shipped (a crash, or async mode): their batches are
            // known where they had idempotency keys; the rest ship as batches of one event,
            // packed into messages like any others.
            let keyed = try journal.idempotencyKeys(startingIn: (last + 1)...head)
            var next = last + 1
            for (key, range) in keyed where range.lowerBound >= next {
                while next < range.lowerBound {
                    initial.pending.append(CommittedBatch(range: next...next, key: nil))
                    next += 1
                }
                initial.pending.append(CommittedBatch(range: range, key: key))
                next = range.upperBound + 1
            }
            while next <= head {
                initial.pending.append(CommittedBatch(range: next...next, key: nil))
                next += 1
            }
            initial.oldestPendingAt = .now
            logger.notice("replication: shipping what the stream lacks", metadata: [
                "replication.stream_last": "\(last)", "journal.head": "\(head)",
            ])
        }
        state = Mutex(initial)
        journal.observeCommits { [weak self] batches in self?.committed(batches) }
        let thread = Thread { [self] in ship() }
        thread.name = "replicator"
        thread.start()
    }

    /// The events `message` holds, from its headers; a stream of the earlier layout (one
    /// message per event, no `Junction-Layout`) is refused with how to move on from it.
    static func events(of message: NATSMessage, stream: String) throws(ReplicationError) -> ClosedRange<UInt64> {
        guard let layout = message.headers[Header.layout] else {
            throw ReplicationError(
                "stream \(stream) holds one message per event, the layout of Junction before batched messages; "
                    + "this Junction reads only layout \(StreamMessage.layout). To move on: stop the writer and its followers, "
                    + "remove the stream (nats stream rm \(stream)) or name another one (--replicate-stream), start the writer "
                    + "(it ships its journal again from event 1), and start each follower from a fresh data directory "
                    + "or a backup of the writer")
        }
        guard layout == StreamMessage.layout else {
            throw ReplicationError("stream \(stream) is in layout \(layout); this Junction reads layout \(StreamMessage.layout)")
        }
        guard let events = StreamMessage.range(message.headers[Header.events]) else {
            throw ReplicationError("stream \(stream): message \(message.streamSequence) has no valid \(Header.events) header")
        }
        return events
    }

    /// Why this writer refuses writes, if it does (fenced by another writer).
    var refusal: String? { state.withLock { $0.fenced } }

    package var status: Status {
        let head = (try? journal.head) ?? 0
        return state.withLock { s in
            Status(mode: configuration.mode, stream: configuration.stream, epoch: epoch, shipped: s.shipped, head: head,
                   lagSeconds: s.oldestPendingAt.map { Self.seconds(ContinuousClock.now - $0) } ?? 0, fenced: s.fenced)
        }
    }

    private static func seconds(_ d: Duration) -> Double {
        d.secondsWithFraction
    }

    /// In sync mode, returns once events through `seq` are in the stream (throws when
    /// fenced, or after the acknowledge timeout); in async mode at once.
    func acknowledged(through seq: UInt64) async throws {
        guard configuration.mode == .sync else { return }
        let timeout = configuration.acknowledgeTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.shipped(through: seq) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw HubError.unavailable(
                    "committed locally but not yet replicated (JetStream did not acknowledge within \(timeout)); "
                        + "retry with the same Idempotency-Key to learn when it is")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func shipped(through seq: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = state.withLock { s in
                if let fenced = s.fenced { return .failure(HubError.unavailable(fenced)) }
                if s.shipped >= seq { return .success(()) }
                s.waiters.append((seq, continuation))
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    package func stop() {
        state.withLock { $0.stopping = true }
        wake.lock()
        wake.signal()
        wake.unlock()
    }

    // MARK: The shipping thread

    /// The journal's writer thread, after each commit.
    private func committed(_ batches: [CommittedBatch]) {
        guard !batches.isEmpty else { return }
        state.withLock { s in
            if s.pending.isEmpty { s.oldestPendingAt = .now }
            s.pending += batches
        }
        wake.lock()
        wake.signal()
        wake.unlock()
    }

    private func ship() {
        var retryDelay: Duration = .milliseconds(50)
        while true {
            wake.lock()
            var taken: [CommittedBatch] = []
            while true {
                let (stopping, batches) = state.withLock { s in (s.stopping, Self.take(&s.pending, maxEvents: 4096)) }
                if stopping { wake.unlock(); return }
                if !batches.isEmpty { taken = batches; break }
                _ = wake.wait(until: Date().addingTimeInterval(1))
            }
            wake.unlock()
            while true {
                do {
                    let last = try publish(taken)
                    retryDelay = .milliseconds(50)
                    finished(through: last)
                    break
                } catch let error as ReplicationError {
                    fence(error.message)
                    return
                } catch {
                    if state.withLock({ $0.stopping }) { return }
                    logger.warning("replication: publish failed, retrying", metadata: ["error": "\(error)"])
                    Thread.sleep(forTimeInterval: Self.seconds(retryDelay))
                    retryDelay = min(retryDelay * 2, .seconds(2))
                }
            }
        }
    }

    /// Takes whole batches from the front, up to about `maxEvents` events.
    private static func take(_ pending: inout [CommittedBatch], maxEvents: Int) -> [CommittedBatch] {
        var count = 0
        var n = 0
        while n < pending.count, count == 0 || count + pending[n].range.count <= maxEvents {
            count += pending[n].range.count
            n += 1
        }
        let taken = Array(pending.prefix(n))
        pending.removeFirst(n)
        return taken
    }

    /// Publishes the events of `batches`, many to a message; returns the last number
    /// shipped.
    private func publish(_ batches: [CommittedBatch]) throws -> UInt64 {
        // After a partial failure, what the stream holds already is not sent again.
        let (already, streamLast) = state.withLock { ($0.shipped, $0.streamLast) }
        let last = batches.last!.range.upperBound
        guard last > already else { return last }
        let subject = configuration.subject
        let headers: [(name: String, value: String)] = [
            (Header.journal, journal.id), (Header.epoch, epoch), (Header.writer, configuration.writerName),
            (Header.layout, StreamMessage.layout),
        ]
        let journalID = journal.id
        var expected = streamLast
        do {
            let published = try jetStream.publish { queue in
                var message = StreamMessage.Builder()
                // Each message expects the one before it: a gap, a reordering or another
                // writer's message in between is refused by the stream.
                func send() throws {
                    guard let events = message.events else { return }
                    let range = "\(events.lowerBound)-\(events.upperBound)"
                    try message.withFinishedBody { body in
                        try queue.append(subject: subject, data: body, headers: headers + [(Header.events, range)],
                                         messageID: "\(journalID):\(range)", expectedLastSequence: expected > 0 ? expected : nil)
                    }
                    expected += 1
                }
                // One read transaction for the whole round, each record copied once, into
                // its message.
                var index = batches.firstIndex { $0.range.upperBound > already }!
                var next = max(already + 1, batches[index].range.lowerBound)
                try journal.scan(from: next, through: last) { seq, record in
                    guard seq == next else {
                        throw ReplicationError("event \(next) is missing from the journal before it was shipped")
                    }
                    while seq > batches[index].range.upperBound { index += 1 }
                    if !message.fits(record.count) { try send() }
                    message.append(seq, record, batch: batches[index].range, key: batches[index].key)
                    next += 1
                    return true
                }
                try send()
                guard next > last else {
                    throw ReplicationError("event \(next) is missing from the journal before it was shipped")
                }
            }
            guard published.lastSequence == expected else {
                throw ReplicationError(
                    "stream \(configuration.stream) stored the message of event \(last) at \(published.lastSequence), not \(expected)")
            }
            state.withLock { $0.streamLast = expected }
            return last
        } catch let error as NATSError where error.isWrongLastSequence {
            // Either a retry whose first messages were stored already (then the stream's
            // last message is ours), or another writer has published: fenced.
            let stream = try jetStream.streamState(configuration.stream)
            if let message = try jetStream.message(stream: configuration.stream, sequence: stream.lastSequence),
               message.headers[Header.epoch] == epoch,
               let held = StreamMessage.range(message.headers[Header.events]), held.upperBound >= already {
                state.withLock { $0.streamLast = stream.lastSequence }
                if held.upperBound >= last { return last }
                finished(through: held.upperBound)
                throw error  // retried from the state's shipped point
            }
            throw ReplicationError(
                "stream \(configuration.stream) was written by another writer (its last message is \(stream.lastSequence)): "
                    + "this writer has been replaced and refuses to write")
        }
    }

    private func finished(through last: UInt64) {
        let woken: [CheckedContinuation<Void, any Error>] = state.withLock { s in
            guard last > s.shipped else { return [] }
            s.shipped = last
            s.pending.removeAll { $0.range.upperBound <= last }
            if s.pending.isEmpty { s.oldestPendingAt = nil }
            var ready: [CheckedContinuation<Void, any Error>] = []
            s.waiters.removeAll { w in
                guard w.seq <= last else { return false }
                ready.append(w.continuation)
                return true
            }
            return ready
        }
        for c in woken { c.resume() }
    }

    private func fence(_ reason: String) {
        logger.critical("replication: \(reason)")
        let woken = state.withLock { s in
            s.fenced = reason
            defer { s.waiters = [] }
            return s.waiters.map(\.continuation)
        }
        for c in woken { c.resume(throwing: HubError.unavailable(reason)) }
    }
}

/// A replication failure that stops the writer rather than being retried.
package struct ReplicationError: Error, CustomStringConvertible {
    package let message: String
    init(_ message: String) { self.message = message }
    package var description: String { message }
}
