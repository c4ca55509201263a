/// The answer to a command: the number of the event it appended (or, for a connect that
/// found its connection, the journal's head then), and whether it answers a retry under an
/// idempotency key already used (nothing was appended now).
public struct Receipt: Sendable, Hashable {
    public var seq: UInt64
    public var replayed: Bool

    public init(seq: UInt64, replayed: Bool = false) {
        self.seq = seq
        self.replayed = replayed
    }
}

/// The answer to a connect: the connection, new or found, and its access token, shown to
/// the app once per connect.
public struct ConnectReceipt: Sendable, Hashable {
    public var receipt: Receipt
    public var connectionID: String
    public var accessToken: String
    /// The granted scope, at the connection's place.
    public var scope: String
    /// Whether the connect made the connection (false: the same app, place and device
    /// already had one).
    public var created: Bool
}

/// The answer to an app's registration: the secrets derived for it, which are stored
/// nowhere and given again to a retry.
public struct AppRegistration: Sendable, Hashable {
    public var receipt: Receipt
    /// With a disconnect callback URL: what its callbacks are signed with (HMAC-SHA256 of
    /// the body).
    public var callbackSecret: String?
    /// With redirect URIs: its OAuth client credentials (the client id is the app id).
    public var clientID: String?
    public var clientSecret: String?
}
