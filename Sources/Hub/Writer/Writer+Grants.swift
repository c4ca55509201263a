internal import Crypto
public import Domain
public import Events

extension Writer {
    /// Issues an OAuth authorization code for a grant the owner approved: the code is
    /// returned once and stored nowhere; its SHA-256 is journaled with the grant, good for
    /// ``AuthorizationCode/lifetimeMicroseconds``, so it survives a restart or a failover.
    public func issueAuthorizationCode(
        appID: String, redirectURI: String, accountID: String, locationID: String?, deviceID: String?,
        codeChallenge: String?, approvedBy: String, catalogID: String? = nil, customerListID: String? = nil
    ) async throws(HubError) -> String {
        var generator = SystemRandomNumberGenerator()
        let code = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let time = Timestamp.now
        let issued = AuthorizationCodeIssued(
            codeDigest: Self.codeDigest(code), appID: appID, redirectURI: redirectURI, accountID: accountID,
            locationID: locationID, deviceID: deviceID, codeChallenge: codeChallenge, approvedBy: approvedBy,
            expiresAt: Timestamp(microseconds: time.microseconds + AuthorizationCode.lifetimeMicroseconds),
            catalogID: catalogID, customerListID: customerListID)
        _ = try await command { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.authorizationCodeIssued(issued), at: time)
        }
        return code
    }

    /// Exchanges `code` for its grant, once: refused without writing anything when it is
    /// unknown, expired, used, another client's or for another redirect URI; when its grant
    /// has a PKCE challenge, `verifierChallenge` (the challenge of the verifier presented,
    /// nil when none or malformed) must be it, or the code is burnt and refused.
    public func redeemAuthorizationCode(
        _ code: String, appID: String, redirectURI: String, verifierChallenge: String?
    ) async throws(HubError) -> Result<AuthorizationCodeIssued, AuthorizationCode.Refusal> {
        let digest = Self.codeDigest(code)
        let key = HexText.encode(digest)
        let time = Timestamp.now
        let (_, outcome) = try await command { (s: HubState) throws(DomainError) -> (Event?, Result<AuthorizationCodeIssued, AuthorizationCode.Refusal>) in
            let checked = Result { () throws(AuthorizationCode.Refusal) in
                try AuthorizationCode.check(s.authorizationCodes[key], appID: appID, redirectURI: redirectURI, at: time)
            }
            guard case .success(let grant) = checked else { return (nil, checked) }
            let redeemed = try s.decide(.authorizationCodeRedeemed(AuthorizationCodeRedeemed(codeDigest: digest)), at: time)
            if let challenge = grant.codeChallenge, challenge != verifierChallenge { return (redeemed, .failure(.verifier)) }
            return (redeemed, .success(grant))
        }
        return outcome ?? .failure(.unknown)
    }

    /// SHA-256 of a code, as journaled.
    static func codeDigest(_ code: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(code.utf8)))
    }
}
