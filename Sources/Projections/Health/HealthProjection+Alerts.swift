public import Events
public import LMDB

/// The alerts the journal holds, kept beside the health they are decided from.
extension HealthProjection {
    func raise(_ e: AlertRaised, at time: Timestamp, _ txn: Transaction) throws {
        try txn.put(alerts, key: Array(e.alertID.utf8), value: AlertRecord(raised: e, at: time).encoded())
        try txn.put(openAlerts, key: Array(e.connectionID.utf8), value: Array(e.alertID.utf8))
        try txn.put(accountAlerts, key: Self.accountKey(e.accountID, time, e.alertID), value: [])
    }

    func resolve(_ e: AlertResolved, at time: Timestamp, _ txn: Transaction) throws {
        guard var record = try alert(e.alertID, txn), record.isOpen else { return }
        record.resolvedAt = time
        record.resolvedState = e.state
        try txn.put(alerts, key: Array(e.alertID.utf8), value: record.encoded())
        if let open = try txn.get(openAlerts, key: Array(e.connectionID.utf8)), open.elementsEqual(e.alertID.utf8) {
            _ = try txn.delete(openAlerts, key: Array(e.connectionID.utf8))
        }
    }

    func notified(_ e: AlertNotified, _ txn: Transaction) throws {
        guard var record = try alert(e.alertID, txn) else { return }
        record.record(e)
        try txn.put(alerts, key: Array(e.alertID.utf8), value: record.encoded())
    }

    func alert(_ id: String, _ txn: Transaction) throws -> AlertRecord? {
        guard let bytes = try txn.get(alerts, key: Array(id.utf8)) else { return nil }
        return try AlertRecord(decoding: bytes)
    }

    func forgetAlerts(of connection: String, _ txn: Transaction) throws {
        var gone: [AlertRecord] = []
        try txn.scan(alerts) { _, value in
            let record = try AlertRecord(decoding: value)
            if record.connectionID == connection { gone.append(record) }
            return true
        }
        for record in gone {
            _ = try txn.delete(alerts, key: Array(record.alertID.utf8))
            _ = try txn.delete(accountAlerts, key: Self.accountKey(record.accountID, record.raisedAt, record.alertID))
        }
        _ = try txn.delete(openAlerts, key: Array(connection.utf8))
        _ = try txn.delete(alertSettings, key: Array(connection.utf8))
    }

    static func accountKey(_ account: String, _ time: Timestamp, _ alertID: String) -> [UInt8] {
        var key = Key.text(account)
        Key.append(&key, time: time.microseconds)
        key.append(contentsOf: alertID.utf8)
        return key
    }
}
