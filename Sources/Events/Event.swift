/// One fact appended to the journal: when it happened and what happened.
public struct Event: Hashable, Sendable {
    /// When the fact happened (for a request, when the API received it).
    public var time: Timestamp
    public var payload: Payload

    public init(time: Timestamp, _ payload: Payload) {
        self.time = time
        self.payload = payload
    }

    /// What happened. Readers skip ``unknown(kind:payload:)`` events, which a newer writer may
    /// have appended.
    public enum Payload: Hashable, Sendable {
        case accountRegistered(AccountRegistered)
        case locationRegistered(LocationRegistered)
        case appRegistered(AppRegistered)
        case connectionCreated(ConnectionCreated)
        case connectionReconnected(ConnectionReconnected)
        case connectionBlocked(ConnectionStatusChanged)
        case connectionUnblocked(ConnectionStatusChanged)
        case connectionDisconnected(ConnectionStatusChanged)
        case requestLogged(RequestLogged)
        case callbackAttempted(CallbackAttempted)
        case callbackResendRequested(CallbackResendRequested)
        /// Compaction records: they replace older events in place (same sequence number).
        case requestBodiesExpired(RequestLogged)
        case requestsRolledUp(RequestsRolledUp)
        case connectionTombstoned(ConnectionTombstoned)
        /// Appended at the head after a compaction run: projections apply the same cutoffs.
        case retentionApplied(RetentionApplied)
        /// Back-office users.
        case userRegistered(UserRegistered)
        case userPasswordChanged(UserPasswordChanged)
        case userRemoved(UserRemoved)
        /// OAuth authorization codes, by digest.
        case authorizationCodeIssued(AuthorizationCodeIssued)
        case authorizationCodeRedeemed(AuthorizationCodeRedeemed)
        /// Catalogs and customer lists of an account or a location, offered at the grant.
        case catalogRegistered(ListRegistered)
        case customerListRegistered(ListRegistered)
        /// The hub's callbacks: subscriptions, the hub's events, and their deliveries.
        case callbackSet(CallbackSet)
        case callbackDeleted(CallbackDeleted)
        case hubEventPublished(HubEventPublished)
        case callbackDelivered(CallbackDelivered)
        case callbackEventAcknowledged(CallbackEventAcknowledged)
        case callbackEventDropped(CallbackEventDropped)
        case callbackEventResent(CallbackEventResent)
        case alertRaised(AlertRaised)
        case alertResolved(AlertResolved)
        case alertSettingsChanged(AlertSettingsChanged)
        case alertNotified(AlertNotified)
        /// A kind this build does not know: its payload bytes are kept as they were, so
        /// the event can be copied on without being understood.
        case unknown(kind: UInt32, payload: [UInt8])
    }

    /// The kind of an event: its number in the binary form and its name in NDJSON.
    public enum Kind: UInt32, Hashable, Sendable, CaseIterable {
        case accountRegistered = 1
        case locationRegistered = 2
        case appRegistered = 3
        case connectionCreated = 4
        case connectionReconnected = 5
        case connectionBlocked = 6
        case connectionUnblocked = 7
        case connectionDisconnected = 8
        case requestLogged = 9
        case callbackAttempted = 10
        case callbackResendRequested = 11
        case requestBodiesExpired = 12
        case requestsRolledUp = 13
        case connectionTombstoned = 14
        case retentionApplied = 15
        case userRegistered = 16
        case userPasswordChanged = 17
        case userRemoved = 18
        case authorizationCodeIssued = 19
        case authorizationCodeRedeemed = 20
        case catalogRegistered = 21
        case customerListRegistered = 22
        case callbackSet = 23
        case callbackDeleted = 24
        case hubEventPublished = 25
        case callbackDelivered = 26
        case callbackEventAcknowledged = 27
        case callbackEventDropped = 28
        case callbackEventResent = 29
        case alertRaised = 30
        case alertResolved = 31
        case alertSettingsChanged = 32
        case alertNotified = 33

        public var name: String {
            switch self {
            case .accountRegistered: "accountRegistered"
            case .locationRegistered: "locationRegistered"
            case .appRegistered: "appRegistered"
            case .connectionCreated: "connectionCreated"
            case .connectionReconnected: "connectionReconnected"
            case .connectionBlocked: "connectionBlocked"
            case .connectionUnblocked: "connectionUnblocked"
            case .connectionDisconnected: "connectionDisconnected"
            case .requestLogged: "requestLogged"
            case .callbackAttempted: "callbackAttempted"
            case .callbackResendRequested: "callbackResendRequested"
            case .requestBodiesExpired: "requestBodiesExpired"
            case .requestsRolledUp: "requestsRolledUp"
            case .connectionTombstoned: "connectionTombstoned"
            case .retentionApplied: "retentionApplied"
            case .userRegistered: "userRegistered"
            case .userPasswordChanged: "userPasswordChanged"
            case .userRemoved: "userRemoved"
            case .authorizationCodeIssued: "authorizationCodeIssued"
            case .authorizationCodeRedeemed: "authorizationCodeRedeemed"
            case .catalogRegistered: "catalogRegistered"
            case .customerListRegistered: "customerListRegistered"
            case .callbackSet: "callbackSet"
            case .callbackDeleted: "callbackDeleted"
            case .hubEventPublished: "hubEventPublished"
            case .callbackDelivered: "callbackDelivered"
            case .callbackEventAcknowledged: "callbackEventAcknowledged"
            case .callbackEventDropped: "callbackEventDropped"
            case .callbackEventResent: "callbackEventResent"
            case .alertRaised: "alertRaised"
            case .alertResolved: "alertResolved"
            case .alertSettingsChanged: "alertSettingsChanged"
            case .alertNotified: "alertNotified"
            }
        }

        public init?(name: String) {
            guard let kind = Self.allCases.first(where: { $0.name == name }) else { return nil }
            self = kind
        }
    }

    /// The event's kind number (for unknown kinds, the number that was read).
    public var kindNumber: UInt32 {
        switch payload {
        case .accountRegistered: Kind.accountRegistered.rawValue
        case .locationRegistered: Kind.locationRegistered.rawValue
        case .appRegistered: Kind.appRegistered.rawValue
        case .connectionCreated: Kind.connectionCreated.rawValue
        case .connectionReconnected: Kind.connectionReconnected.rawValue
        case .connectionBlocked: Kind.connectionBlocked.rawValue
        case .connectionUnblocked: Kind.connectionUnblocked.rawValue
        case .connectionDisconnected: Kind.connectionDisconnected.rawValue
        case .requestLogged: Kind.requestLogged.rawValue
        case .callbackAttempted: Kind.callbackAttempted.rawValue
        case .callbackResendRequested: Kind.callbackResendRequested.rawValue
        case .requestBodiesExpired: Kind.requestBodiesExpired.rawValue
        case .requestsRolledUp: Kind.requestsRolledUp.rawValue
        case .connectionTombstoned: Kind.connectionTombstoned.rawValue
        case .retentionApplied: Kind.retentionApplied.rawValue
        case .userRegistered: Kind.userRegistered.rawValue
        case .userPasswordChanged: Kind.userPasswordChanged.rawValue
        case .userRemoved: Kind.userRemoved.rawValue
        case .authorizationCodeIssued: Kind.authorizationCodeIssued.rawValue
        case .authorizationCodeRedeemed: Kind.authorizationCodeRedeemed.rawValue
        case .catalogRegistered: Kind.catalogRegistered.rawValue
        case .customerListRegistered: Kind.customerListRegistered.rawValue
        case .callbackSet: Kind.callbackSet.rawValue
        case .callbackDeleted: Kind.callbackDeleted.rawValue
        case .hubEventPublished: Kind.hubEventPublished.rawValue
        case .callbackDelivered: Kind.callbackDelivered.rawValue
        case .callbackEventAcknowledged: Kind.callbackEventAcknowledged.rawValue
        case .callbackEventDropped: Kind.callbackEventDropped.rawValue
        case .callbackEventResent: Kind.callbackEventResent.rawValue
        case .alertRaised: Kind.alertRaised.rawValue
        case .alertResolved: Kind.alertResolved.rawValue
        case .alertSettingsChanged: Kind.alertSettingsChanged.rawValue
        case .alertNotified: Kind.alertNotified.rawValue
        case .unknown(let kind, _): kind
        }
    }

    /// The connection the event is about, if any.
    public var connectionID: String? {
        switch payload {
        case .connectionCreated(let e): e.connectionID
        case .connectionReconnected(let e): e.connectionID
        case .connectionBlocked(let e), .connectionUnblocked(let e), .connectionDisconnected(let e): e.connectionID
        case .requestLogged(let e): e.connectionID
        case .callbackAttempted(let e): e.connectionID
        case .callbackResendRequested(let e): e.connectionID
        case .requestBodiesExpired(let e): e.connectionID
        case .requestsRolledUp(let e): e.connectionID
        case .connectionTombstoned(let e): e.connectionID
        case .retentionApplied: nil
        case .accountRegistered, .locationRegistered, .appRegistered, .unknown: nil
        case .userRegistered, .userPasswordChanged, .userRemoved: nil
        case .authorizationCodeIssued, .authorizationCodeRedeemed, .catalogRegistered, .customerListRegistered: nil
        case .callbackSet(let e): e.connectionID
        case .callbackDeleted(let e): e.connectionID
        case .hubEventPublished: nil
        case .callbackDelivered(let e): e.connectionID
        case .callbackEventAcknowledged(let e): e.connectionID
        case .callbackEventDropped(let e): e.connectionID
        case .callbackEventResent(let e): e.connectionID
        case .alertRaised(let e): e.connectionID
        case .alertResolved(let e): e.connectionID
        case .alertSettingsChanged(let e): e.connectionID
        case .alertNotified(let e): e.connectionID
        }
    }
}

/// An account of the hub was registered.
public struct AccountRegistered: Hashable, Sendable {
    public var accountID: String
    public var name: String
    /// IANA time zone used for account-level connections' days.
    public var timeZone: String

    public init(accountID: String, name: String, timeZone: String) {
        self.accountID = accountID
        self.name = name
        self.timeZone = timeZone
    }
}

/// A location (point of sale) of an account was registered.
public struct LocationRegistered: Hashable, Sendable {
    public var locationID: String
    public var accountID: String
    public var name: String
    /// IANA time zone, such as `Europe/Paris`: a location's days and times follow it.
    public var timeZone: String

    public init(locationID: String, accountID: String, name: String, timeZone: String) {
        self.locationID = locationID
        self.accountID = accountID
        self.name = name
        self.timeZone = timeZone
    }
}

/// An app (an API client of the hub) was registered.
public struct AppRegistered: Hashable, Sendable {
    public var appID: String
    public var name: String
    public var level: ConnectionLevel
    /// The scope the app asks for, such as `location[orders.write]`.
    public var scope: String
    /// Where the back office opens the app, in a new window.
    public var openURL: String?
    /// Called with the app instance id when a connection is disconnected.
    public var disconnectCallbackURL: String?
    /// Where the OAuth authorization-code grant may send the owner back with a code; an
    /// app with none is connected from the back office only.
    public var redirectURIs: [String]
    /// A public OAuth client (RFC 6749 §2.1): an app that cannot keep a secret (in a
    /// browser, on a device) has none, and proves its codes with PKCE instead.
    public var isPublic: Bool
    /// Where *Connecter* sends the owner, with the chosen place (`?location_id=…` or
    /// `?account_id=…`), for the app to start the OAuth grant.
    public var installURL: String?

    public init(
        appID: String, name: String, level: ConnectionLevel, scope: String,
        openURL: String? = nil, disconnectCallbackURL: String? = nil, redirectURIs: [String] = [], isPublic: Bool = false,
        installURL: String? = nil
    ) {
        self.installURL = installURL
        self.redirectURIs = redirectURIs
        self.isPublic = isPublic
        self.appID = appID
        self.name = name
        self.level = level
        self.scope = scope
        self.openURL = openURL
        self.disconnectCallbackURL = disconnectCallbackURL
    }
}

/// An app was granted access to an account or to one location.
public struct ConnectionCreated: Hashable, Sendable {
    public var connectionID: String
    public var appID: String
    public var accountID: String
    /// Set for a location-level connection.
    public var locationID: String?
    /// Tells apart several instances of one app on one location.
    public var deviceID: String?
    /// The granted scope.
    public var scope: String
    public var customerListID: String?
    public var catalogID: String?
    /// SHA-256 of the access token: the token itself is never stored.
    public var tokenDigest: [UInt8]
    /// The token's last characters, for display (`…9f3a`).
    public var tokenHint: String

    public init(
        connectionID: String, appID: String, accountID: String, locationID: String? = nil,
        deviceID: String? = nil, scope: String, customerListID: String? = nil, catalogID: String? = nil,
        tokenDigest: [UInt8], tokenHint: String
    ) {
        self.connectionID = connectionID
        self.appID = appID
        self.accountID = accountID
        self.locationID = locationID
        self.deviceID = deviceID
        self.scope = scope
        self.customerListID = customerListID
        self.catalogID = catalogID
        self.tokenDigest = tokenDigest
        self.tokenHint = tokenHint
    }
}

/// A connection was switched to another catalog or customer list.
public struct ConnectionReconnected: Hashable, Sendable {
    public var connectionID: String
    public var customerListID: String?
    public var catalogID: String?

    public init(connectionID: String, customerListID: String? = nil, catalogID: String? = nil) {
        self.connectionID = connectionID
        self.customerListID = customerListID
        self.catalogID = catalogID
    }
}

/// A connection was blocked, unblocked or disconnected.
public struct ConnectionStatusChanged: Hashable, Sendable {
    public var connectionID: String
    /// Who did it (a user or an operator).
    public var actor: String
    public var reason: String?

    public init(connectionID: String, actor: String, reason: String? = nil) {
        self.connectionID = connectionID
        self.actor = actor
        self.reason = reason
    }
}

/// One HTTP header: name and value as sent.
public struct Header: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An API request an app made through a connection, with its response.
public struct RequestLogged: Hashable, Sendable {
    public var connectionID: String
    /// The gateway's id of the request, if it gave one.
    public var requestID: String?
    public var method: HTTPMethod
    /// The resource the request targets (`orders`, `customers`, `catalogs`, …).
    public var resource: String
    /// Path and query of the request.
    public var url: String
    public var status: UInt16
    public var durationMicroseconds: UInt64
    /// Request headers, with credentials already redacted.
    public var requestHeaders: [Header]
    public var requestBody: [UInt8]
    public var responseHeaders: [Header]
    public var responseBody: [UInt8]
    /// Set when the event was decoded without its bodies (``BinaryEventCodec/decode(_:bodies:)``
    /// with `.skip`): their lengths, the bodies themselves left empty.
    public internal(set) var skippedBodyLengths: BodyLengths?
    /// Of a failed request whose bodies compaction dropped: the error its answer gave (the
    /// hub's `error_type`, `code` or message), kept so that its error group outlives the
    /// body. Field 12 of a `requestBodiesExpired`; nil on a `requestLogged`, whose error is
    /// read from its response body.
    public var errorSummary: String?

    /// The lengths of the two bodies of a request decoded without them.
    public struct BodyLengths: Hashable, Sendable {
        public var request: Int
        public var response: Int
    }

    /// The request body's length, whether or not the body was decoded.
    public var requestBodyLength: Int { skippedBodyLengths?.request ?? requestBody.count }

    /// The same request without its bodies (their lengths kept): what compaction leaves.
    public var withoutBodies: RequestLogged {
        var r = self
        r.skippedBodyLengths = .init(request: requestBodyLength, response: responseBodyLength)
        r.requestBody = []
        r.responseBody = []
        return r
    }
    /// The response body's length, whether or not the body was decoded.
    public var responseBodyLength: Int { skippedBodyLengths?.response ?? responseBody.count }

    public init(
        connectionID: String, requestID: String? = nil, method: HTTPMethod, resource: String, url: String,
        status: UInt16, durationMicroseconds: UInt64, requestHeaders: [Header] = [], requestBody: [UInt8] = [],
        responseHeaders: [Header] = [], responseBody: [UInt8] = []
    ) {
        self.connectionID = connectionID
        self.requestID = requestID
        self.method = method
        self.resource = resource
        self.url = url
        self.status = status
        self.durationMicroseconds = durationMicroseconds
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
    }
}

/// One attempt to tell an app, at its disconnect callback URL, that a connection is gone.
public struct CallbackAttempted: Hashable, Sendable {
    public var connectionID: String
    /// The same for every attempt of one delivery: the receiver's idempotency key.
    public var deliveryID: String
    /// 1 for the first attempt of the delivery.
    public var attempt: UInt32
    public var url: String
    /// The HTTP status answered, or nil when there was no answer.
    public var status: UInt16?
    /// Why there was no (acceptable) answer: refused connection, timeout, …
    public var error: String?
    /// When the next attempt is due; nil when the delivery is over (done or given up).
    public var nextAttemptAt: Timestamp?

    public init(
        connectionID: String, deliveryID: String, attempt: UInt32, url: String, status: UInt16? = nil,
        error: String? = nil, nextAttemptAt: Timestamp? = nil
    ) {
        self.connectionID = connectionID
        self.deliveryID = deliveryID
        self.attempt = attempt
        self.url = url
        self.status = status
        self.error = error
        self.nextAttemptAt = nextAttemptAt
    }
}

/// Someone asked for the disconnect callback to be delivered again.
public struct CallbackResendRequested: Hashable, Sendable {
    public var connectionID: String
    /// The new delivery's id.
    public var deliveryID: String
    public var actor: String

    public init(connectionID: String, deliveryID: String, actor: String) {
        self.connectionID = connectionID
        self.deliveryID = deliveryID
        self.actor = actor
    }
}

/// Requests of one connection on one local day, folded into counts by compaction.
public struct RequestsRolledUp: Hashable, Sendable {
    public var connectionID: String
    /// The local day (in the connection's time zone), as days since 1970-01-01.
    public var day: Int64
    public var total: UInt64
    /// By status class: 1xx, 2xx, 3xx, 4xx, 5xx.
    public var byClass: [UInt64]
    public var firstTime: Timestamp
    public var lastTime: Timestamp

    public init(connectionID: String, day: Int64, total: UInt64, byClass: [UInt64], firstTime: Timestamp, lastTime: Timestamp) {
        self.connectionID = connectionID
        self.day = day
        self.total = total
        self.byClass = byClass
        self.firstTime = firstTime
        self.lastTime = lastTime
    }
}

/// What is left of a connection disconnected long ago: its history folded away.
public struct ConnectionTombstoned: Hashable, Sendable {
    public var connectionID: String
    public var appID: String
    public var accountID: String
    public var locationID: String?
    public var disconnectedAt: Timestamp
    public var requestCount: UInt64

    public init(connectionID: String, appID: String, accountID: String, locationID: String?, disconnectedAt: Timestamp, requestCount: UInt64) {
        self.connectionID = connectionID
        self.appID = appID
        self.accountID = accountID
        self.locationID = locationID
        self.disconnectedAt = disconnectedAt
        self.requestCount = requestCount
    }
}

/// The cutoffs of a compaction run, for projections to apply to what they hold.
public struct RetentionApplied: Hashable, Sendable {
    /// Requests before this have no bodies.
    public var bodiesBefore: Timestamp
    /// Log entries before this are forgotten (their counts stay in the activity).
    public var logsBefore: Timestamp
    /// Connections disconnected before this are forgotten.
    public var disconnectedBefore: Timestamp
    /// Tombstones of connections disconnected before this are removed.
    public var tombstonesBefore: Timestamp
    /// The run's bounds, so a replica of the journal can repeat it exactly: events were
    /// rewritten up to `limit`, with what the journal held through `scannedThrough`
    /// (both nil in markers written before replication).
    public var limit: UInt64?
    public var scannedThrough: UInt64?

    public init(
        bodiesBefore: Timestamp, logsBefore: Timestamp, disconnectedBefore: Timestamp, tombstonesBefore: Timestamp,
        limit: UInt64? = nil, scannedThrough: UInt64? = nil
    ) {
        self.bodiesBefore = bodiesBefore
        self.logsBefore = logsBefore
        self.disconnectedBefore = disconnectedBefore
        self.tombstonesBefore = tombstonesBefore
        self.limit = limit
        self.scannedThrough = scannedThrough
    }
}
