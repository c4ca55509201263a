internal import AsyncHTTPClient
internal import Crypto
internal import Foundation
public import Events
public import Journal
public import Logging
internal import NIOCore

/// Tells people of alerts: an e-mail to each owner of the connection's account, in their
/// language, and a signed POST to the operators' webhook, when the alert is raised and
/// when it is resolved. Every attempt is journaled (`alertNotified`); a failed one is
/// tried again with doubling back-off. What is left to do is read back from the journal
/// after a restart: a notification journaled as delivered is never sent again.
///
/// An actor: its work list changes only on it.
public actor AlertMailer {
    public struct Configuration: Sendable {
        public var smtp: SMTPClient.Configuration?
        /// The operators' webhook; nil: none.
        public var webhookURL: String?
        /// The key of the webhook's `X-Junction-Signature` (HMAC-SHA256 of the body).
        public var webhookSecret: [UInt8] = []
        /// The back office's address, for the links in the e-mails (`https://junction.example`).
        public var linkBase: String?
        public var retryBase: Duration = .seconds(30)
        public var maxAttempts = 8
        /// An alert older than this when first read is not sent (a journal replayed long after).
        public var staleAfter: Duration = .seconds(24 * 3600)

        public init() {}

        /// The wait before attempt `n + 1` after `n` failed ones.
        func backoff(after attempts: Int) -> Duration {
            retryBase * (1 << min(max(attempts - 1, 0), 6))
        }

        public var isEnabled: Bool { smtp != nil || webhookURL != nil }
    }

    /// Appends attempts to the journal, all or nothing.
    public typealias Report = @Sendable ([Event]) async throws -> Void

    /// One notification: one phase of one alert to one address.
    struct Work: Hashable {
        var alertID: String
        var phase: AlertPhase
        var channel: AlertChannel
        var address: String
    }

    struct Progress {
        var message: AlertMessage
        var language: String
        var attempts: Int
        var due: Timestamp?
    }

    let journal: Journal
    let configuration: Configuration
    let logger: Logger
    let report: Report
    let client: HTTPClient
    private var work: [Work: Progress] = [:]
    private var next: UInt64 = 1
    // What the messages name, read from the journal.
    private var owners: [String: (account: String, language: String)] = [:]
    private var accounts: [String: String] = [:]
    private var locations: [String: String] = [:]
    private var apps: [String: String] = [:]
    private var connections: [String: (app: String, account: String, location: String?)] = [:]
    private var muted: Set<String> = []
    private var alerts: [String: AlertRaised] = [:]

    public init(journal: Journal, configuration: Configuration, logger: Logger, report: @escaping Report) {
        self.journal = journal
        self.configuration = configuration
        self.logger = logger
        self.report = report
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.redirectConfiguration = .disallow
        clientConfiguration.timeout = .init(connect: .seconds(5), read: .seconds(20))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    }

    deinit {
        try? client.syncShutdown()
    }

    /// Runs until cancelled; sends nothing while `mayWrite` says this node does not write
    /// (a follower: the writer's mailer sends).
    public func run(mayWrite: @escaping @Sendable () -> Bool) async throws {
        logger.info("alert mailer started", metadata: [
            "alerts.smtp": "\(configuration.smtp.map { "\($0.host):\($0.port)" } ?? "-")",
            "alerts.webhook": "\(configuration.webhookURL ?? "-")",
        ])
        while !Task.isCancelled {
            let generation = journal.changeGeneration
            try readNewEvents()
            if mayWrite() {
                let now = Timestamp.now
                for (key, progress) in work.sorted(by: { ($0.key.alertID, $0.key.address) < ($1.key.alertID, $1.key.address) }) {
                    guard let due = progress.due, due <= now, !Task.isCancelled else { continue }
                    await attempt(key, progress)
                }
            }
            let wake = work.values.compactMap(\.due).min()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.journal.waitForChange(after: generation, gathering: .milliseconds(20)) }
                let wait = wake.map { max($0.microseconds - Timestamp.now.microseconds, 0) } ?? 1_000_000
                group.addTask { try? await Task.sleep(for: .microseconds(min(wait, 1_000_000))) }
                await group.next()
                group.cancelAll()
            }
        }
        logger.info("alert mailer stopped")
    }

    private func readNewEvents() throws {
        let requestKind = Event.Kind.requestLogged.rawValue
        while true {
            var last: UInt64?
            var events: [Event] = []
            var read = 0
            try journal.scan(from: next) { seq, bytes in
                last = seq
                read += 1
                if let header = try? BinaryEventCodec.header(of: bytes), header.kind != requestKind,
                   let event = try? BinaryEventCodec.decode(bytes) {
                    events.append(event)
                }
                return read < 4096
            }
            guard let last else { return }
            for event in events { apply(event) }
            guard last < .max else { return }
            next = last + 1
        }
    }

    private func apply(_ event: Event) {
        switch event.payload {
        case .accountRegistered(let e): accounts[e.accountID] = e.name
        case .locationRegistered(let e): locations[e.locationID] = e.name
        case .appRegistered(let e): apps[e.appID] = e.name
        case .connectionCreated(let e): connections[e.connectionID] = (e.appID, e.accountID, e.locationID)
        case .userRegistered(let e):
            if e.role == .owner, let account = e.accountID { owners[e.email] = (account, e.language ?? "fr") }
        case .userRemoved(let e): owners[e.email] = nil
        case .alertSettingsChanged(let e):
            if e.muted { muted.insert(e.connectionID) } else { muted.remove(e.connectionID) }
        case .alertRaised(let e):
            alerts[e.alertID] = e
            schedule(e, phase: .raised, state: nil, at: event.time)
        case .alertResolved(let e):
            guard let raised = alerts[e.alertID] else { return }
            schedule(raised, phase: .resolved, state: e.state, at: event.time)
        case .alertNotified(let e):
            let key = Work(alertID: e.alertID, phase: e.phase, channel: e.channel, address: e.address)
            guard var progress = work[key] else { return }
            if e.delivered || e.nextAttemptAt == nil {
                work[key] = nil
            } else {
                progress.attempts = max(progress.attempts, Int(e.attempt))
                progress.due = e.nextAttemptAt
                work[key] = progress
            }
        default:
            break
        }
    }

    private func schedule(_ alert: AlertRaised, phase: AlertPhase, state: String?, at time: Timestamp) {
        guard !muted.contains(alert.connectionID) else { return }
        guard Timestamp.now.microseconds - time.microseconds < Int64(configuration.staleAfter.components.seconds) * 1_000_000 else { return }
        let c = connections[alert.connectionID]
        let place = c?.location.flatMap { locations[$0] } ?? accounts[alert.accountID] ?? alert.accountID
        let link = configuration.linkBase.map { base in
            (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/connections/\(alert.connectionID)/check"
        }
        let message = AlertMessage(
            alertID: alert.alertID, phase: phase, condition: alert.condition, reason: alert.reason, connectionID: alert.connectionID,
            appName: c.flatMap { apps[$0.app] } ?? "?", placeName: place, accountID: alert.accountID, state: state, time: time,
            link: link)
        if configuration.smtp != nil {
            for (email, owner) in owners where owner.account == alert.accountID {
                work[Work(alertID: alert.alertID, phase: phase, channel: .email, address: email)] =
                    Progress(message: message, language: owner.language, attempts: 0, due: time)
            }
        }
        if let url = configuration.webhookURL {
            work[Work(alertID: alert.alertID, phase: phase, channel: .webhook, address: url)] =
                Progress(message: message, language: "en", attempts: 0, due: time)
        }
    }

    private func attempt(_ key: Work, _ progress: Progress) async {
        let number = progress.attempts + 1
        var failure: String?
        var permanent = false
        switch key.channel {
        case .email:
            guard let smtp = configuration.smtp else { return }
            let message = SMTPMessage(
                to: key.address, subject: progress.message.subject(language: progress.language),
                body: progress.message.text(language: progress.language),
                messageID: "\(key.alertID).\(key.phase.name).\(Self.digest(key.address))@junction")
            do {
                _ = try await SMTPClient(configuration: smtp).send(message)
            } catch {
                failure = error.description
                permanent = error.isPermanent
            }
        case .webhook:
            let body = progress.message.json()
            var request = HTTPClientRequest(url: key.address)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "junction-alerts")
            let delivery = "\(key.alertID).\(key.phase.name)"
            request.headers.add(name: "X-Junction-Delivery", value: delivery)
            request.headers.add(name: "Idempotency-Key", value: delivery)
            request.headers.add(name: "X-Junction-Signature", value: Self.signature(of: body, key: configuration.webhookSecret))
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(20))
                _ = try? await response.body.collect(upTo: 1 << 20)
                if !(200..<300).contains(response.status.code) {
                    failure = "HTTP \(response.status.code)"
                    permanent = (400..<500).contains(response.status.code) && response.status.code != 429
                }
            } catch {
                failure = "\(error)"
            }
        }
        let now = Timestamp.now
        let nextAttempt: Timestamp? = failure != nil && !permanent && number < configuration.maxAttempts
            ? now.adding(configuration.backoff(after: number)) : nil
        if failure == nil || nextAttempt == nil {
            work[key] = nil
        } else {
            work[key] = Progress(message: progress.message, language: progress.language, attempts: number, due: nextAttempt)
        }
        logger.info("alert notification", metadata: [
            "alert.id": "\(key.alertID)", "alert.phase": "\(key.phase.name)", "alert.channel": "\(key.channel.name)",
            "alert.address": "\(key.address)", "alert.attempt": "\(number)", "alert.error": "\(failure ?? "-")",
        ])
        let event = Event(time: now, .alertNotified(AlertNotified(
            alertID: key.alertID, connectionID: progress.message.connectionID, phase: key.phase, channel: key.channel,
            address: key.address, attempt: UInt32(number), delivered: failure == nil, error: failure, nextAttemptAt: nextAttempt)))
        do {
            try await report([event])
        } catch {
            // Not journaled: after a restart this notification is sent again (the window
            // between the server's acceptance and the journal's commit; docs/health.md).
            logger.error("cannot journal an alert notification", metadata: ["alert.id": "\(key.alertID)", "error": "\(error)"])
        }
    }

    /// `sha256=` and the HMAC-SHA256 of `body` in hex, as the callbacks' signature.
    public static func signature(of body: [UInt8], key: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: key))
        return "sha256=" + HexText.encode(Array(mac))
    }

    static func digest(_ text: String) -> String {
        HexText.encode(Array(SHA256.hash(data: Array(text.utf8)).prefix(6)))
    }
}
