internal import HTTPTypes
internal import HummingbirdCore
internal import NIOCore
internal import NIOHTTP1
internal import NIOHTTPTypes
internal import Synchronization

/// Limits on the socket's connections: how many at once, and how long a client may keep
/// one without sending (idle, a half-sent request line or headers, a short body: one
/// timeout, Hummingbird's idle timeout, covers them all).
public struct ConnectionLimits: Sendable {
    /// Connections open at once; past it a new one is answered 503 and closed.
    public var maxConnections: Int = 512
    /// How long a connection may go without a byte from its client before it is closed.
    public var idleTimeout: Duration = .seconds(60)

    public init() {}
}

/// One per connection, after the HTTP decoder: refuses connections past the cap, answers
/// the decoder's framing errors with the API's JSON 400 instead of an empty one, and keeps
/// keep-alive honest:
/// - a refusal sent before its request's body was read (a 401 or 404 that needs no body)
///   keeps the connection when the rest of the body is at most ``drainLimit`` bytes of a
///   declared length: the body is read and discarded (Hummingbird drains it after the
///   route), so ordinary refusals cost no connection;
/// - otherwise (a declared length past the limit, a chunked body) the answer says
///   `Connection: close` and the connection is closed gracefully: output shut first, what
///   the client is still sending read and discarded for a moment, so the client reads the
///   answer instead of a reset;
/// - an answer to a request that asked for `Connection: close` says so too.
package final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Connections open now, shared by every guard of one listener.
    package final class Count: Sendable {
        let value = Atomic<Int>(0)

        package init() {}
    }

    /// The most of a request's body left unread that an early answer still drains
    /// rather than close the connection.
    static let drainLimit = 64 << 10
    /// How long, and how many bytes, a closing connection keeps reading what its client
    /// still sends after the answer (so that the client is not reset before it reads it).
    static let lingerTime: TimeAmount = .seconds(2)
    static let lingerBytes = 1 << 20

    private let count: Count
    private let limit: Int
    private var counted = false
    /// A request's head was read and its end not yet.
    private var readingBody = false
    /// The body bytes the request's head declared (nil: chunked or none said).
    private var declaredLength: Int?
    /// The body bytes read so far.
    private var bodyRead = 0
    /// The request asked for the connection to be closed after it.
    private var requestWantsClose = false
    /// A request's head was read and its response not yet ended.
    private var answering = false
    private var closeAfterResponse = false
    /// The answer is out and the output shut: reads are discarded until the client
    /// closes, or the linger ends.
    private var lingering = false
    private var lingered = 0

    package init(count: Count, limit: Int) {
        self.count = count
        self.limit = limit
    }

    func channelActive(context: ChannelHandlerContext) {
        let now = count.value.add(1, ordering: .relaxed).newValue
        counted = true
        if now > limit {
            respond(context, .serviceUnavailable, "service_unavailable", "too many connections at once (\(limit)); retry shortly")
            return
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            count.value.subtract(1, ordering: .relaxed)
            counted = false
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if lingering {
            if case .body(let bytes) = part { lingered += bytes.readableBytes }
            if lingered > Self.lingerBytes { context.close(promise: nil) }
            return
        }
        switch part {
        case .head(let head):
            readingBody = true
            answering = true
            bodyRead = 0
            declaredLength = head.headerFields[.transferEncoding] == nil ? Int(head.headerFields[.contentLength] ?? "0") : nil
            requestWantsClose = head.headerFields[values: .connection].contains { $0.lowercased().contains("close") }
        case .body(let bytes):
            bodyRead += bytes.readableBytes
        case .end:
            readingBody = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch part {
        case .head(var head) where head.status.code >= 200:
            // Answered before the body was read: drained if what is left is small, else
            // the connection is closed, and the answer says so.
            if readingBody, head.status.code >= 400, !(declaredLength.map { $0 - bodyRead <= Self.drainLimit } ?? false) {
                closeAfterResponse = true
            }
            if closeAfterResponse || requestWantsClose {
                head.headerFields[.connection] = "close"
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        case .head, .body:
            break
        case .end:
            answering = false
            if closeAfterResponse {
                lingering = true
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.writeAndFlush(data).whenComplete { result in
                    promise?.completeWith(result)
                    bound.value.0.linger(bound.value.1)
                }
                return
            }
        }
        context.write(data, promise: promise)
    }

    /// Shuts the output (the answer is out: called once its last part is flushed), then
    /// discards what the client still sends until it closes, or for ``lingerTime``, or
    /// past ``lingerBytes``; then closes.
    private func linger(_ context: ChannelHandlerContext) {
        lingering = true
        let channel = context.channel
        guard channel.isActive else { return }
        context.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        context.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
        context.read()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if lingering {
            context.close(promise: nil)
            return
        }
        // A request the decoder cannot read is the client's fault: 400 with the body the
        // API documents, then the connection is closed (it cannot be read on). Mid-request,
        // the route reading the body answers it.
        if error is HTTPParserError, !answering {
            respond(context, .badRequest, "bad_request", "malformed HTTP request: \(error)")
            return
        }
        context.fireErrorCaught(error)
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponse.Status, _ type: String, _ message: String) {
        var body = ByteBuffer()
        body.writeBytes(APIError(status, type, message).body)
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = "\(body.readableBytes)"
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        lingering = true
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.0.linger(bound.value.1) }
    }
}
