internal import Foundation
internal import Events

/// The OAuth authorization codes handed out and not yet exchanged. They live ten minutes
/// (the hub's) in memory and are good once (RFC 6749 §4.1.2), for the client and the
/// redirect URI they were issued for, and with PKCE for the verifier of their challenge: a
/// restart forgets them, and the app asks again. The grant itself is journaled when the code
/// is exchanged (`connectionCreated`).
actor AuthorizationCodes {
    struct Grant: Sendable {
        var appID: String
        var redirectURI: String
        var accountID: String
        var locationID: String?
        var deviceID: String?
        var approvedBy: String
        var expires: ContinuousClock.Instant
        /// PKCE (RFC 7636, `S256` only): BASE64URL(SHA-256(verifier)), without padding.
        var codeChallenge: String?
    }

    /// Why a code is not exchanged.
    enum Refusal: Error, Equatable {
        /// Unknown, used already or expired.
        case unknown
        /// Issued to another client, or for another redirect URI: refused, and kept for its
        /// own client (another client cannot burn it).
        case otherClient
        case otherRedirectURI
        /// The PKCE verifier is missing or does not match the challenge: the code is burnt.
        case verifier
    }

    let lifetime: Duration
    private var grants: [String: Grant] = [:]

    init(lifetime: Duration = .seconds(600)) {
        self.lifetime = lifetime
    }

    /// A new code for `grant`.
    func issue(_ grant: Grant) -> String {
        let now = ContinuousClock.now
        grants = grants.filter { $0.value.expires > now }
        let code = WebSessions.randomToken()
        var g = grant
        g.expires = now + lifetime
        grants[code] = g
        return code
    }

    /// The grant of `code`, taken (a second exchange finds nothing), if it has not expired
    /// and was issued to `appID` for `redirectURI`, and `verifier` answers its challenge.
    func redeem(_ code: String, appID: String, redirectURI: String, verifier: String?) -> Result<Grant, Refusal> {
        guard let grant = grants[code], grant.expires > .now else {
            grants[code] = nil
            return .failure(.unknown)
        }
        guard grant.appID == appID else { return .failure(.otherClient) }
        guard grant.redirectURI == redirectURI else { return .failure(.otherRedirectURI) }
        grants[code] = nil
        if let challenge = grant.codeChallenge {
            guard let verifier, PKCE.isValidVerifier(verifier), PKCE.challenge(of: verifier) == challenge else {
                return .failure(.verifier)
            }
        }
        return .success(grant)
    }
}
