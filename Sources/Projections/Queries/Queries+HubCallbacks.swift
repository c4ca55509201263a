public import Events
internal import LMDB
internal import Domain

/// The hub's callbacks as the gateway, the back office, the command line and the notifier
/// read them.
extension Queries {
    /// A connection's callback, or nil when it has none.
    public func callback(_ id: String) throws -> CallbackSet? {
        try connectionsStore.read { txn in
            guard let bytes = try txn.get(connections.subscriptions, key: Array(id.utf8)),
                  case .callbackSet(let e) = try BinaryEventCodec.decode(bytes).payload else { return nil }
            return e
        }
    }

    /// Waiting events of a connection in the order of delivery, after `cursor` (a sequence
    /// number from an earlier page), at most `count`; and the cursor of the next page.
    public func waitingEvents(_ id: String, after cursor: UInt64? = nil, count: Int = 100) throws -> (events: [ReceivedEvent], next: UInt64?) {
        try connectionsStore.read { txn in
            var lower = Key.text(id)
            Key.append(&lower, (cursor ?? 0) &+ (cursor == nil ? 0 : 1))
            var upper = Key.text(id)
            Key.append(&upper, UInt64.max)
            var ids: [String] = []
            var more = false
            try txn.scan(connections.waiting, range: KeyRange(lower: lower, upper: upper)) { _, value in
                if ids.count == count {
                    more = true
                    return false
                }
                ids.append(String(decoding: value, as: UTF8.self))
                return true
            }
            let events = try ids.compactMap { try receivedEvent(id, $0, txn) }
            return (events, more ? events.last?.seq : nil)
        }
    }

    /// How many events wait for a connection.
    public func waitingCount(_ id: String) throws -> Int {
        try connectionsStore.read { txn in
            var n = 0
            try txn.scan(connections.waiting, range: .prefix(Key.text(id))) { _, _ in
                n += 1
                return true
            }
            return n
        }
    }

    /// The events a connection received that are now in `state`, oldest first (the dropped
    /// ones, say, for Renvoyer).
    public func receivedEvents(_ id: String, in state: ReceivedEvent.State) throws -> [ReceivedEvent] {
        try connectionsStore.read { txn in
            var found: [ReceivedEvent] = []
            let prefix = Key.text(id)
            try txn.scan(connections.received, range: .prefix(prefix)) { key, value in
                guard try ReceivedState(decoding: value).state == state else { return true }
                if let e = try receivedEvent(id, String(decoding: key[prefix.count...], as: UTF8.self), txn) { found.append(e) }
                return true
            }
            return found.sorted { $0.seq < $1.seq }
        }
    }

    /// One delivery attempt of a connection, by the sequence number of its record.
    public func delivery(_ id: String, seq: UInt64) throws -> DeliveryAttempt? {
        try connectionsStore.read { txn in
            var key = Key.text(id)
            Key.append(&key, seq)
            guard let bytes = try txn.get(connections.deliveries, key: key) else { return nil }
            let event = try BinaryEventCodec.decode(bytes)
            guard case .callbackDelivered(let e) = event.payload else { return nil }
            return DeliveryAttempt(time: event.time, seq: seq, attempt: e)
        }
    }

    /// One event a connection received, whatever became of it.
    public func receivedEvent(_ id: String, eventID: String) throws -> ReceivedEvent? {
        try connectionsStore.read { txn in try receivedEvent(id, eventID, txn) }
    }

    /// A connection's delivery attempts, oldest first; only the failed ones with `failedOnly`.
    public func deliveries(_ id: String, failedOnly: Bool = false) throws -> [DeliveryAttempt] {
        try connectionsStore.read { txn in
            var attempts: [DeliveryAttempt] = []
            let prefix = Key.text(id)
            try txn.scan(connections.deliveries, range: .prefix(prefix)) { key, value in
                let event = try BinaryEventCodec.decode(value)
                guard case .callbackDelivered(let e) = event.payload else { return true }
                if failedOnly, CallbackDelivery.acknowledges(status: e.status) { return true }
                attempts.append(DeliveryAttempt(time: event.time, seq: Key.readUInt64(key, at: prefix.count), attempt: e))
                return true
            }
            return attempts
        }
    }

    /// What the notifier has to deliver: for each connection with an active callback that
    /// is not blocked, its first `perConnection` waiting events, in order (events of one
    /// connection go in order).
    public func nextDeliveries(perConnection: Int = 1) throws -> [(connectionID: String, appID: String, url: String, events: [ReceivedEvent])] {
        try connectionsStore.read { txn in
            var due: [(String, String, String, [ReceivedEvent])] = []
            try txn.scan(connections.subscriptions) { key, value in
                let connection = String(decoding: key, as: UTF8.self)
                guard case .callbackSet(let subscription) = try BinaryEventCodec.decode(value).payload, let url = subscription.url,
                      let recordBytes = try txn.get(connections.connections, key: Array(key)) else { return true }
                let record = try ConnectionRecord(decoding: recordBytes)
                guard record.status == .active else { return true }
                var ids: [String] = []
                try txn.scan(connections.waiting, range: .prefix(Key.text(connection))) { _, value in
                    ids.append(String(decoding: value, as: UTF8.self))
                    return ids.count < perConnection
                }
                let events = try ids.compactMap { try receivedEvent(connection, $0, txn) }
                if !events.isEmpty { due.append((connection, record.appID, url, events)) }
                return true
            }
            return due
        }
    }

    private func receivedEvent(_ id: String, _ eventID: String, _ txn: Transaction) throws -> ReceivedEvent? {
        guard let stateBytes = try txn.get(connections.received, key: Key.text(id) + Array(eventID.utf8)),
              let eventBytes = try txn.get(connections.hubEvents, key: Array(eventID.utf8)) else { return nil }
        let state = try ReceivedState(decoding: stateBytes)
        let event = try BinaryEventCodec.decode(eventBytes)
        guard case .hubEventPublished(let e) = event.payload else { return nil }
        return ReceivedEvent(
            event: e, time: event.time, seq: state.seq, state: state.state, attempts: state.attempts, lastStatus: state.lastStatus,
            nextAttemptAt: state.nextAttemptAt, reason: state.reason)
    }
}
