internal import Foundation
internal import Synchronization
package import Logging
package import ServiceLifecycle
internal import Events
internal import Ingestion
package import Hub
internal import NATS
internal import Journal
internal import Crypto

/// The hub publishes its events where the journal is: a request on NATS subject
/// `junction.hub-events` (the body as `POST /v1/hub-events` takes it, an optional
/// `Idempotency-Key` header), answered by whichever daemon of the cluster writes the
/// journal now (`{"first_seq", "last_seq", "ids"}`, or `{"error_type", "message"}`). A
/// follower does not subscribe; promoted, it does.
package final class HubEventService: Service, Sendable {
    package static let subject = "junction.hub-events"
    /// One member of the group gets each request: the writer (a deposed one, still
    /// subscribed for a moment, would refuse the write).
    static let queue = "junction-writer"

    private let servers: [String]
    private let writer: Writer
    private let role: ReplicationRole
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)

    package init(servers: [String], writer: Writer, role: ReplicationRole, logger: Logger) {
        self.servers = servers
        self.writer = writer
        self.role = role
        self.logger = logger
    }

    package func run() async throws {
        let (requests, continuation) = AsyncStream.makeStream(of: NATSMessage.self, bufferingPolicy: .bufferingNewest(4096))
        let connection = Mutex<NATSConnection?>(nil)
        // libnats blocks: a thread of its own reads the subscription while this daemon writes.
        let reader = Thread { [self] in
            var subscription: NATSSubscription?
            while !stopped.load(ordering: .acquiring) {
                if role.follower != nil {
                    subscription = nil
                    Thread.sleep(forTimeInterval: 0.5)
                    continue
                }
                do {
                    if subscription == nil {
                        let c = try NATSConnection(servers: servers, name: "junction hub events")
                        subscription = try c.subscribe(Self.subject, queue: Self.queue)
                        connection.withLock { $0 = c }
                        logger.notice("taking hub events on NATS", metadata: ["nats.subject": "\(Self.subject)"])
                    }
                    if let message = try subscription?.next(timeout: .seconds(1)) { continuation.yield(message) }
                } catch {
                    logger.warning("hub events on NATS: \(error); trying again")
                    subscription = nil
                    Thread.sleep(forTimeInterval: 1)
                }
            }
            continuation.finish()
        }
        reader.name = "nats-hub-events"
        reader.start()
        await withGracefulShutdownHandler {
            for await message in requests {
                guard let reply = message.reply else { continue }
                let answer = await answer(message)
                try? connection.withLock { $0 }?.publish(reply, answer)
            }
        } onGracefulShutdown: {
            self.stopped.store(true, ordering: .releasing)
        }
        stopped.store(true, ordering: .releasing)
    }

    /// Publishes the request's events; the answer's JSON.
    private func answer(_ message: NATSMessage) async -> [UInt8] {
        var w = JSONWriter()
        func refusal(_ type: String, _ text: String) -> [UInt8] {
            w.beginObject()
            w.string("error_type", type)
            w.string("message", text)
            w.endObject()
            return w.bytes
        }
        let locations = writer.withState { $0.locations }
        let events: [(time: Timestamp, event: HubEventPublished)]
        do throws(HubEventLine.BatchRefusal) {
            events = try HubEventLine.parseBatch(message.data, now: .now) { locations[$0] }
        } catch {
            return refusal(error.malformed ? "bad_request" : "unprocessable_entity", error.description)
        }
        guard !events.isEmpty else { return refusal("unprocessable_entity", "no events") }
        var key: IdempotencyKey?
        if let name = message.headers["Idempotency-Key"] {
            guard (1...IdempotencyKey.maxBytes).contains(name.utf8.count) else {
                return refusal("bad_request", "Idempotency-Key: a key is 1 to \(IdempotencyKey.maxBytes) characters")
            }
            key = IdempotencyKey(name, fingerprint: Array(SHA256.hash(data: Array(Self.subject.utf8) + [10] + message.data)))
        }
        do {
            let (appended, ids) = try await writer.publishHubEvents(events, key: key)
            w.beginObject()
            w.unsigned("first_seq", appended.range.lowerBound)
            w.unsigned("last_seq", appended.range.upperBound)
            w.beginArray("ids")
            for id in ids { w.string(nil, id) }
            w.endArray()
            w.endObject()
            return w.bytes
        } catch {
            return refusal(error.code == .unavailable ? "service_unavailable" : "unprocessable_entity", error.message)
        }
    }
}
