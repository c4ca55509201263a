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
/// the decoder's framing errors with the API's JSON 400 instead of an empty one, and
/// closes a connection once a refusal was sent before its request's body was read (a
/// 413 for a declared length past the limit), rather than wait for bytes that may never
/// come while a pipelined request waits behind them.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Connections open now, shared by every guard of one listener.
    final class Count: Sendable {
        let value = Atomic<Int>(0)
    }

    private let count: Count
    private let limit: Int
    private var counted = false
    /// A request's head was read and its end not yet.
    private var readingBody = false
    /// A request's head was read and its response not yet ended.
    private var answering = false
    private var closeAfterResponse = false

    init(count: Count, limit: Int) {
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
        switch unwrapInboundIn(data) {
        case .head:
            readingBody = true
            answering = true
        case .body:
            break
        case .end:
            readingBody = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch part {
        case .head(var head):
            // Answered before the body was read: the rest of it is not waited for.
            if readingBody, head.status.code >= 400 {
                closeAfterResponse = true
                head.headerFields[.connection] = "close"
                context.write(wrapOutboundOut(.head(head)), promise: promise)
                return
            }
        case .body:
            break
        case .end:
            answering = false
            if closeAfterResponse {
                let channel = context.channel
                context.writeAndFlush(data).whenComplete { result in
                    promise?.completeWith(result)
                    channel.close(promise: nil)
                }
                return
            }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
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
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
