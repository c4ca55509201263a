internal import CNATS
#if canImport(Glibc)
internal import Glibc
#endif

/// A core NATS subscription read one message at a time: requests to a service.
// @unchecked Sendable: read by one thread at a time (its reader); libnats's subscription
// calls are thread-safe. The connection is kept alive as long as the subscription.
public final class NATSSubscription: @unchecked Sendable {
    private let raw: OpaquePointer
    private let connection: NATSConnection

    init(raw: OpaquePointer, connection: NATSConnection) {
        self.raw = raw
        self.connection = connection
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
        return NATSMessage(message!, sequence: 0)
    }
}

extension NATSConnection {
    /// Subscribes to `subject`; with `queue`, one member of the queue group gets each message.
    public func subscribe(_ subject: String, queue: String? = nil) throws(NATSError) -> NATSSubscription {
        var subscription: OpaquePointer?
        if let queue {
            try natsConnection_QueueSubscribeSync(&subscription, raw, subject, queue).check()
        } else {
            try natsConnection_SubscribeSync(&subscription, raw, subject).check()
        }
        return NATSSubscription(raw: subscription!, connection: self)
    }

    /// Publishes `data` on `subject` (a reply to a request, say), and flushes it.
    public func publish(_ subject: String, _ data: [UInt8]) throws(NATSError) {
        let status = data.withUnsafeBytes { bytes in natsConnection_Publish(raw, subject, bytes.baseAddress, Int32(bytes.count)) }
        try status.check()
        try natsConnection_Flush(raw).check()
    }

    /// Sends a request with `headers` and waits at most `timeout` for its answer.
    public func request(_ subject: String, _ data: [UInt8], headers: [String: String] = [:], timeout: Duration) throws(NATSError) -> NATSMessage {
        var message: OpaquePointer?
        let created = data.withUnsafeBytes { bytes in
            natsMsg_Create(&message, subject, nil, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        }
        try created.check()
        defer { natsMsg_Destroy(message) }
        for (key, value) in headers { try natsMsgHeader_Set(message, key, value).check() }
        var answer: OpaquePointer?
        try natsConnection_RequestMsg(&answer, raw, message, timeout.milliseconds).check()
        defer { natsMsg_Destroy(answer) }
        return NATSMessage(answer!, sequence: 0)
    }
}
