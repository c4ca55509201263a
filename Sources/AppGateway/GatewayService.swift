internal import ServiceLifecycle

/// The gateway's client to the hub's API as one of the daemon's services: it lives until
/// the graceful shutdown reaches it, which is after the gateway's listener has stopped
/// (the service group stops its services in reverse order, and this one comes before the
/// listener), so no call in flight loses its client.
package struct GatewayService: Service {
    let gateway: Gateway

    package init(gateway: Gateway) {
        self.gateway = gateway
    }

    func run() async throws {
        try? await gracefulShutdown()
        await gateway.shutdown()
    }
}
