internal import NIOCore
internal import NIOHTTP1
internal import NIOHTTPTypesHTTP1

/// Says, in a header of its own, whether a request's target was origin-form (`/path?query`),
/// before the conversion to HTTP types rewrites an absolute-form target (`http://host/path`,
/// or any `scheme:…`) into its path: the gateway refuses what is not origin-form
/// (`docs/gateway.md`, "One target"), and only the raw request line can tell.
///
/// Installed through ``Installer``, which Hummingbird adds after the conversion like any
/// extra handler and which moves the marker before it.
package final class TargetFormMarker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    /// Set by the marker alone: a client's header of this name is removed first.
    static let header = "X-Junction-Target-Form"
    static let notOriginForm = "not-origin-form"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        head.headers.remove(name: Self.header)
        if !head.uri.hasPrefix("/") { head.headers.add(name: Self.header, value: Self.notOriginForm) }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    /// Puts a ``TargetFormMarker`` before the HTTP-types codec, then leaves the pipeline.
    package final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        package init() {}

        typealias InboundIn = NIOAny

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
                try? pipeline.addHandler(TargetFormMarker(), position: .before(codec))
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
