public import Events

/// What the hub says of an access token.
public enum TokenVerdict: Sendable, Hashable {
    /// An active connection's token, and whose it is.
    case valid(TokenOwner)
    /// No connection has it, or its connection is disconnected.
    case revoked
    /// Its connection is blocked for now.
    case blocked

    /// The hub's message for a refused token.
    public var refusal: String? {
        switch self {
        case .valid: nil
        case .revoked: "The access token is invalid or the connection has been revoked"
        case .blocked: "The connection has been blocked"
        }
    }
}

/// Who a valid token belongs to.
public struct TokenOwner: Sendable, Hashable {
    public var connectionID: String
    public var appID: String
    public var accountID: String
    public var locationID: String?
    public var scope: String
    /// The scope, parsed.
    public var permissions: Scope
}

extension HubState {
    /// The verdict on the token whose SHA-256 is `digest`.
    public func verdict(forDigest digest: [UInt8]) -> TokenVerdict {
        guard let (id, c) = connection(forDigest: digest), c.status != .disconnected else { return .revoked }
        guard c.status == .active else { return .blocked }
        return .valid(TokenOwner(connectionID: id, appID: c.appID, accountID: c.accountID, locationID: c.locationID, scope: c.scope,
                                permissions: c.permissions))
    }
}
