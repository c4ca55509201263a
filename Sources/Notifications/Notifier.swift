internal import AsyncHTTPClient
internal import Foundation
public import Events
public import Journal
public import Logging
internal import NIOCore
public import Hub
internal import Domain
public import Projections

/// Delivers disconnect callbacks: for each `connectionDisconnected` of an app with a
/// disconnect callback URL, an HTTP POST carrying the app instance id, signed, with a
/// stable delivery id, retried with doubling back-off until an answer from 200 to 499 or
/// the last attempt. Every attempt is reported (and so appended to the journal), which is
/// where a restarted notifier learns what is left to do: delivery is at least once.
///
/// An actor: its deliveries and what it knows of apps and connections change only on it.
public actor Notifier {
    public struct Configuration: Sendable {
        /// The wait after the first failed attempt; it doubles after each, up to 32 times.
        public var retryBase: Duration = .seconds(60)
        public var maxAttempts: Int = 6
        public var timeout: Duration = .seconds(20)
        /// Let callbacks reach loopback and private addresses (tests, private networks).
        public var allowPrivateAddresses = false

        public init() {}

        /// The wait before attempt `n + 1` after `n` failed ones.
        func backoff(after attempts: Int) -> Duration {
            retryBase * (1 << min(max(attempts - 1, 0), 5))
        }
    }

    /// Appends attempts to the journal (through the daemon), all or nothing.
    public typealias Report = @Sendable ([Event]) async throws -> Void

    private struct Delivery {
        var connectionID: String
        var appID: String
        var url: String
        var body: [UInt8]
        var attempts: Int
        var due: Timestamp?
    }

    let journal: Journal
    let tokens: TokenIssuer
    let report: Report
    let configuration: Configuration
    let logger: Logger
    let client: HTTPClient
    /// The projections the hub's events are queued in (nil: only disconnect notices).
    let queries: Queries?
    /// Connections with a hub event being delivered, and their tasks.
    var hubInFlight: Set<String> = []
    var hubTasks: [String: Task<Void, Never>] = [:]
    /// This notifier's own attempts, by connection and event id, until the projection shows them.
    var hubAttempts: [String: (attempts: UInt32, due: Timestamp?)] = [:]
    /// The journal position of the last event that may stop a connection's deliveries (a
    /// block, a disconnection, its callback set or deleted), by connection.
    var hubChanged: [String: UInt64] = [:]
    /// Reports waiting to be sent together, and whether a batch is being sent.
    private var pendingReports: [(events: [Event], done: CheckedContinuation<Void, any Error>)] = []
    private var reporting = false
    /// `<data>/notifier/LOCK`: one notifier per data directory, held while this one lives.
    private let lock: DirectoryLock
    private var apps: [String: String] = [:]  // app id → callback URL
    private var owners: [String: (appID: String, accountID: String, locationID: String?)] = [:]
    private var deliveries: [String: Delivery] = [:]
    /// When and why each connection was disconnected: a resend repeats them.
    private var disconnections: [String: (time: Timestamp, reason: String?)] = [:]
    var next: UInt64 = 1

    public init(
        journal: Journal, lock: DirectoryLock, tokens: TokenIssuer, configuration: Configuration, logger: Logger,
        queries: Queries? = nil, report: @escaping Report
    ) {
        self.queries = queries
        self.journal = journal
        self.lock = lock
        self.tokens = tokens
        self.configuration = configuration
        self.logger = logger
        self.report = report
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.redirectConfiguration = .disallow
        clientConfiguration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(configuration.timeout.components.seconds) + 1))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    }

    deinit {
        try? client.syncShutdown()
    }

    /// How long the notifier lets appends gather after the journal changes.
    static let gatherDelay = Duration.milliseconds(10)

    public func run() async throws {
        logger.info("notifier started")
        while !Task.isCancelled {
            let generation = journal.changeGeneration
            try readNewEvents()
            let now = Timestamp.now
            for id in deliveries.keys.sorted() {
                guard let d = deliveries[id], let due = d.due, due <= now, !Task.isCancelled else { continue }
                await attempt(id, d)
            }
            let hubWake = await startDueHubDeliveries()
            let wake = (deliveries.values.compactMap(\.due) + [hubWake].compactMap { $0 }).min()
            await withTaskGroup(of: Void.self) { group in
                // Appends gather for a moment: a busy journal is read a batch at a time
                // rather than once per commit. A callback coming due does not wait for it.
                group.addTask { await self.journal.waitForChange(after: generation, gathering: Self.gatherDelay) }
                if let wake {
                    let wait = max(wake.microseconds - Timestamp.now.microseconds, 0)
                    group.addTask { try? await Task.sleep(for: .microseconds(wait)) }
                }
                await group.next()
                group.cancelAll()
            }
        }
        for task in hubTasks.values { task.cancel() }
        logger.info("notifier stopped")
    }

    /// Applies what the journal gained since the last call. Records are read where they
    /// lie, a few thousand per read transaction; request logs, most of them, are stepped
    /// over by their kind without being copied or decoded.
    private func readNewEvents() throws {
        let requestKind = Event.Kind.requestLogged.rawValue
        while true {
            var last: UInt64?
            var read = 0
            var events: [(UInt64, Event)] = []
            try journal.scan(from: next) { seq, bytes in
                last = seq
                read += 1
                if let header = try? BinaryEventCodec.header(of: bytes), header.kind != requestKind,
                   let event = try? BinaryEventCodec.decode(bytes) {
                    events.append((seq, event))
                }
                return read < 4096
            }
            guard let last else { return }
            for (seq, event) in events { apply(event, seq: seq) }
            guard last < .max else { return }
            next = last + 1
        }
    }

    private func apply(_ event: Event, seq: UInt64) {
        switch event.payload {
        case .connectionBlocked(let e), .connectionDisconnected(let e) where queries != nil: hubChanged[e.connectionID] = seq
        case .callbackSet(let e) where queries != nil: hubChanged[e.connectionID] = seq
        case .callbackDeleted(let e) where queries != nil: hubChanged[e.connectionID] = seq
        default: break
        }
        switch event.payload {
        case .appRegistered(let e):
            if let url = e.disconnectCallbackURL { apps[e.appID] = url }
        case .connectionCreated(let e):
            owners[e.connectionID] = (e.appID, e.accountID, e.locationID)
        case .connectionDisconnected(let e):
            disconnections[e.connectionID] = (event.time, e.reason)
            // An app that revoked its own token is not told of it.
            if let owner = owners[e.connectionID], DisconnectActor.isTheApp(e.actor, appID: owner.0) { return }
            schedule("disconnect-\(seq)", connection: e.connectionID, at: event.time, reason: e.reason, disconnectedAt: event.time)
        case .callbackResendRequested(let e):
            // The same news again: when and why the connection went, not when the resend was asked.
            let gone = disconnections[e.connectionID]
            schedule(e.deliveryID, connection: e.connectionID, at: event.time, reason: gone?.reason,
                     disconnectedAt: gone?.time ?? event.time)
        case .callbackAttempted(let e):
            guard var d = deliveries[e.deliveryID] else { return }
            d.attempts = max(d.attempts, Int(e.attempt))
            d.due = e.nextAttemptAt
            deliveries[e.deliveryID] = d
        case .accountRegistered, .locationRegistered, .connectionReconnected, .connectionBlocked, .connectionUnblocked,
             .requestLogged, .requestBodiesExpired, .requestsRolledUp, .connectionTombstoned, .retentionApplied,
             .userRegistered, .userPasswordChanged, .userRemoved, .authorizationCodeIssued, .authorizationCodeRedeemed,
             .catalogRegistered, .customerListRegistered,
             .callbackSet, .callbackDeleted, .hubEventPublished, .callbackDelivered, .callbackEventAcknowledged, .callbackEventDropped,
             .callbackEventResent, .alertRaised, .alertResolved, .alertSettingsChanged, .alertNotified, .unknown:
            break
        }
    }

    private func schedule(_ id: String, connection: String, at time: Timestamp, reason: String?, disconnectedAt: Timestamp) {
        guard let owner = owners[connection], let url = apps[owner.appID], deliveries[id] == nil else { return }
        var w = JSONWriter()
        w.beginObject()
        w.string("type", "connection.disconnected")
        w.string("delivery_id", id)
        w.string("app_instance_id", connection)
        w.string("app_id", owner.appID)
        w.string("account_id", owner.accountID)
        w.string("location_id", ifPresent: owner.locationID)
        w.timestamp("disconnected_at", disconnectedAt)
        w.string("reason", ifPresent: reason)
        w.endObject()
        deliveries[id] = Delivery(connectionID: connection, appID: owner.appID, url: url, body: w.bytes, attempts: 0, due: time)
    }

    private func attempt(_ id: String, _ delivery: Delivery) async {
        var d = delivery
        let number = d.attempts + 1
        var status: UInt16?
        var failure: String?
        var final = false
        if let host = URL(string: d.url)?.host, !configuration.allowPrivateAddresses, await AddressPolicy.resolvesToPrivate(host: host) {
            failure = "refused: \(host) is a loopback or private address"
            final = true
        } else {
            var request = HTTPClientRequest(url: d.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "junction-notifier")
            request.headers.add(name: "X-Junction-Delivery", value: id)
            request.headers.add(name: "Idempotency-Key", value: id)
            request.headers.add(name: "X-Junction-Attempt", value: "\(number)")
            request.headers.add(name: "X-Junction-Signature", value: tokens.signature(of: d.body, for: d.appID))
            request.body = .bytes(ByteBuffer(bytes: d.body))
            do {
                let response = try await client.execute(request, timeout: .init(configuration.timeout))
                status = UInt16(response.status.code)
                _ = try? await response.body.collect(upTo: 1 << 20)
            } catch {
                failure = "\(error)"
            }
        }
        let delivered = CallbackDelivery.acknowledges(status: status)
        let now = Timestamp.now
        var nextAttempt: Timestamp?
        if !delivered && !final && number < configuration.maxAttempts {
            let wait = configuration.backoff(after: number)
            nextAttempt = now.adding(wait)
        }
        d.attempts = number
        d.due = nextAttempt
        deliveries[id] = d
        logger.info("callback attempt", metadata: [
            "callback.delivery": "\(id)", "callback.attempt": "\(number)", "callback.status": "\(status.map(String.init) ?? "-")",
            "callback.error": "\(failure ?? "-")",
        ])
        let event = Event(time: now, .callbackAttempted(CallbackAttempted(
            connectionID: d.connectionID, deliveryID: id, attempt: UInt32(number), url: d.url, status: status,
            error: failure, nextAttemptAt: nextAttempt)))
        do {
            try await record([event])
        } catch {
            // Not recorded: a restarted notifier will try again (at least once).
            logger.error("cannot record a callback attempt", metadata: ["callback.delivery": "\(id)", "error": "\(error)"])
        }
    }
}

extension Notifier {
    /// Journals `events` (one delivery's reports, in order) with whatever else is being
    /// reported at the time, in one append: deliveries to many connections at once cost one
    /// group commit, not one each. Returns once they are durable; throws if they are not.
    func record(_ events: [Event]) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pendingReports.append((events, done))
            if !reporting {
                reporting = true
                Task { await self.sendReports() }
            }
        }
    }

    private func sendReports() async {
        while !pendingReports.isEmpty {
            let batch = pendingReports
            pendingReports.removeAll()
            do {
                try await report(batch.flatMap(\.events))
                for item in batch { item.done.resume() }
            } catch {
                // One refused report must not hold the others back: each on its own.
                for item in batch {
                    do {
                        try await report(item.events)
                        item.done.resume()
                    } catch {
                        item.done.resume(throwing: error)
                    }
                }
            }
        }
        reporting = false
    }
}
