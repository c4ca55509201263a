internal import CNATS

/// An ordered consumer: the stream's messages in sequence, with no gap (libnats recreates
/// the consumer when it sees one).
// @unchecked Sendable: used by one task at a time (the follower's loop); libnats's
// subscription calls are thread-safe.
public final class OrderedSubscription: @unchecked Sendable {
    private let raw: OpaquePointer
    /// Kept alive as long as the subscription.
    private let context: JetStream

    init(raw: OpaquePointer, context: JetStream) {
        self.raw = raw
        self.context = context
    }

    deinit {
        natsSubscription_Unsubscribe(raw)
        natsSubscription_Destroy(raw)
    }

    /// The next message, or nil when none arrives within `timeout`.
    public func next(timeout: Duration) throws(NATSError) -> NATSMessage? {
        var message: OpaquePointer?
        let status = natsSubscription_NextMsg(&message, raw, timeout.milliseconds)
        if status == NATS_TIMEOUT { return nil }
        try status.check()
        defer { natsMsg_Destroy(message) }
        return NATSMessage(message!)
    }
}
