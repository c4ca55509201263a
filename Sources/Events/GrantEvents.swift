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
    /// The catalog and the customer list the owner chose (when the scope asks for them).
    public var catalogID: String?
    public var customerListID: String?

    public init(
        codeDigest: [UInt8], appID: String, redirectURI: String, accountID: String, locationID: String? = nil,
        deviceID: String? = nil, codeChallenge: String? = nil, approvedBy: String, expiresAt: Timestamp,
        catalogID: String? = nil, customerListID: String? = nil
    ) {
        self.catalogID = catalogID
        self.customerListID = customerListID
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

/// A catalog or a customer list of the hub was registered with Junction, with the account
/// and, for one of a location, the location it belongs to: the grant and *Reconnecter*
/// offer those of the place being connected.
public struct ListRegistered: Hashable, Sendable {
    /// The catalog's or the customer list's id (`psmlf`, `xab66`).
    public var id: String
    public var accountID: String
    /// Set for a list of one location; nil for one of the whole account.
    public var locationID: String?
    public var name: String

    public init(id: String, accountID: String, locationID: String? = nil, name: String) {
        self.id = id
        self.accountID = accountID
        self.locationID = locationID
        self.name = name
    }
}
