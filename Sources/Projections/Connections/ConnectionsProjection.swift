public import Events
public import LMDB
internal import Domain

/// The connection list: every connection with its app, place, status and dates, indexed
/// by account and by location; plus the accounts, locations and apps it refers to.
///
/// ```
/// connections  connection id                  → ConnectionRecord
/// by_account   account id 0x00 connection id   → (empty)   every connection of the account
/// by_location  location id 0x00 connection id  → (empty)
/// places       account or location id         → Place
/// apps         app id                         → AppRecord
/// callbacks    connection id 0x00 seq u64     → CallbackRecord (disconnect callback history)
/// ```
///
/// and the hub's callbacks (``setCallback(_:event:_:)`` and the rest, in
/// `ConnectionsProjection+HubCallbacks.swift`).
public final class ConnectionsProjection: Projection {
    public static let name = "connections"
    public static let schemaVersion = 5

    let connections: Database
    let byAccount: Database
    let byLocation: Database
    let places: Database
    let apps: Database
    let callbacks: Database
    let subscriptions: Database
    let subscribers: Database
    let hubEvents: Database
    let waiting: Database
    let received: Database
    let deliveries: Database
    let waitingCounts: Database

    /// Requests seen in the current batch, written once per connection at its end.
    /// Touched for every request by one thread at a time, never from inside another access
    /// to itself: no run-time exclusivity checks (as in LogsProjection).
    @exclusivity(unchecked) private var requests: [String: (first: Timestamp, last: Timestamp, count: UInt64)] = [:]

    /// Of a request it reads only the connection id and time.
    public static let requestFields = BinaryEventCodec.Bodies.counting

    public init(opening txn: Transaction) throws {
        let create: Database.Options = txn.isReadOnly ? [] : .create
        connections = try txn.openDatabase(named: "connections", options: create)
        byAccount = try txn.openDatabase(named: "by_account", options: create)
        byLocation = try txn.openDatabase(named: "by_location", options: create)
        places = try txn.openDatabase(named: "places", options: create)
        apps = try txn.openDatabase(named: "apps", options: create)
        callbacks = try txn.openDatabase(named: "callbacks", options: create)
        subscriptions = try txn.openDatabase(named: "subscriptions", options: create)
        subscribers = try txn.openDatabase(named: "subscribers", options: create)
        hubEvents = try txn.openDatabase(named: "hub_events", options: create)
        waiting = try txn.openDatabase(named: "waiting", options: create)
        received = try txn.openDatabase(named: "received", options: create)
        deliveries = try txn.openDatabase(named: "deliveries", options: create)
        waitingCounts = try txn.openDatabase(named: "waiting_counts", options: create)
    }

    public func beginBatch() {
        requests.removeAll(keepingCapacity: true)
    }

    public func apply(_ event: Event, seq: UInt64, in txn: Transaction) throws {
        switch event.payload {
        case .accountRegistered(let e):
            let place = Place(id: e.accountID, accountID: e.accountID, name: e.name, timeZone: e.timeZone, isLocation: false)
            try txn.put(places, key: Array(e.accountID.utf8), value: place.encoded())
        case .locationRegistered(let e):
            let place = Place(id: e.locationID, accountID: e.accountID, name: e.name, timeZone: e.timeZone, isLocation: true)
            try txn.put(places, key: Array(e.locationID.utf8), value: place.encoded())
        case .appRegistered(let e):
            try txn.put(apps, key: Array(e.appID.utf8), value: AppRecord(e).encoded())
        case .connectionCreated(let e):
            let record = ConnectionRecord(created: e, at: event.time, seq: seq)
            try txn.put(connections, key: Array(e.connectionID.utf8), value: record.encoded())
            try txn.put(byAccount, key: Key.text(e.accountID) + Array(e.connectionID.utf8), value: [])
            if let location = e.locationID {
                try txn.put(byLocation, key: Key.text(location) + Array(e.connectionID.utf8), value: [])
            }
        case .connectionReconnected(let e):
            try update(e.connectionID, txn) { r in
                if let list = e.customerListID { r.customerListID = list }
                if let catalog = e.catalogID { r.catalogID = catalog }
                r.reconnectedAt = event.time
            }
        case .connectionBlocked(let e):
            try update(e.connectionID, txn) { r in
                r.status = .blocked
                r.blockedAt = event.time
                r.setStatusChange(event.time, e)
            }
        case .connectionUnblocked(let e):
            try update(e.connectionID, txn) { r in
                r.status = .active
                r.unblockedAt = event.time
                r.setStatusChange(event.time, e)
            }
        case .connectionDisconnected(let e):
            try update(e.connectionID, txn) { r in
                r.status = .disconnected
                r.disconnectedAt = event.time
                r.setStatusChange(event.time, e)
            }
            // A disconnection drops its waiting events: nothing more is delivered to it.
            try deleteCallback(e.connectionID, txn, reason: "the connection was disconnected")
        case .requestLogged, .requestBodiesExpired:
            _ = try event.withRequestFields { try applyRequest($0, seq: seq, in: txn) }
        case .requestsRolledUp(let e):
            seen(e.connectionID, first: e.firstTime, last: e.lastTime, count: e.total)
        case .retentionApplied(let r):
            try finishBatch(in: txn)
            try forgetDisconnected(before: r.disconnectedBefore, txn)
            try expireHubEventStates(before: r.bodiesBefore, txn)
        case .connectionTombstoned:
            break
        case .callbackAttempted(let e):
            try recordCallback(e.connectionID, seq: seq, CallbackRecord(time: event.time, attempt: e), txn)
        case .callbackResendRequested(let e):
            try recordCallback(e.connectionID, seq: seq, CallbackRecord(time: event.time, resend: e), txn)
        case .callbackSet(let e):
            try setCallback(e, event: event, txn)
        case .callbackDeleted(let e):
            try deleteCallback(e.connectionID, txn, reason: "the callback was deleted")
        case .hubEventPublished(let e):
            try publish(e, event: event, seq: seq, txn)
        case .callbackDelivered(let e):
            try delivered(e, event: event, seq: seq, txn)
        case .callbackEventAcknowledged(let e):
            try settle(e.connectionID, e.eventID, .acknowledged, reason: nil, txn)
        case .callbackEventDropped(let e):
            try settle(e.connectionID, e.eventID, .dropped, reason: e.reason, txn)
        case .callbackEventResent(let e):
            try resend(e.connectionID, e.eventID, txn)
        case .userRegistered, .userPasswordChanged, .userRemoved, .authorizationCodeIssued, .authorizationCodeRedeemed,
             .catalogRegistered, .customerListRegistered, .alertRaised, .alertResolved, .alertSettingsChanged, .alertNotified, .unknown:
            break
        }
    }

    public func applyRequest(_ request: RequestFields, seq: UInt64, in txn: Transaction) throws {
        // A connection id is a few letters: a string that small is kept inline.
        seen(String(decoding: request.connectionID, as: UTF8.self), first: request.time, last: request.time, count: 1)
    }

    private func recordCallback(_ connection: String, seq: UInt64, _ record: CallbackRecord, _ txn: Transaction) throws {
        // Only for connections still listed (not those compaction folded away).
        guard try txn.get(connections, key: Array(connection.utf8)) != nil else { return }
        var key = Key.text(connection)
        Key.append(&key, seq)
        try txn.put(callbacks, key: key, value: record.encoded())
    }

    private func seen(_ id: String, first: Timestamp, last: Timestamp, count: UInt64) {
        // Changed in place: one lookup, where reading and storing back took two.
        let empty = (first: Timestamp(microseconds: .max), last: Timestamp(microseconds: .min), count: UInt64(0))
        ConnectionsProjection.merge(&requests[id, default: empty], first: first, last: last, count: count)
    }

    private static func merge(
        _ seen: inout (first: Timestamp, last: Timestamp, count: UInt64), first: Timestamp, last: Timestamp, count: UInt64
    ) {
        seen.first = min(seen.first, first)
        seen.last = max(seen.last, last)
        seen.count += count
    }

    /// Drops connections disconnected before `cutoff`, as compaction folds them away.
    private func forgetDisconnected(before cutoff: Timestamp, _ txn: Transaction) throws {
        var gone: [ConnectionRecord] = []
        try txn.scan(connections) { _, value in
            let record = try ConnectionRecord(decoding: value)
            if record.status == .disconnected, let at = record.disconnectedAt, at < cutoff { gone.append(record) }
            return true
        }
        for r in gone {
            try txn.delete(connections, key: Array(r.connectionID.utf8))
            try txn.delete(byAccount, key: Key.text(r.accountID) + Array(r.connectionID.utf8))
            if let location = r.locationID { try txn.delete(byLocation, key: Key.text(location) + Array(r.connectionID.utf8)) }
            var keys: [[UInt8]] = []
            try txn.scan(callbacks, range: .prefix(Key.text(r.connectionID))) { key, _ in
                keys.append(Array(key))
                return true
            }
            for key in keys { try txn.delete(callbacks, key: key) }
            try forgetCallbacks(r, txn)
        }
    }

    public func finishBatch(in txn: Transaction) throws {
        defer { requests.removeAll(keepingCapacity: true) }
        for (id, seen) in requests {
            try update(id, txn) { r in
                r.firstRequestAt = min(r.firstRequestAt ?? seen.first, seen.first)
                r.lastRequestAt = max(r.lastRequestAt ?? seen.last, seen.last)
                r.requestCount += seen.count
            }
        }
    }

    /// Rewrites one connection's record; events about connections never created are
    /// ignored (the journal's writer validates commands, but an imported journal may not).
    private func update(_ id: String, _ txn: Transaction, _ change: (inout ConnectionRecord) -> Void) throws {
        let key = Array(id.utf8)
        guard let bytes = try txn.get(connections, key: key) else { return }
        var record = try ConnectionRecord(decoding: bytes)
        change(&record)
        try txn.put(connections, key: key, value: record.encoded())
    }
}

extension ConnectionRecord {
    fileprivate mutating func setStatusChange(_ time: Timestamp, _ e: ConnectionStatusChanged) {
        statusChangedAt = time
        statusActor = e.actor
        statusReason = e.reason
    }
}
