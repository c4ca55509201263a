internal import Hummingbird
internal import HummingbirdCore
internal import Logging
internal import NIOCore
internal import ServiceLifecycle
internal import FrontDoor

/// Makes the daemon's HTTP/1.1 listeners, all alike: each with its own connection guard
/// (the cap on open connections, the API's JSON for framing errors, honest keep-alive)
/// and the idle timeout.
struct ServerFactory {
    let limits: ConnectionLimits
    let logger: Logger

    /// A listener serving `router` at `address`; `before` makes, for each connection, the
    /// channel handlers placed ahead of the guard; `onRunning` is called once it accepts.
    func server(
        _ router: Router<BasicRequestContext>, at address: BindAddress, name: String,
        before: @escaping @Sendable () -> [any RemovableChannelHandler] = { [] },
        onRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> any Service {
        // One count per listener; a guard per connection.
        let open = ConnectionGuard.Count()
        let maxConnections = limits.maxConnections
        return Application(
            router: router,
            server: .http1(configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: before() + [ConnectionGuard(count: open, limit: maxConnections)],
                idleTimeout: TimeAmount(limits.idleTimeout))),
            configuration: .init(address: address, serverName: name),
            onServerRunning: onRunning,
            logger: logger)
    }
}
