internal import Foundation
package import Logging
package import NATS
internal import Synchronization

/// The writer's lease (`--failover auto`): a key of a JetStream key-value bucket, named
/// after the stream, whose value names the writer. The writer rewrites it every
/// ``FailoverSettings/renewInterval``, each time only if its revision is still the
/// writer's own (compare-and-set); followers take it once they have seen one revision for
/// ``FailoverSettings/timeToLive``.
///
/// No two clocks are compared. A follower that saw revision *r* at its time *o* takes the
/// lease at *o* + TTL at the earliest, and *r* was written after the writer sent it, at
/// *s* ≤ *o*. The writer stops acknowledging at *s* + TTL − ``safetyMargin(_:)`` of its
/// own clock, before any follower can have taken the lease, so two writers never
/// acknowledge at once (clocks that run at the same rate are all this assumes).
package final class WriterLease: Sendable {
    private struct State {
        var revision: UInt64
        /// Until when this writer may acknowledge: the last renewal sent, plus the TTL,
        /// less the margin.
        var validUntil: ContinuousClock.Instant
        /// Whether writes were refused for a lapse, to log the return once.
        var lapsed = false
        /// Set when another node wrote the key: this writer is replaced for good.
        var lost: String?
        var stopping = false
    }

    let settings: FailoverSettings
    let key: String
    /// What the key holds while this writer has it: a node id of this process, then its name.
    let holder: [UInt8]
    let holderName: String
    private let bucket: KeyValue
    private let state: Mutex<State>
    private let wake = NSCondition()
    private let logger: Logger

    /// How much earlier than a follower could take the lease the writer stops
    /// acknowledging: a fifth of the TTL.
    static func safetyMargin(_ ttl: Duration) -> Duration { ttl / 5 }

    private init(bucket: KeyValue, key: String, holder: [UInt8], holderName: String, revision: UInt64,
                 sentAt: ContinuousClock.Instant, settings: FailoverSettings, logger: Logger) {
        self.bucket = bucket
        self.key = key
        self.holder = holder
        self.holderName = holderName
        self.settings = settings
        self.logger = logger
        state = Mutex(State(revision: revision, validUntil: sentAt + settings.timeToLive - Self.safetyMargin(settings.timeToLive)))
    }

    /// The bucket of leases on a connection of its own, created if missing. Its calls are
    /// bounded by the renewal interval (at least half a second): a renewal that takes
    /// longer is of no use. Creating or finding the bucket is tried again, a quarter
    /// second apart, for up to 30 seconds (a cluster still forming, a busy machine).
    package static func bucket(servers: [String], settings: FailoverSettings, replicas: Int) async throws -> KeyValue {
        let deadline = ContinuousClock.now + .seconds(30)
        let connection = try await BlockingCall.run(named: "nats-lease") { () throws(ReplicationError) -> NATSConnection in
            do {
                return try NATSConnection(servers: servers, name: "junction lease")
            } catch {
                throw ReplicationError("the lease bucket \(settings.bucket): cannot reach NATS at \(servers.joined(separator: ",")): \(error)")
            }
        }
        while true {
            do {
                return try await BlockingCall.run(named: "nats-lease") { () throws(NATSError) -> KeyValue in
                    // Created, if it must be, with time to place its replicas; then bound
                    // with the short timeout its renewals use.
                    _ = try KeyValue(connection.jetStream(timeout: .seconds(5)), bucket: settings.bucket, replicas: replicas)
                    return try KeyValue(connection.jetStream(timeout: max(settings.renewInterval, .seconds(0.5))),
                                        bucket: settings.bucket, replicas: replicas)
                }
            } catch {
                guard ContinuousClock.now < deadline else {
                    throw ReplicationError("the lease bucket \(settings.bucket) at \(servers.joined(separator: ",")): \(error)")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    static func value(node: String, name: String) -> [UInt8] { Array("\(node) \(name)".utf8) }

    /// The name of the node a lease's value names (past its node id).
    static func holderName(_ value: [UInt8]) -> String {
        let text = String(decoding: value, as: UTF8.self)
        return text.firstIndex(of: " ").map { String(text[text.index(after: $0)...]) } ?? text
    }

    /// Takes the lease for `name` by compare-and-set: created if the key has no value,
    /// else written over `seen`, the revision the caller saw lapse. Nil when another node
    /// wrote it first.
    package static func take(
        _ bucket: KeyValue, key: String, seen: UInt64?, name: String, settings: FailoverSettings, logger: Logger
    ) async -> WriterLease? {
        let holder = value(node: UUID().uuidString.lowercased(), name: name)
        let sentAt = ContinuousClock.now
        let revision = try? await BlockingCall.run(named: "nats-lease") { () throws(NATSError) -> UInt64 in
            if let seen { try bucket.update(key, holder, last: seen) } else { try bucket.create(key, holder) }
        }
        guard let revision else { return nil }
        let lease = WriterLease(bucket: bucket, key: key, holder: holder, holderName: name, revision: revision, sentAt: sentAt,
                                settings: settings, logger: logger)
        lease.startRenewing()
        return lease
    }

    /// The lease for a writer that starts: taken at once when nobody holds it, else once
    /// its holder has not renewed it for the TTL. Refused when the holder goes on
    /// renewing it past `patience`: another writer is live.
    package static func acquire(
        servers: [String], replicas: Int, key: String, name: String, settings: FailoverSettings, patience: Duration, logger: Logger
    ) async throws -> WriterLease {
        let bucket = try await Self.bucket(servers: servers, settings: settings, replicas: replicas)
        let deadline = ContinuousClock.now + patience
        var seen: (entry: KeyValue.Entry?, since: ContinuousClock.Instant)?
        var said = false
        while true {
            let entry = try await BlockingCall.run(named: "nats-lease") { () throws(ReplicationError) -> KeyValue.Entry? in
                do { return try bucket.entry(key) } catch { throw ReplicationError("cannot read the writer's lease \(key): \(error)") }
            }
            if seen == nil || seen?.entry?.revision != entry?.revision { seen = (entry, .now) }
            if entry == nil || ContinuousClock.now - seen!.since >= settings.timeToLive {
                if let lease = await take(bucket, key: key, seen: entry?.revision, name: name, settings: settings, logger: logger) {
                    logger.notice("failover: this writer holds the lease", metadata: ["failover.key": "\(key)"])
                    return lease
                }
                seen = nil  // written meanwhile: watched again
            }
            guard ContinuousClock.now < deadline else {
                let holder = entry.map { holderName($0.value) } ?? "?"
                throw ReplicationError(
                    "the writer's lease of stream \(key) is held by \(holder), who renews it: another writer is live; "
                        + "start this one as a follower (junction follow --failover auto)")
            }
            if !said, let entry {
                logger.notice("failover: waiting for the lease to lapse", metadata: [
                    "failover.key": "\(key)", "failover.holder": "\(holderName(entry.value))",
                ])
                said = true
            }
            try await Task.sleep(for: settings.renewInterval / 2)
        }
    }

    /// Why this writer must not acknowledge a write now, if it must not: its lease was
    /// taken by another node, or it could not renew it in time.
    package var refusal: String? {
        state.withLock { s in
            if let lost = s.lost { return lost }
            guard ContinuousClock.now < s.validUntil else {
                return "this writer could not renew its lease in time (the cluster is out of reach?): it acknowledges "
                    + "nothing until it does, since a follower may be taking over"
            }
            return nil
        }
    }

    package func stop() {
        state.withLock { $0.stopping = true }
        wake.lock()
        wake.signal()
        wake.unlock()
    }

    private func startRenewing() {
        let thread = Thread { [self] in renew() }
        thread.name = "writer-lease"
        thread.start()
    }

    /// The renewing thread: a compare-and-set every interval, until stopped or replaced.
    private func renew() {
        while true {
            wake.lock()
            _ = wake.wait(until: Date().addingTimeInterval(settings.renewInterval.secondsWithFraction))
            wake.unlock()
            let (stopping, revision, lost) = state.withLock { ($0.stopping, $0.revision, $0.lost) }
            if stopping || lost != nil { return }
            let sentAt = ContinuousClock.now
            do {
                let next = try bucket.update(key, holder, last: revision)
                let back = state.withLock { s in
                    s.revision = next
                    s.validUntil = max(s.validUntil, sentAt + settings.timeToLive - Self.safetyMargin(settings.timeToLive))
                    defer { s.lapsed = false }
                    return s.lapsed
                }
                if back { logger.notice("failover: the lease is renewed again; writes are acknowledged again", metadata: ["failover.key": "\(key)"]) }
            } catch {
                // Another node's write, our own whose answer was lost, or no answer: the key
                // says which.
                let entry = try? bucket.entry(key)
                if let entry, entry.revision != revision, entry.value == holder {
                    state.withLock { $0.revision = entry.revision }
                } else if let entry, entry.revision != revision {
                    let reason = "this writer's lease of stream \(key) was taken by \(Self.holderName(entry.value)): it is replaced "
                        + "and acknowledges nothing more; restart it as a follower"
                    state.withLock { $0.lost = reason }
                    logger.critical("failover: \(reason)")
                    return
                }
                let first = state.withLock { s in
                    guard ContinuousClock.now >= s.validUntil, !s.lapsed else { return false }
                    s.lapsed = true
                    return true
                }
                if first {
                    logger.critical("failover: the lease could not be renewed in time; writes are refused", metadata: [
                        "failover.key": "\(key)", "error": "\(error)",
                    ])
                } else {
                    logger.warning("failover: renewing the lease failed", metadata: ["failover.key": "\(key)", "error": "\(error)"])
                }
            }
        }
    }
}
