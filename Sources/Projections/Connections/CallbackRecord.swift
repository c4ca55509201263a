public import Events
internal import Domain

/// One line of a connection's disconnect-callback history: a delivery attempt, or a
/// request to deliver again.
public struct CallbackRecord: Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        case attempt = 1
        case resendRequested = 2
    }

    public var kind: Kind
    public var time: Timestamp
    public var deliveryID: String
    public var attempt: UInt32
    public var url: String?
    public var status: UInt16?
    public var error: String?
    public var nextAttemptAt: Timestamp?
    /// Who asked for a resend.
    public var actor: String?

    init(time: Timestamp, attempt e: CallbackAttempted) {
        kind = .attempt
        self.time = time
        deliveryID = e.deliveryID
        attempt = e.attempt
        url = e.url
        status = e.status
        error = e.error
        nextAttemptAt = e.nextAttemptAt
    }

    init(time: Timestamp, resend e: CallbackResendRequested) {
        kind = .resendRequested
        self.time = time
        deliveryID = e.deliveryID
        attempt = 0
        actor = e.actor
    }

    /// Whether the attempt ended its delivery well (an answer from 200 to 499).
    public var delivered: Bool { kind == .attempt && CallbackDelivery.acknowledges(status: status) }

    func encoded() -> [UInt8] {
        var out: [UInt8] = [kind.rawValue]
        out.appendInt64LE(time.microseconds)
        out.appendString(deliveryID)
        out.appendVarint(UInt64(attempt))
        out.appendOptionalString(url)
        out.appendOptionalString(status.map(String.init))
        out.appendOptionalString(error)
        out.appendOptionalTime(nextAttemptAt)
        out.appendOptionalString(actor)
        return out
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        kind = Kind(rawValue: try r.readByte()) ?? .attempt
        time = Timestamp(microseconds: try r.readInt64LE())
        deliveryID = try r.readString()
        attempt = UInt32(truncatingIfNeeded: try r.readVarint())
        url = try r.readOptionalString()
        status = try r.readOptionalString().flatMap { UInt16($0) }
        error = try r.readOptionalString()
        nextAttemptAt = try r.readOptionalTime()
        actor = try r.readOptionalString()
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.string("type", kind == .attempt ? "attempt" : "resend_requested")
        w.timestamp("time", time)
        w.string("delivery_id", deliveryID)
        if kind == .attempt { w.unsigned("attempt", UInt64(attempt)) }
        w.string("url", ifPresent: url)
        if let status { w.unsigned("status", UInt64(status)) }
        w.string("error", ifPresent: error)
        if let next = nextAttemptAt { w.timestamp("next_attempt_at", next) }
        w.string("actor", ifPresent: actor)
        w.endObject()
    }
}
