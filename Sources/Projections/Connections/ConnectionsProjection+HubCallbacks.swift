internal import Events
internal import LMDB
internal import Domain

/// The hub's callbacks in the connection list: each connection's subscription, the hub's
/// events fanned out to the connections that receive them, and every delivery attempt.
///
/// ```
/// subscriptions  connection id                       → CallbackSet (binary event payload)
/// subscribers    place id 0x00 connection id          → (empty)  connections with a callback, by
///                                                                 location, or by account for
///                                                                 account-level ones
/// hub_events     event id                             → the hubEventPublished event, encoded
/// waiting        connection id 0x00 seq u64           → event id  (in the order of delivery)
/// received       connection id 0x00 event id          → ReceivedState
/// deliveries     connection id 0x00 seq u64           → the callbackDelivered event, encoded
/// waiting_counts event id                             → u32: the connections it still waits for
/// ```
extension ConnectionsProjection {
    func setCallback(_ e: CallbackSet, event: Event, _ txn: Transaction) throws {
        guard let record = try record(e.connectionID, txn), record.status != .disconnected else { return }
        // A replaced callback keeps its waiting events; one that listens to fewer pairs
        // keeps those too (the hub lists them until acknowledged or dropped).
        try txn.put(subscriptions, key: Array(e.connectionID.utf8), value: try BinaryEventCodec.encode(event))
        try txn.put(subscribers, key: Key.text(record.locationID ?? record.accountID) + Array(e.connectionID.utf8), value: [])
    }

    func deleteCallback(_ connection: String, _ txn: Transaction, reason: String) throws {
        guard let record = try record(connection, txn) else { return }
        _ = try txn.delete(subscriptions, key: Array(connection.utf8))
        _ = try txn.delete(subscribers, key: Key.text(record.locationID ?? record.accountID) + Array(connection.utf8))
        try dropWaiting(connection, reason: reason, txn)
    }

    func publish(_ e: HubEventPublished, event: Event, seq: UInt64, _ txn: Transaction) throws {
        try txn.put(hubEvents, key: Array(e.eventID.utf8), value: try BinaryEventCodec.encode(event))
        var candidates: [String] = []
        for place in [e.locationID, e.accountID] {
            let prefix = Key.text(place)
            try txn.scan(subscribers, range: .prefix(prefix)) { key, _ in
                candidates.append(String(decoding: key[prefix.count...], as: UTF8.self))
                return true
            }
        }
        var receivers: UInt32 = 0
        for connection in candidates {
            guard let receiver = try receiver(connection, txn), HubEventRouting.receives(receiver, e) else { continue }
            receivers += 1
            var key = Key.text(connection)
            Key.append(&key, seq)
            try txn.put(waiting, key: key, value: Array(e.eventID.utf8))
            try txn.put(received, key: Key.text(connection) + Array(e.eventID.utf8), value: ReceivedState(state: .waiting, seq: seq).encoded())
        }
        try txn.put(waitingCounts, key: Array(e.eventID.utf8), value: Key.uint32(receivers))
    }

    func delivered(_ e: CallbackDelivered, event: Event, seq: UInt64, _ txn: Transaction) throws {
        guard try record(e.connectionID, txn) != nil else { return }
        var key = Key.text(e.connectionID)
        Key.append(&key, seq)
        try txn.put(deliveries, key: key, value: try BinaryEventCodec.encode(event))
        try change(e.connectionID, e.eventID, txn) { s in
            s.attempts = max(s.attempts, e.attempt)
            s.lastStatus = e.status
            s.nextAttemptAt = e.nextAttemptAt
            if s.state == .waiting, CallbackDelivery.acknowledges(status: e.status) { s.state = .delivered }
        }
    }

    func settle(_ connection: String, _ eventID: String, _ state: ReceivedEvent.State, reason: String?, _ txn: Transaction) throws {
        try change(connection, eventID, txn) { s in
            guard s.state == .waiting else { return }
            s.state = state
            s.reason = reason
            s.nextAttemptAt = nil
        }
    }

    /// A dropped event waits again, in its place in the queue (its publish order), its
    /// attempts counted afresh; the earlier attempts stay listed.
    func resend(_ connection: String, _ eventID: String, _ txn: Transaction) throws {
        guard try txn.get(subscriptions, key: Array(connection.utf8)) != nil else { return }
        let key = Key.text(connection) + Array(eventID.utf8)
        guard let bytes = try txn.get(received, key: key) else { return }
        var state = try ReceivedState(decoding: bytes)
        guard state.state == .dropped else { return }
        state.state = .waiting
        state.attempts = 0
        state.lastStatus = nil
        state.nextAttemptAt = nil
        state.reason = nil
        try txn.put(received, key: key, value: state.encoded())
        var waitingKey = Key.text(connection)
        Key.append(&waitingKey, state.seq)
        try txn.put(waiting, key: waitingKey, value: Array(eventID.utf8))
        try countWaiting(eventID, by: 1, txn)
    }

    private func countWaiting(_ eventID: String, by change: Int64, _ txn: Transaction) throws {
        let key = Array(eventID.utf8)
        let now = try txn.get(waitingCounts, key: key).map { Int64(Key.readUInt32($0, at: 0)) } ?? 0
        try txn.put(waitingCounts, key: key, value: Key.uint32(UInt32(clamping: max(now + change, 0))))
    }

    /// The cutoffs of a compaction: a settled event (no connection waits for it) older than
    /// the bodies' cutoff keeps no states, as compaction rewrote its record.
    func expireHubEventStates(before cutoff: Timestamp, _ txn: Transaction) throws {
        var expired: [(key: [UInt8], value: [UInt8])] = []
        try txn.scan(hubEvents) { key, value in
            let event = try BinaryEventCodec.decode(value)
            guard event.time < cutoff, case .hubEventPublished(let e) = event.payload, e.hasStates,
                  (try txn.get(waitingCounts, key: Array(key)).map { Key.readUInt32($0, at: 0) } ?? 0) == 0 else { return true }
            expired.append((Array(key), try BinaryEventCodec.encode(Event(time: event.time, .hubEventPublished(e.withoutStates)))))
            return true
        }
        for (key, value) in expired { try txn.put(hubEvents, key: key, value: value) }
    }

    /// Every waiting event of `connection` is dropped (its callback or itself went).
    func dropWaiting(_ connection: String, reason: String, _ txn: Transaction) throws {
        var ids: [String] = []
        try txn.scan(waiting, range: .prefix(Key.text(connection))) { _, value in
            ids.append(String(decoding: value, as: UTF8.self))
            return true
        }
        for id in ids { try settle(connection, id, .dropped, reason: reason, txn) }
    }

    /// Forgets everything of a connection compaction folded away (its hub events stay for
    /// their other receivers).
    func forgetCallbacks(_ r: ConnectionRecord, _ txn: Transaction) throws {
        _ = try txn.delete(subscriptions, key: Array(r.connectionID.utf8))
        _ = try txn.delete(subscribers, key: Key.text(r.locationID ?? r.accountID) + Array(r.connectionID.utf8))
        for database in [waiting, received, deliveries] {
            var keys: [[UInt8]] = []
            try txn.scan(database, range: .prefix(Key.text(r.connectionID))) { key, _ in
                keys.append(Array(key))
                return true
            }
            for key in keys { _ = try txn.delete(database, key: key) }
        }
    }

    /// Changes the state of a received event; a waiting one that ends leaves `waiting`.
    private func change(_ connection: String, _ eventID: String, _ txn: Transaction, _ body: (inout ReceivedState) -> Void) throws {
        let key = Key.text(connection) + Array(eventID.utf8)
        guard let bytes = try txn.get(received, key: key) else { return }
        var state = try ReceivedState(decoding: bytes)
        let before = state.state
        body(&state)
        try txn.put(received, key: key, value: state.encoded())
        if before == .waiting, state.state != .waiting {
            var waitingKey = Key.text(connection)
            Key.append(&waitingKey, state.seq)
            _ = try txn.delete(waiting, key: waitingKey)
            try countWaiting(eventID, by: -1, txn)
        }
    }

    private func record(_ connection: String, _ txn: Transaction) throws -> ConnectionRecord? {
        guard let bytes = try txn.get(connections, key: Array(connection.utf8)) else { return nil }
        return try ConnectionRecord(decoding: bytes)
    }

    /// The connection as the routing rule sees it, with its callback's pairs.
    private func receiver(_ connection: String, _ txn: Transaction) throws -> HubEventRouting.Receiver? {
        guard let r = try record(connection, txn), let bytes = try txn.get(subscriptions, key: Array(connection.utf8)),
              case .callbackSet(let subscription) = try BinaryEventCodec.decode(bytes).payload else { return nil }
        let scope = (try? Scope(parsing: r.scope)) ?? Scope(level: r.level, permissions: [])
        return HubEventRouting.Receiver(
            connectionID: connection, accountID: r.accountID, locationID: r.locationID, scope: scope, status: r.status,
            catalogID: r.catalogID, customerListID: r.customerListID, events: Set(subscription.events))
    }
}
