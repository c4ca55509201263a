internal import Foundation
public import Events

/// The grammar of the hub's values beyond their syntax: time zones that are IANA names,
/// location ids that name their account, URLs an app can be reached at. One rule each,
/// used by the writer's commands and by every path that takes whole events from outside
/// (NDJSON appends, imports, the daemon's `/v1/events`).
public enum ValueRules {
    /// Refuses a zone that is not an IANA name (Europe/Paris) or UTC.
    public static func checkTimeZone(_ zone: String, field: String = "time_zone") throws(DomainError) {
        guard TimeZoneNames.isIANA(zone) else {
            throw .invalid(field, "\"\(zone)\" is not an IANA time zone (such as Europe/Paris)")
        }
    }

    /// Whether `id` is a location id of `accountID`: the account id, a dash and a number.
    public static func isLocationID(_ id: String, ofAccount accountID: String) -> Bool {
        let suffix = id.utf8.dropFirst(accountID.utf8.count + 1)
        return id.hasPrefix(accountID + "-") && !suffix.isEmpty && suffix.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Refuses a location id that is not its account id, a dash and a number.
    public static func checkLocationID(_ id: String, ofAccount accountID: String) throws(DomainError) {
        guard isLocationID(id, ofAccount: accountID) else {
            throw .invalid("location_id", "a location id is its account id, a dash and a number (\(accountID)-1), not \"\(id)\"")
        }
    }

    /// Whether `text` is an absolute http or https URL with a host (and a port from 1 to
    /// 65535 if it names one).
    public static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), url.host != nil else { return false }
        if let port = url.port, !(1...65535).contains(port) { return false }
        return scheme == "http" || scheme == "https"
    }

    /// Whether `text` is a login: an e-mail address in lower case, `local@domain`, with no
    /// spaces or control characters, at most 254 bytes.
    public static func isEmail(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: 64), at > 0, at < bytes.count - 1,
              bytes.lastIndex(of: 64) == at else { return false }
        return bytes.allSatisfy { $0 > 32 && $0 != 127 && !(65...90).contains($0) }
    }

    /// Refuses a login that is not an e-mail address in lower case.
    public static func checkEmail(_ text: String) throws(DomainError) {
        guard isEmail(text) else { throw .invalid("email", "\"\(text)\" is not an e-mail address in lower case") }
    }

    /// Refuses a password hash that is not a bcrypt hash (`$2a$`, `$2b$` or `$2y$`, a cost,
    /// 53 characters of salt and hash): the journal holds no password in another form.
    public static func checkPasswordHash(_ hash: String) throws(DomainError) {
        let b = Array(hash.utf8)
        let shaped = b.count == 60 && b[0] == 36 && b[1] == 50 && [97, 98, 121].contains(b[2]) && b[3] == 36
            && (48...57).contains(b[4]) && (48...57).contains(b[5]) && b[6] == 36
        guard shaped else { throw .invalid("password_hash", "not a bcrypt hash") }
    }

    /// Refuses a URL an app cannot be reached at.
    public static func checkHTTPURL(_ text: String, field: String) throws(DomainError) {
        guard isHTTPURL(text) else { throw .invalid(field, "\"\(text)\" is not an http or https URL") }
    }

    /// Refuses an event whose values the hub does not take, whatever the state: the
    /// rules the NDJSON form does not check, since it checks only syntax.
    public static func validate(_ event: Event) throws(DomainError) {
        switch event.payload {
        case .accountRegistered(let e):
            try checkTimeZone(e.timeZone)
        case .locationRegistered(let e):
            try checkLocationID(e.locationID, ofAccount: e.accountID)
            try checkTimeZone(e.timeZone)
        case .appRegistered(let e):
            if let url = e.openURL { try checkHTTPURL(url, field: "open_url") }
            if let url = e.disconnectCallbackURL { try checkHTTPURL(url, field: "disconnect_callback_url") }
            for uri in e.redirectURIs {
                // RFC 6749 §3.1.2: absolute, without a fragment.
                guard isHTTPURL(uri), !uri.contains("#") else {
                    throw .invalid("redirect_uris", "\"\(uri)\" is not an http or https URL without a fragment")
                }
            }
            // A public client is an OAuth client: without a redirect URI it could not be granted.
            if e.isPublic, e.redirectURIs.isEmpty {
                throw .invalid("public", "a public client needs at least one redirect URI")
            }
            // The app starts the grant from its install URL: only an OAuth client has one.
            if let url = e.installURL {
                try checkHTTPURL(url, field: "install_url")
                if e.redirectURIs.isEmpty {
                    throw .invalid("install_url", "an install URL starts the OAuth grant: register a redirect URI too")
                }
            }
        case .connectionCreated, .connectionReconnected, .connectionBlocked, .connectionUnblocked, .connectionDisconnected,
             .requestLogged, .callbackAttempted, .callbackResendRequested, .requestBodiesExpired, .requestsRolledUp,
             .connectionTombstoned, .retentionApplied, .userRemoved, .authorizationCodeRedeemed, .unknown:
            break
        case .callbackSet(let e):
            if let url = e.url { try checkHTTPURL(url, field: "url") }
            guard !e.events.isEmpty else { throw .invalid("events", "a callback listens to at least one event") }
            for pair in e.events {
                let parts = pair.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 2, HubEventRouting.isPair(resource: String(parts[0]), event: String(parts[1])) else {
                    throw .invalid("events", "\(pair) is not a callback event (\(HubEventRouting.pairs.keys.sorted().map { "\($0).\(HubEventRouting.pairs[$0]!.sorted().joined(separator: "|"))" }.joined(separator: ", ")))")
                }
            }
        case .hubEventPublished(let e):
            guard HubEventRouting.isPair(resource: e.resourceType, event: e.eventType) else {
                throw .invalid("event_type", "\(e.resourceType).\(e.eventType) is not an event of the hub's callbacks")
            }
            if let refusal = HubEventRouting.shapeRefusal(e, requireStates: false) { throw .invalid(refusal.field, refusal.message) }
        case .callbackDeleted, .callbackDelivered, .callbackEventAcknowledged, .callbackEventDropped, .callbackEventResent,
             .alertRaised, .alertResolved, .alertSettingsChanged, .alertNotified:
            break
        case .catalogRegistered(let e), .customerListRegistered(let e):
            guard Identifier.isValid(e.id) else { throw .invalid("id", "\"\(e.id)\" is not an id (1 to 64 letters, digits, '-' or '_')") }
            guard !e.name.isEmpty else { throw .invalid("name", "must not be empty") }
        case .authorizationCodeIssued(let e):
            guard isHTTPURL(e.redirectURI), !e.redirectURI.contains("#") else {
                throw .invalid("redirect_uri", "\"\(e.redirectURI)\" is not an http or https URL without a fragment")
            }
        case .userRegistered(let e):
            try checkEmail(e.email)
            try checkPasswordHash(e.passwordHash)
            switch (e.role, e.accountID) {
            case (.owner, nil): throw .invalid("account_id", "an account owner sees one account: give its id")
            case (.operator, _?): throw .invalid("account_id", "an operator sees every account: give no account id")
            case (.owner, _?), (.operator, nil): break
            }
            if let language = e.language, !["fr", "en"].contains(language) {
                throw .invalid("language", "expected \"fr\" or \"en\", not \"\(language)\"")
            }
        case .userPasswordChanged(let e):
            try checkPasswordHash(e.passwordHash)
        }
    }
}
