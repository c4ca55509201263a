/// An OAuth authorization code was issued for a grant the owner approved. The code itself
/// is stored nowhere: its SHA-256 is, with the grant, so that a code issued before a restart
/// or a failover can be exchanged after it, once.
public struct AuthorizationCodeIssued: Hashable, Sendable {
    /// SHA-256 of the code (32 bytes).
    public var codeDigest: [UInt8]
    public var appID: String
    public var redirectURI: String
    public var accountID: String
    public var locationID: String?
    public var deviceID: String?
    /// PKCE (RFC 7636, S256): BASE64URL(SHA-256(verifier)).
    public var codeChallenge: String?
    /// The owner who approved.
    public var approvedBy: String
    /// The code is good until then.
    public var expiresAt: Timestamp

    public init(
        codeDigest: [UInt8], appID: String, redirectURI: String, accountID: String, locationID: String? = nil,
        deviceID: String? = nil, codeChallenge: String? = nil, approvedBy: String, expiresAt: Timestamp
    ) {
        self.codeDigest = codeDigest
        self.appID = appID
        self.redirectURI = redirectURI
        self.accountID = accountID
        self.locationID = locationID
        self.deviceID = deviceID
        self.codeChallenge = codeChallenge
        self.approvedBy = approvedBy
        self.expiresAt = expiresAt
    }
}

/// An authorization code was exchanged, or burnt (a wrong PKCE verifier): it is good no more.
public struct AuthorizationCodeRedeemed: Hashable, Sendable {
    /// SHA-256 of the code (32 bytes).
    public var codeDigest: [UInt8]

    public init(codeDigest: [UInt8]) {
        self.codeDigest = codeDigest
    }
}
