internal import Foundation
internal import Events

/// The OAuth authorization codes handed out and not yet exchanged. They live a minute in
/// memory and are good once (RFC 6749 §4.1.2): a restart forgets them, and the app asks
/// again. The grant itself is journaled when the code is exchanged (`connectionCreated`).
actor AuthorizationCodes {
    struct Grant: Sendable {
        var appID: String
        var redirectURI: String
        var accountID: String
        var locationID: String?
        var deviceID: String?
        var approvedBy: String
        var expires: ContinuousClock.Instant
    }

    let lifetime: Duration
    private var grants: [String: Grant] = [:]

    init(lifetime: Duration = .seconds(60)) {
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

    /// The grant of `code`, taken (a second exchange finds nothing), if it has not expired.
    func redeem(_ code: String) -> Grant? {
        guard let grant = grants.removeValue(forKey: code), grant.expires > .now else { return nil }
        return grant
    }
}
