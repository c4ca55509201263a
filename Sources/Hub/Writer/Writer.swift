internal import Foundation
public import Domain
public import Events
public import Journal
public import Ingestion
public import Logging
internal import Synchronization

/// The journal's single writer: validates commands against the current state, appends
/// them durably, and answers token checks from the same state, so a block is in force the
/// moment it is acknowledged.
public final class Writer: Sendable {
    /// Who a valid token belongs to.
    public typealias TokenOwner = Domain.TokenOwner

    public let journal: Journal
    let state: Mutex<HubState>
    private let gate = AsyncLock()
    /// Derives tokens and the apps' secrets.
    public let tokens: TokenIssuer
    /// The gateway's calls let through and not answered yet: a block waits for them.
    private let callsInFlight = CallsInFlight()
    /// Whether writes are taken, and when the stream holds them.
    let replication: any ReplicationGate
    let allowPrivateCallbacks: Bool
    let logger: Logger

    /// Replays the journal into memory. Request events are skipped without being decoded.
    public init(
        journal: Journal, tokens: TokenIssuer, replication: any ReplicationGate = LocalOnly(), allowPrivateCallbacks: Bool = false,
        logger: Logger
    ) throws {
        self.journal = journal
        self.tokens = tokens
        self.replication = replication
        self.allowPrivateCallbacks = allowPrivateCallbacks
        self.logger = logger
        var state = HubState()
        let requestKind = Event.Kind.requestLogged.rawValue
        try journal.scan { seq, bytes in
            do {
                if try BinaryEventCodec.header(of: bytes).kind == requestKind { return true }
                state.apply(try BinaryEventCodec.decode(bytes))
            } catch {
                logger.error("skipped an undecodable event", metadata: ["journal.seq": "\(seq)", "error": "\(error)"])
            }
            return true
        }
        self.state = Mutex(state)
        logger.info("writer state loaded", metadata: [
            "writer.connections": "\(state.connections.count)", "writer.apps": "\(state.apps.count)",
        ])
    }

    /// Appends one command's event and applies it, holding the command lock throughout,
    /// and gives back what the decision found (`outcome`, nil for a retry). A decision
    /// without an event (a connect that finds its connection) appends nothing: the
    /// receipt is the journal's head.
    ///
    /// With an idempotency key already used, the command is not decided again (the state
    /// has moved on since): the first append's number is the answer, marked replayed.
    func command<Outcome: Sendable>(
        key: IdempotencyKey? = nil, _ decide: @Sendable (HubState) throws(DomainError) -> (Event?, Outcome)
    ) async throws(HubError) -> (receipt: Receipt, outcome: Outcome?) {
        try checkTakesWrites()
        do {
            return try await gate.withLock { () async throws -> (receipt: Receipt, outcome: Outcome?) in
                if let key, let earlier = try await self.earlier(key) {
                    return (Receipt(seq: earlier.range.lowerBound, replayed: true), nil)
                }
                let (event, outcome): (Event?, Outcome)
                do throws(DomainError) {
                    (event, outcome) = try state.withLock { (s: inout HubState) throws(DomainError) in try decide(s) }
                } catch {
                    throw HubError.refused(error)
                }
                guard let event else { return (Receipt(seq: try self.head()), outcome) }
                var batch = RecordBatch()
                do {
                    try batch.appendRecord { try BinaryEventCodec.encode(event, into: &$0) }
                } catch {
                    throw HubError.failed("the event could not be encoded: \(error)")
                }
                let appended = try await self.append(batch, key: key)
                // Under the command lock no one else appends this key, so this is new.
                if !appended.replayed { state.withLock { $0.apply(event) } }
                return (Receipt(seq: appended.range.lowerBound, replayed: appended.replayed), outcome)
            }
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.failed("\(error)")
        }
    }

    /// A command that appends one event the state decides.
    func command(key: IdempotencyKey? = nil, _ decide: @Sendable (HubState) throws(DomainError) -> Event) async throws(HubError) -> Receipt {
        try await command(key: key) { (s: HubState) throws(DomainError) -> (Event?, Void) in (try decide(s), ()) }.receipt
    }

    /// The journal's head, or the core's error when it cannot be read.
    private func head() throws(HubError) -> UInt64 {
        do {
            return try journal.head
        } catch let error as JournalError {
            throw Writer.refusal(error, logger: logger, writing: false)
        } catch {
            throw HubError.failed("\(error)")
        }
    }

    /// The batch appended earlier under `key`, or nil; refused if the key named another batch.
    private func earlier(_ key: IdempotencyKey) async throws(HubError) -> Appended? {
        let found: Appended?
        do {
            found = try journal.appended(underKey: key)
        } catch let error as JournalError {
            throw Writer.refusal(error, logger: logger, writing: false)
        } catch {
            throw HubError.failed("\(error)")
        }
        guard let found else { return nil }
        return try await replicated(found)
    }

    /// Appends `batch`, under `key` if there is one (see ``Journal/append(_:idempotencyKey:)``).
    private func append(_ batch: RecordBatch, key: IdempotencyKey?) async throws(HubError) -> Appended {
        try checkTakesWrites()
        let appended: Appended
        do {
            if let key {
                appended = try await journal.append(batch, idempotencyKey: key)
            } else {
                appended = Appended(range: try await journal.append(batch), replayed: false)
            }
        } catch let error as JournalError {
            throw Writer.refusal(error, logger: logger, writing: true)
        } catch {
            throw HubError.failed("\(error)")
        }
        return try await replicated(appended)
    }

    /// The core's answer to a journal error: a reused idempotency key, or writes not taken.
    private static func refusal(_ error: JournalError, logger: Logger, writing: Bool) -> HubError {
        if error.isIdempotencyKeyReused {
            return .idempotencyKeyReused("Idempotency-Key: \(error)")
        }
        guard writing else { return .unavailable("the journal cannot be read: \(error)") }
        logger.error("append failed", metadata: ["journal.error": "\(error)"])
        if error.isOutOfSpace {
            return .unavailable(
                "the journal cannot take writes: the disk is full or failing (\(error)); nothing was written, retry once space is freed")
        }
        return .unavailable("the journal cannot take writes: \(error)")
    }

    // MARK: Commands

    public func registerAccount(id: String, name: String, timeZone: String, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.registerAccount(id: id, name: name, timeZone: timeZone, at: time)
        }
    }

    public func registerLocation(
        id: String, accountID: String, name: String, timeZone: String, key: IdempotencyKey? = nil
    ) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.registerLocation(id: id, accountID: accountID, name: name, timeZone: timeZone, at: time)
        }
    }

    public func registerApp(_ app: AppRegistered, key: IdempotencyKey? = nil) async throws(HubError) -> AppRegistration {
        let time = Timestamp.now
        let allowPrivate = allowPrivateCallbacks
        let receipt = try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            // Which addresses the notifier may call is this daemon's policy, not the hub's rule.
            if let url = app.disconnectCallbackURL, !allowPrivate, let host = URL(string: url)?.host, AddressPolicy.isPrivateLiteral(host) {
                throw DomainError.invalid(
                    "disconnect_callback_url", "\(host) is a loopback or private address (the daemon's --allow-private-callbacks permits it)")
            }
            return try s.registerApp(app, at: time)
        }
        // Derived from the app id, so a retry is given the same ones. A public client has
        // no secret: it proves its codes with PKCE.
        let client = !app.redirectURIs.isEmpty
        return AppRegistration(
            receipt: receipt, callbackSecret: app.disconnectCallbackURL.map { _ in tokens.callbackSecret(for: app.appID) },
            clientID: client ? app.appID : nil, clientSecret: client && !app.isPublic ? tokens.clientSecret(for: app.appID) : nil)
    }

    /// Registers a catalog of an account or of one of its locations: the grant's picker offers it.
    public func registerCatalog(_ list: ListRegistered, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.catalogRegistered(list), at: time)
        }
    }

    /// Registers a customer list of an account or of one of its locations, as ``registerCatalog(_:key:)``.
    public func registerCustomerList(_ list: ListRegistered, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.customerListRegistered(list), at: time)
        }
    }

    /// Connects an app to an account or one location; the same app, place and device id
    /// give back the existing connection and its token, appending nothing.
    public func connect(
        appID: String, accountID: String, locationID: String?, deviceID: String?, catalogID: String?, customerListID: String?
    ) async throws(HubError) -> ConnectReceipt {
        let time = Timestamp.now
        let tokens = self.tokens
        let (receipt, outcome) = try await command { (s: HubState) throws(DomainError) -> (Event?, (id: String, scope: String, created: Bool)) in
            switch try s.planConnect(appID: appID, accountID: accountID, locationID: locationID, deviceID: deviceID) {
            case .existing(let id, let scope):
                return (nil, (id, scope, false))
            case .new(let scope):
                var id = Writer.newConnectionID()
                while s.connections[id] != nil { id = Writer.newConnectionID() }
                let token = tokens.token(for: id)
                let event = try s.connect(ConnectionCreated(
                    connectionID: id, appID: appID, accountID: accountID, locationID: locationID, deviceID: deviceID,
                    scope: scope, customerListID: customerListID, catalogID: catalogID,
                    tokenDigest: TokenIssuer.digest(token), tokenHint: TokenIssuer.hint(token)), at: time)
                return (event, (id, scope, true))
            }
        }
        // A connect takes no idempotency key: there is always an outcome.
        guard let outcome else { throw HubError.failed("a connect was answered as a retry") }
        return ConnectReceipt(
            receipt: receipt, connectionID: outcome.id, accessToken: tokens.token(for: outcome.id), scope: outcome.scope,
            created: outcome.created)
    }

    public func reconnect(
        _ id: String, catalogID: String?, customerListID: String?, key: IdempotencyKey? = nil
    ) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.reconnect(id, catalogID: catalogID, customerListID: customerListID, at: time)
        }
    }

    /// Blocks a connection. It returns once the gateway's calls on it that were let through
    /// before have been answered by the hub's API (at most the gateway's upstream timeout),
    /// so from the acknowledgement on, the API receives no call made with its token.
    public func block(_ id: String, actor: String, reason: String?, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let receipt = try await appendChecked(.connectionBlocked(ConnectionStatusChanged(connectionID: id, actor: actor, reason: reason)), id, key)
        await callsInFlight.drained(id)
        return receipt
    }

    public func unblock(_ id: String, actor: String, reason: String?, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        try await appendChecked(.connectionUnblocked(ConnectionStatusChanged(connectionID: id, actor: actor, reason: reason)), id, key)
    }

    /// Disconnects a connection; like ``block(_:actor:reason:key:)``, it returns once the
    /// calls let through before it have been answered.
    public func disconnect(_ id: String, actor: String, reason: String?, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let receipt = try await appendChecked(.connectionDisconnected(ConnectionStatusChanged(connectionID: id, actor: actor, reason: reason)), id, key)
        await callsInFlight.drained(id)
        return receipt
    }

    /// A command on one connection that needs nothing but the state's rules.
    private func appendChecked(_ payload: Event.Payload, _ id: String, _ key: IdempotencyKey?) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(payload, at: time)
        }
    }

    /// Asks the notifier to deliver a disconnected connection's callback again.
    public func resendCallback(_ id: String, actor: String, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        let delivery = "resend-" + UUID().uuidString.prefix(8).lowercased()
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.callbackResendRequested(CallbackResendRequested(
                connectionID: id, deliveryID: String(delivery), actor: actor)), at: time)
        }
    }

    // MARK: Import

    /// Appends events given whole (a loadgen sample, an export) as one all-or-nothing
    /// batch, each checked against the state the ones before it leave.
    public func appendEvents(_ events: [Event], key: IdempotencyKey? = nil) async throws(HubError) -> Appended {
        try checkTakesWrites()
        do {
            return try await gate.withLock {
                if let key, let earlier = try await self.earlier(key) { return earlier }
                var next = state.withLock { $0 }
                // Credentials are redacted whichever way a request log arrives.
                let events = events.map { e -> Event in
                    guard case .requestLogged(let r) = e.payload else { return e }
                    return Event(time: e.time, .requestLogged(Redaction.redact(r)))
                }
                for (i, event) in events.enumerated() {
                    do throws(DomainError) {
                        try next.check(event)
                    } catch {
                        throw HubError.refused(events.count > 1 ? error.prefixed("line \(i + 1): ") : error)
                    }
                    next.apply(event)
                }
                var batch = RecordBatch()
                do {
                    for e in events { try batch.appendRecord { try BinaryEventCodec.encode(e, into: &$0) } }
                } catch {
                    throw HubError.failed("an event could not be encoded: \(error)")
                }
                let appended = try await self.append(batch, key: key)
                let final = next
                if !appended.replayed { state.withLock { $0 = final } }
                return appended
            }
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.failed("\(error)")
        }
    }

    // MARK: Ingestion

    /// Appends request logs as one all-or-nothing batch, after checking each names a known
    /// connection; their records were redacted when the batch was built.
    ///
    /// With an idempotency key, a batch sent again is answered with the first append's
    /// numbers (`replayed`) and not appended twice, even when both arrive at once.
    public func ingest(_ batch: RequestLogBatch, key: IdempotencyKey? = nil) async throws(HubError) -> Appended {
        try checkTakesWrites()
        // A retry is answered before the checks: the connection may have changed since.
        if let key, let earlier = try await earlier(key) { return earlier }
        let refused: (Int, String)? = state.withLock { s in
            for (i, id) in batch.connectionIDs.enumerated() {
                if let reason = s.refusalToLog(connection: id) { return (i, reason) }
            }
            return nil
        }
        if let (index, reason) = refused {
            let id = batch.connectionIDs[index]
            let field = batch.lines.isEmpty ? "connection_id" : "lines[\(batch.lines[index])].connection_id"
            throw HubError.refused(.invalid(field, "\(reason) (\"\(id)\")"))
        }
        return try await append(batch.records, key: key)
    }

    /// Appends request logs given as values (the gateway's), redacted here.
    public func ingest(_ requests: [(time: Timestamp, request: RequestLogged)], key: IdempotencyKey? = nil) async throws(HubError) -> Appended {
        var batch = RequestLogBatch(reservingBytes: requests.count * 512, records: requests.count)
        do {
            for (time, request) in requests { try batch.append(time: time, request) }
        } catch {
            throw HubError.failed("a request log could not be encoded: \(error)")
        }
        return try await ingest(batch, key: key)
    }

    /// RFC 7009: the app `appID` gives up `token`. Disconnects the connection the token is
    /// for when it is that app's and not disconnected yet, with the app as the actor
    /// (``DisconnectActor/app(_:)``: no disconnect callback goes back to it); nil when
    /// there is nothing of that app's to revoke (an unknown token, another app's, one
    /// disconnected already), which the app is not told apart.
    public func revoke(token: String, by appID: String) async throws(HubError) -> Receipt? {
        let digest = TokenIssuer.digest(token)
        guard let (id, connection) = state.withLock({ $0.connection(forDigest: digest) }), connection.appID == appID,
              connection.status != .disconnected else { return nil }
        return try await disconnect(id, actor: DisconnectActor.app(appID), reason: "the app revoked its token")
    }

    // MARK: Token check

    /// The owner of an active token, or why the token is refused.
    public func checkToken(_ token: String) throws(HubError) -> TokenOwner {
        let digest = TokenIssuer.digest(token)
        let verdict = state.withLock { $0.verdict(forDigest: digest) }
        guard case .valid(let owner) = verdict else { throw HubError.tokenRefused(verdict.refusal ?? "") }
        return owner
    }

    /// The verdict on a gateway call's token, with the connection it belongs to when there
    /// is one (a blocked connection's calls are still logged). A valid call is counted as
    /// under way, in the same critical section as the check, until ``callAnswered(_:)``.
    public func admitCall(token: String) -> (TokenVerdict, connectionID: String?) {
        let digest = TokenIssuer.digest(token)
        return state.withLock { s in
            let verdict = s.verdict(forDigest: digest)
            let id = verdict == .revoked ? nil : s.connection(forDigest: digest)?.id
            if case .valid = verdict, let id { callsInFlight.enter(id) }
            return (verdict, id)
        }
    }

    /// Ends a call ``admitCall(token:)`` let through.
    public func callAnswered(_ connectionID: String) {
        callsInFlight.leave(connectionID)
    }

    /// Whether a connection exists (for queries that wait on projections).
    public func knows(connection id: String) -> Bool {
        state.withLock { $0.connections[id] != nil }
    }

    // MARK: Helpers

    private static func newConnectionID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
