internal import CNATS
internal import Synchronization
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif

/// JetStream on one connection: streams, ordered publishing and ordered reading.
// @unchecked Sendable: libnats contexts are thread-safe for these calls; `publish` is
// meant to be called by one task at a time (its acks are collected per call, see
// `PublishAcks`), which its caller, the replicator, guarantees.
public final class JetStream: @unchecked Sendable {
    /// What a stream should be.
    public struct StreamConfiguration: Sendable {
        public var name: String
        public var subjects: [String]
        public var replicas: Int
        /// How long the servers remember message ids to drop a republished message.
        public var duplicateWindow: Duration = .seconds(120)
        /// Messages older than this are dropped by the servers; nil: kept for ever.
        public var maxAge: Duration?

        public init(name: String, subjects: [String], replicas: Int = 3) {
            self.name = name
            self.subjects = subjects
            self.replicas = replicas
        }
    }

    /// A stream's extent.
    public struct StreamState: Sendable, Hashable {
        public var messages: UInt64
        public var firstSequence: UInt64
        /// 0 when nothing was ever stored.
        public var lastSequence: UInt64
        public var replicas: Int
    }

    /// What a publish of several messages came to.
    public struct Published: Sendable, Hashable {
        /// The stream sequence of the last message.
        public var lastSequence: UInt64
        /// Messages the stream already held (by id): republished after a lost ack.
        public var duplicates: Int
    }

    let connection: NATSConnection
    let raw: OpaquePointer
    private let acks: PublishAcks
    private let timeout: Duration

    init(connection: NATSConnection, timeout: Duration) throws(NATSError) {
        self.connection = connection
        self.timeout = timeout
        let acks = PublishAcks()
        self.acks = acks
        var options = jsOptions()
        try jsOptions_Init(&options).check()
        options.Wait = timeout.milliseconds
        options.PublishAsync.MaxPending = 4096
        options.PublishAsync.AckHandler = { _, message, ack, failure, closure in
            let acks = Unmanaged<PublishAcks>.fromOpaque(closure!).takeUnretainedValue()
            if let ack {
                acks.record(sequence: ack.pointee.Sequence, duplicate: ack.pointee.Duplicate)
            } else if let failure {
                let text = failure.pointee.ErrText.map { String(cString: $0) }
                acks.record(NATSError(status: failure.pointee.Err, jetStreamCode: failure.pointee.ErrCode,
                                      message: text ?? String(cString: natsStatus_GetText(failure.pointee.Err))))
            }
            natsMsg_Destroy(message)
        }
        // The context is destroyed in deinit, before `acks` is released.
        options.PublishAsync.AckHandlerClosure = Unmanaged.passUnretained(acks).toOpaque()
        var context: OpaquePointer?
        try natsConnection_JetStream(&context, connection.raw, &options).check()
        raw = context!
    }

    deinit {
        jsCtx_Destroy(raw)
    }

    // MARK: Streams

    /// The stream's state, creating it (file storage) if it does not exist, and setting its
    /// age limit to the configuration's if it has another.
    public func ensureStream(_ configuration: StreamConfiguration) throws(NATSError) -> StreamState {
        do {
            var info: UnsafeMutablePointer<jsStreamInfo>?
            var code = jsErrCode(rawValue: 0)
            try js_GetStreamInfo(&info, raw, configuration.name, nil, &code).check(code)
            defer { jsStreamInfo_Destroy(info) }
            let wanted = configuration.maxAge.map { $0.milliseconds * 1_000_000 } ?? 0
            if let config = info!.pointee.Config, config.pointee.MaxAge != wanted {
                config.pointee.MaxAge = wanted
                // The servers refuse a duplicate window longer than the age limit.
                if wanted > 0 { config.pointee.Duplicates = min(configuration.duplicateWindow.milliseconds * 1_000_000, wanted) }
                var updated: UnsafeMutablePointer<jsStreamInfo>?
                try js_UpdateStream(&updated, raw, config, nil, &code).check(code)
                defer { jsStreamInfo_Destroy(updated) }
                return Self.state(updated!)
            }
            return Self.state(info!)
        } catch where error.isStreamNotFound {
            var config = jsStreamConfig()
            try jsStreamConfig_Init(&config).check()
            let name = strdup(configuration.name)
            let subjects = configuration.subjects.map { UnsafePointer<CChar>(strdup($0)) }
            defer {
                free(name)
                subjects.forEach { free(UnsafeMutablePointer(mutating: $0)) }
            }
            config.Name = UnsafePointer(name)
            config.Storage = js_FileStorage
            config.Replicas = Int64(configuration.replicas)
            config.MaxAge = configuration.maxAge.map { $0.milliseconds * 1_000_000 } ?? 0
            config.Duplicates = configuration.duplicateWindow.milliseconds * 1_000_000
            if config.MaxAge > 0 { config.Duplicates = min(config.Duplicates, config.MaxAge) }
            var info: UnsafeMutablePointer<jsStreamInfo>?
            var code = jsErrCode(rawValue: 0)
            var pointers = subjects
            let status = pointers.withUnsafeMutableBufferPointer { buffer in
                config.Subjects = buffer.baseAddress
                config.SubjectsLen = Int32(buffer.count)
                return js_AddStream(&info, raw, &config, nil, &code)
            }
            try status.check(code)
            defer { jsStreamInfo_Destroy(info) }
            return Self.state(info!)
        }
    }

    /// The stream's state; throws ``NATSError/isStreamNotFound`` if there is none.
    public func streamState(_ name: String) throws(NATSError) -> StreamState {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        try js_GetStreamInfo(&info, raw, name, nil, &code).check(code)
        defer { jsStreamInfo_Destroy(info) }
        return Self.state(info!)
    }

    private static func state(_ info: UnsafeMutablePointer<jsStreamInfo>) -> StreamState {
        let s = info.pointee.State
        return StreamState(messages: s.Msgs, firstSequence: s.FirstSeq, lastSequence: s.LastSeq,
                           replicas: Int(info.pointee.Config?.pointee.Replicas ?? 1))
    }

    /// The stored message at `sequence`, or nil when the stream holds none there.
    public func message(stream: String, sequence: UInt64) throws(NATSError) -> NATSMessage? {
        var message: OpaquePointer?
        var code = jsErrCode(rawValue: 0)
        let status = js_GetMsg(&message, raw, stream, sequence, nil, &code)
        if status != NATS_OK {
            let error = NATSError(status: status, jetStreamCode: code)
            if error.isNoMessage { return nil }
            throw error
        }
        defer { natsMsg_Destroy(message) }
        return NATSMessage(message!, sequence: sequence)
    }

    // MARK: Publishing

    /// Publishes the messages `body` queues, in order, pipelined, and returns once the
    /// stream has stored every one (with replicas, once a quorum has); throws the first
    /// failure, or `body`'s own error once what it queued has been answered.
    ///
    /// With expected last sequences, a failure leaves the stream holding a prefix of the
    /// messages, never a gap: each message is refused unless the one before it is stored.
    public func publish(_ body: (inout PublishQueue) throws -> Void) throws -> Published {
        acks.start()
        var queue = PublishQueue(context: raw)
        var bodyError: (any Error)?
        do {
            try body(&queue)
        } catch {
            bodyError = error
        }
        guard queue.count > 0 else { throw bodyError ?? NATSError(describing: "nothing to publish") }
        acks.expect(queue.count)
        var options = jsPubOptions()
        try jsPubOptions_Init(&options).check()
        options.MaxWait = timeout.milliseconds
        let completed = js_PublishAsyncComplete(raw, &options)
        guard completed == NATS_OK else {
            // Acks that did not come (a server lost with the connection) would keep every
            // later call waiting: take them out; a retry republishes under the same ids.
            var pending = natsMsgList()
            if js_PublishAsyncGetPendingList(&pending, raw) == NATS_OK { natsMsgList_Destroy(&pending) }
            throw NATSError(status: completed)
        }
        if let bodyError { throw bodyError }
        return try acks.finish()
    }

    /// The messages of one ``JetStream/publish(_:)``: each is copied into the library's own
    /// message as it is queued, so the bytes need only live for the call.
    public struct PublishQueue: ~Copyable {
        fileprivate let context: OpaquePointer
        /// Messages queued so far.
        public fileprivate(set) var count = 0

        fileprivate init(context: OpaquePointer) {
            self.context = context
        }

        /// Queues one message: `data` with `headers`, `Nats-Msg-Id` `messageID` (a republished
        /// message with the same id is stored once), and, unless nil, the stream's last
        /// sequence it must follow.
        public mutating func append(
            subject: String, data: UnsafeRawBufferPointer, headers: [(name: String, value: String)], messageID: String,
            expectedLastSequence: UInt64?
        ) throws(NATSError) {
            var message: OpaquePointer?
            try natsMsg_Create(&message, subject, nil, data.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(data.count))
                .check()
            for header in headers {
                let status = natsMsgHeader_Set(message, header.name, header.value)
                guard status == NATS_OK else {
                    natsMsg_Destroy(message)
                    throw NATSError(status: status)
                }
            }
            var options = jsPubOptions()
            try jsPubOptions_Init(&options).check()
            options.ExpectLastSeq = expectedLastSequence ?? 0
            let status = messageID.withCString { id in
                options.MsgId = id
                return js_PublishMsgAsync(context, &message, &options)
            }
            if status != NATS_OK {
                // The library took the message only on success.
                natsMsg_Destroy(message)
                throw NATSError(status: status)
            }
            count += 1
        }
    }

    // MARK: Reading

    /// An ordered consumer on `subject`, from stream sequence `start` on.
    public func subscribeOrdered(subject: String, from start: UInt64) throws(NATSError) -> OrderedSubscription {
        var options = jsSubOptions()
        try jsSubOptions_Init(&options).check()
        options.Ordered = true
        options.Config.DeliverPolicy = js_DeliverByStartSequence
        options.Config.OptStartSeq = max(start, 1)
        var subscription: OpaquePointer?
        var code = jsErrCode(rawValue: 0)
        try js_SubscribeSync(&subscription, raw, subject, nil, &options, &code).check(code)
        return OrderedSubscription(raw: subscription!, context: self)
    }
}

/// The acks of one ``JetStream/publish(_:)``, delivered on libnats's threads.
final class PublishAcks: Sendable {
    private struct State {
        var expected = 0
        var received = 0
        var lastSequence: UInt64 = 0
        var duplicates = 0
        var failure: NATSError?
    }

    private let state = Mutex(State())

    /// Before the first message of a publish: its acks may come before it is all queued.
    func start() {
        state.withLock { $0 = State() }
    }

    func expect(_ count: Int) {
        state.withLock { $0.expected = count }
    }

    func record(sequence: UInt64, duplicate: Bool) {
        state.withLock {
            $0.received += 1
            $0.lastSequence = max($0.lastSequence, sequence)
            if duplicate { $0.duplicates += 1 }
        }
    }

    func record(_ failure: NATSError) {
        state.withLock {
            $0.received += 1
            if $0.failure == nil { $0.failure = failure }
        }
    }

    func finish() throws(NATSError) -> JetStream.Published {
        let s = state.withLock { $0 }
        if let failure = s.failure { throw failure }
        guard s.received == s.expected else {
            throw NATSError(describing: "\(s.expected - s.received) of \(s.expected) publishes were not acknowledged")
        }
        return JetStream.Published(lastSequence: s.lastSequence, duplicates: s.duplicates)
    }
}
