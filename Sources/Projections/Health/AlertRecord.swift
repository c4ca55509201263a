public import Events

/// An alert as the pages and the socket show it: what it is about, when it was raised and
/// resolved, and what became of each notification.
public struct AlertRecord: Hashable, Sendable {
    /// One address an alert's news was sent to (or is being sent to).
    public struct Notification: Hashable, Sendable {
        public var phase: AlertPhase
        public var channel: AlertChannel
        public var address: String
        public var attempts: UInt32
        public var delivered: Bool
        public var error: String?
        public var nextAttemptAt: Timestamp?
    }

    public var alertID: String
    public var connectionID: String
    public var accountID: String
    public var condition: AlertCondition
    public var reason: String
    public var lastErrorSeq: UInt64?
    public var raisedAt: Timestamp
    public var resolvedAt: Timestamp?
    /// The health state the connection was in when the alert was resolved.
    public var resolvedState: String?
    public var notifications: [Notification] = []

    public var isOpen: Bool { resolvedAt == nil }

    init(raised e: AlertRaised, at time: Timestamp) {
        alertID = e.alertID
        connectionID = e.connectionID
        accountID = e.accountID
        condition = e.condition
        reason = e.reason
        lastErrorSeq = e.lastErrorSeq
        raisedAt = time
    }

    /// Takes one attempt in: the latest for its address and phase replaces the one before.
    mutating func record(_ e: AlertNotified) {
        let n = Notification(
            phase: e.phase, channel: e.channel, address: e.address, attempts: e.attempt, delivered: e.delivered, error: e.error,
            nextAttemptAt: e.nextAttemptAt)
        if let i = notifications.firstIndex(where: { $0.phase == e.phase && $0.channel == e.channel && $0.address == e.address }) {
            notifications[i] = n
        } else {
            notifications.append(n)
        }
    }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.appendString(alertID)
        out.appendString(connectionID)
        out.appendString(accountID)
        out.append(condition.rawValue)
        out.appendString(reason)
        out.appendVarint(lastErrorSeq ?? 0)
        out.appendInt64LE(raisedAt.microseconds)
        out.appendInt64LE(resolvedAt?.microseconds ?? .min)
        out.appendOptionalString(resolvedState)
        out.appendVarint(UInt64(notifications.count))
        for n in notifications {
            out.append(n.phase.rawValue)
            out.append(n.channel.rawValue)
            out.appendString(n.address)
            out.appendVarint(UInt64(n.attempts))
            out.append(n.delivered ? 1 : 0)
            out.appendOptionalString(n.error)
            out.appendInt64LE(n.nextAttemptAt?.microseconds ?? .min)
        }
        return out
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        alertID = try r.readString()
        connectionID = try r.readString()
        accountID = try r.readString()
        condition = AlertCondition(rawValue: try r.readByte()) ?? .failing
        reason = try r.readString()
        let seq = try r.readVarint()
        lastErrorSeq = seq == 0 ? nil : seq
        raisedAt = Timestamp(microseconds: try r.readInt64LE())
        let resolved = try r.readInt64LE()
        resolvedAt = resolved == .min ? nil : Timestamp(microseconds: resolved)
        resolvedState = try r.readOptionalString()
        let count = try r.readVarint()
        for _ in 0..<count {
            let phase = AlertPhase(rawValue: try r.readByte()) ?? .raised
            let channel = AlertChannel(rawValue: try r.readByte()) ?? .email
            let address = try r.readString()
            let attempts = UInt32(truncatingIfNeeded: try r.readVarint())
            let delivered = try r.readByte() == 1
            let error = try r.readOptionalString()
            let next = try r.readInt64LE()
            notifications.append(Notification(
                phase: phase, channel: channel, address: address, attempts: attempts, delivered: delivered, error: error,
                nextAttemptAt: next == .min ? nil : Timestamp(microseconds: next)))
        }
    }
}
