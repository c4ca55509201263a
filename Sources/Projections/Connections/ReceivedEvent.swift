public import Events
internal import Domain

/// A hub event as one connection received it: waiting, or how it ended.
public struct ReceivedEvent: Hashable, Sendable {
    public enum State: UInt8, Sendable {
        case waiting = 1
        /// An active callback's receiver answered 200 to 499.
        case delivered = 2
        /// A passive callback's app deleted it.
        case acknowledged = 3
        /// Given up: the last attempt failed, or the callback or the connection went.
        case dropped = 4

        public var name: String {
            switch self {
            case .waiting: "waiting"
            case .delivered: "delivered"
            case .acknowledged: "acknowledged"
            case .dropped: "dropped"
            }
        }
    }

    public var event: HubEventPublished
    /// The event's `created_at`.
    public var time: Timestamp
    /// The journal sequence number of its `hubEventPublished`: the order of delivery.
    public var seq: UInt64
    public var state: State
    public var attempts: UInt32
    public var lastStatus: UInt16?
    /// When the next attempt is due (an active callback's waiting event after a failure).
    public var nextAttemptAt: Timestamp?
    /// Why it was dropped.
    public var reason: String?
}

/// One attempt to deliver a hub event, with when it was made.
public struct DeliveryAttempt: Hashable, Sendable {
    public var time: Timestamp
    public var seq: UInt64
    public var attempt: CallbackDelivered
}

/// What a connection's `received` entry keeps of an event (the event itself is in
/// `hub_events`, once for all its receivers).
struct ReceivedState {
    var state: ReceivedEvent.State
    var seq: UInt64
    var attempts: UInt32
    var lastStatus: UInt16?
    var nextAttemptAt: Timestamp?
    var reason: String?

    func encoded() -> [UInt8] {
        var out: [UInt8] = [state.rawValue]
        Key.append(&out, seq)
        out.appendVarint(UInt64(attempts))
        out.appendOptionalString(lastStatus.map { String($0) })
        out.appendOptionalTime(nextAttemptAt)
        out.appendOptionalString(reason)
        return out
    }

    init(state: ReceivedEvent.State, seq: UInt64) {
        self.state = state
        self.seq = seq
        attempts = 0
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        state = ReceivedEvent.State(rawValue: try r.readByte()) ?? .waiting
        var s: UInt64 = 0
        for _ in 0..<8 { s = s << 8 | UInt64(try r.readByte()) }
        seq = s
        attempts = UInt32(truncatingIfNeeded: try r.readVarint())
        lastStatus = try r.readOptionalString().flatMap { UInt16($0) }
        nextAttemptAt = try r.readOptionalTime()
        reason = try r.readOptionalString()
    }
}
