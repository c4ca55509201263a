public import Events
internal import LMDB
public import Domain

/// How a connection's alerts reach its owners (the defaults until the owner chooses).
public struct AlertPreferences: Hashable, Sendable {
    public var muted = false
    public var degraded = false

    public init(muted: Bool = false, degraded: Bool = false) {
        self.muted = muted
        self.degraded = degraded
    }
}

extension Queries {
    /// The alerts of `account` (every account's when nil), newest first, open ones only if asked.
    public func alerts(account: String?, openOnly: Bool = false, limit: Int = 200) throws -> [AlertRecord] {
        try healthStore.read { txn in
            var found: [AlertRecord] = []
            if let account {
                try txn.scan(health.accountAlerts, range: .prefix(Key.text(account)), direction: .backward) { key, _ in
                    let id = String(decoding: key[(account.utf8.count + 9)...], as: UTF8.self)
                    if let record = try health.alert(id, txn), !openOnly || record.isOpen { found.append(record) }
                    return found.count < limit
                }
                return found
            }
            try txn.scan(health.alerts) { _, value in
                let record = try AlertRecord(decoding: value)
                if !openOnly || record.isOpen { found.append(record) }
                return true
            }
            return Array(found.sorted { ($0.raisedAt, $0.alertID) > ($1.raisedAt, $1.alertID) }.prefix(limit))
        }
    }

    /// Waits (until `deadline`) for the health projection to reach `seq`; its checkpoint then.
    public func healthCheckpoint(reaching seq: UInt64, by deadline: ContinuousClock.Instant) async throws -> UInt64 {
        try await healthStore.checkpoint(reaching: seq, by: deadline)
    }

    /// One alert by id.
    public func alert(_ id: String) throws -> AlertRecord? {
        try healthStore.read { try health.alert(id, $0) }
    }

    /// The open alerts' count of `account` (every account's when nil): the navigation's badge.
    public func openAlertCount(account: String?) throws -> Int {
        try healthStore.read { txn in
            var count = 0
            if let account {
                // An account has few alerts: its open ones are counted from its list.
                try txn.scan(health.accountAlerts, range: .prefix(Key.text(account)), direction: .backward) { key, _ in
                    let id = String(decoding: key[(account.utf8.count + 9)...], as: UTF8.self)
                    if let record = try health.alert(id, txn), record.isOpen { count += 1 }
                    return true
                }
            } else {
                try txn.scan(health.openAlerts) { _, _ in
                    count += 1
                    return true
                }
            }
            return count
        }
    }

    /// A connection's open alert, if it has one.
    public func openAlert(connection id: String) throws -> AlertRecord? {
        try healthStore.read { txn in
            guard let alertID = try txn.get(health.openAlerts, key: Array(id.utf8)) else { return nil }
            return try health.alert(String(decoding: alertID, as: UTF8.self), txn)
        }
    }

    /// How a connection's alerts reach its owners.
    public func alertPreferences(connection id: String) throws -> AlertPreferences {
        try healthStore.read { txn in
            guard let v = try txn.get(health.alertSettings, key: Array(id.utf8)), v.count >= 2 else { return AlertPreferences() }
            return AlertPreferences(muted: v[0] == 1, degraded: v[1] == 1)
        }
    }

    /// The connections the health projection knows, with their status (the alert watcher's sweep).
    public func healthConnections() throws -> [(id: String, status: ConnectionStatus)] {
        try healthStore.read { txn in
            var found: [(String, ConnectionStatus)] = []
            try txn.scan(health.summary) { key, value in
                let status: ConnectionStatus = value.first == 0 ? .active : value.first == 1 ? .blocked : .disconnected
                found.append((String(decoding: key, as: UTF8.self), status))
                return true
            }
            return found
        }
    }
}
