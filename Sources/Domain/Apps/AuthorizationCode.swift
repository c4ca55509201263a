public import Events

/// The hub's rules for OAuth authorization codes (RFC 6749 §4.1.2): good for ten minutes,
/// once, for the client and the redirect URI they were issued for, and with PKCE for the
/// verifier of their challenge.
public enum AuthorizationCode {
    /// How long a code is good (the hub's).
    public static let lifetimeMicroseconds: Int64 = 10 * 60 * 1_000_000

    /// Why a code is not exchanged.
    public enum Refusal: Error, Sendable, Hashable {
        /// Unknown, used already or expired.
        case unknown
        /// Issued to another client, or for another redirect URI: refused, and left good
        /// for its own client (another client cannot burn it).
        case otherClient
        case otherRedirectURI
        /// The PKCE verifier is missing or does not answer the challenge: the code is burnt.
        case verifier
    }

    /// Whether the grant of a code may be exchanged by `appID` for `redirectURI` at `now`,
    /// before the verifier is looked at (which burns the code when it does not answer).
    public static func check(
        _ grant: AuthorizationCodeIssued?, appID: String, redirectURI: String, at now: Timestamp
    ) throws(Refusal) -> AuthorizationCodeIssued {
        guard let grant, grant.expiresAt > now else { throw .unknown }
        guard grant.appID == appID else { throw .otherClient }
        guard grant.redirectURI == redirectURI else { throw .otherRedirectURI }
        return grant
    }
}
