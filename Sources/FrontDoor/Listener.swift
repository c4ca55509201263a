/// A TCP listener's address.
public struct Listener: Sendable, Hashable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

/// What one request or connection may take, on every listener.
public struct RequestLimits: Sendable {
    /// Largest request body accepted (413 past it), on every listener.
    public var maxBodyBytes = 16 << 20
    /// Connections at once, and how long one may go without a byte from its client.
    public var connections = ConnectionLimits()
    /// How long `?after=SEQ` waits for the projections.
    public var readYourWritesTimeout: Duration = .seconds(5)

    public init() {}
}
