public import Events

/// What the hub knows that its rules depend on: accounts, locations, apps, connections
/// with their status and token digest. Built by applying the journal's events in order,
/// then kept current by applying each event the writer appends; ``check(_:)`` says
/// whether an event fits it.
public struct HubState: Sendable {
    /// A connection as the rules see it.
    public struct Connection: Sendable, Hashable {
        public var appID: String
        public var accountID: String
        public var locationID: String?
        public var deviceID: String?
        public var scope: String
        /// `scope` parsed once, for the gateway's check of each call (``permissions(_:locationID:)``).
        public var permissions: Scope
        public var status: ConnectionStatus
        public var tokenDigest: [UInt8]
        /// The catalog and customer list granted (a reconnect switches them).
        public var catalogID: String? = nil
        public var customerListID: String? = nil
    }

    /// One app instance on one place: the key under which connecting again finds the
    /// same connection.
    struct Instance: Hashable, Sendable {
        var appID: String
        var placeID: String
        var deviceID: String
    }

    /// A back-office user as the rules and the login see it.
    public struct User: Sendable, Hashable {
        /// The account an owner sees; nil for an operator, who sees every account.
        public var accountID: String?
        public var role: UserRole
        public var passwordHash: String
    }

    /// Back-office users by login.
    public private(set) var users: [String: User] = [:]
    /// Time zones by account id.
    public private(set) var accounts: [String: String] = [:]
    /// Account ids by location id.
    public private(set) var locations: [String: String] = [:]
    /// Account and location names by id (what a token answer shows an app).
    public private(set) var accountNames: [String: String] = [:]
    public private(set) var locationNames: [String: String] = [:]
    public private(set) var apps: [String: AppRegistered] = [:]
    public private(set) var connections: [String: Connection] = [:]
    /// OAuth authorization codes issued and not exchanged yet, by the hex of their digest
    /// (expired ones are dropped as later codes are issued).
    public private(set) var authorizationCodes: [String: AuthorizationCodeIssued] = [:]
    /// Catalogs and customer lists registered with Junction, by id.
    public private(set) var catalogs: [String: ListRegistered] = [:]
    public private(set) var customerLists: [String: ListRegistered] = [:]
    /// Each connection's callback, while it has one.
    public private(set) var callbacks: [String: CallbackSet] = [:]
    /// Each connection's open alert, while it has one: a second cannot be raised.
    public private(set) var openAlerts: [String: AlertRaised] = [:]
    /// Each connection's alert settings, once its owner chose them.
    public private(set) var alertSettings: [String: AlertSettingsChanged] = [:]
    /// The users' languages, by login (nil: French).
    public private(set) var languages: [String: String] = [:]
    private(set) var instances: [Instance: String] = [:]
    /// Connection ids by the first 8 bytes of their token digest.
    private var tokens: [UInt64: [String]] = [:]

    public init() {}

    /// A connection's scope parsed; none at its level if it cannot be read (an empty scope,
    /// or one written by a later build).
    static func permissions(_ scope: String, locationID: String?) -> Scope {
        (try? Scope(parsing: scope)) ?? Scope(level: locationID == nil ? .account : .location, permissions: [])
    }

    static func instance(app: String, account: String, location: String?, device: String?) -> Instance {
        Instance(appID: app, placeID: location ?? account, deviceID: device ?? "")
    }

    static func digestPrefix(_ digest: [UInt8]) -> UInt64 {
        digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The live connection of this app instance on this place, if there is one.
    public func existingConnection(app: String, account: String, location: String?, device: String?) -> String? {
        guard accounts[account] != nil else { return nil }
        guard let id = instances[Self.instance(app: app, account: account, location: location, device: device)],
              connections[id] != nil else { return nil }
        return id
    }

    /// Takes `event` into the state. Events that do not fit (which ``check(_:)`` refuses)
    /// change nothing they cannot, so replaying any journal is safe.
    public mutating func apply(_ event: Event) {
        switch event.payload {
        case .accountRegistered(let e):
            accounts[e.accountID] = e.timeZone
            accountNames[e.accountID] = e.name
        case .locationRegistered(let e):
            locations[e.locationID] = e.accountID
            locationNames[e.locationID] = e.name
        case .appRegistered(let e):
            apps[e.appID] = e
        case .connectionCreated(let e):
            connections[e.connectionID] = Connection(
                appID: e.appID, accountID: e.accountID, locationID: e.locationID, deviceID: e.deviceID,
                scope: e.scope, permissions: Self.permissions(e.scope, locationID: e.locationID),
                status: .active, tokenDigest: e.tokenDigest, catalogID: e.catalogID, customerListID: e.customerListID)
            instances[Self.instance(app: e.appID, account: e.accountID, location: e.locationID, device: e.deviceID)] = e.connectionID
            tokens[Self.digestPrefix(e.tokenDigest), default: []].append(e.connectionID)
        case .connectionBlocked(let e):
            connections[e.connectionID]?.status = .blocked
        case .connectionUnblocked(let e):
            connections[e.connectionID]?.status = .active
        case .connectionDisconnected(let e):
            guard let c = connections[e.connectionID] else { return }
            connections[e.connectionID]?.status = .disconnected
            callbacks[e.connectionID] = nil
            let key = Self.instance(app: c.appID, account: c.accountID, location: c.locationID, device: c.deviceID)
            if instances[key] == e.connectionID { instances[key] = nil }
        case .connectionTombstoned(let e):
            // What is left of an old connection: its id stays taken, and it stays gone.
            if connections[e.connectionID] == nil {
                connections[e.connectionID] = Connection(
                    appID: e.appID, accountID: e.accountID, locationID: e.locationID, deviceID: nil, scope: "",
                    permissions: Self.permissions("", locationID: e.locationID),
                    status: .disconnected, tokenDigest: [])
            }
        case .connectionReconnected(let e):
            if let id = e.catalogID { connections[e.connectionID]?.catalogID = id }
            if let id = e.customerListID { connections[e.connectionID]?.customerListID = id }
        case .requestLogged, .callbackAttempted, .callbackResendRequested, .unknown,
             .requestBodiesExpired, .requestsRolledUp, .retentionApplied:
            break
        case .userRegistered(let e):
            users[e.email] = User(accountID: e.accountID, role: e.role, passwordHash: e.passwordHash)
            languages[e.email] = e.language
        case .userPasswordChanged(let e):
            users[e.email]?.passwordHash = e.passwordHash
        case .userRemoved(let e):
            users[e.email] = nil
        case .authorizationCodeIssued(let e):
            authorizationCodes = authorizationCodes.filter { $0.value.expiresAt > event.time }
            authorizationCodes[HexText.encode(e.codeDigest)] = e
        case .authorizationCodeRedeemed(let e):
            authorizationCodes[HexText.encode(e.codeDigest)] = nil
        case .catalogRegistered(let e):
            catalogs[e.id] = e
        case .customerListRegistered(let e):
            customerLists[e.id] = e
        case .callbackSet(let e):
            callbacks[e.connectionID] = e
        case .callbackDeleted(let e):
            callbacks[e.connectionID] = nil
        case .hubEventPublished, .callbackDelivered, .callbackEventAcknowledged, .callbackEventDropped, .callbackEventResent,
             .alertNotified:
            break
        case .alertRaised(let e):
            openAlerts[e.connectionID] = e
        case .alertResolved(let e):
            if openAlerts[e.connectionID]?.alertID == e.alertID { openAlerts[e.connectionID] = nil }
        case .alertSettingsChanged(let e):
            alertSettings[e.connectionID] = e
        }
    }

    /// The connection a token's digest belongs to, comparing digests in constant time.
    public func connection(forDigest digest: [UInt8]) -> (id: String, connection: Connection)? {
        var found: (String, Connection)?
        for id in tokens[Self.digestPrefix(digest)] ?? [] {
            guard let c = connections[id] else { continue }
            if constantTimeEqual(c.tokenDigest, digest) { found = (id, c) }
        }
        return found
    }
}

/// Compares two byte strings without stopping at the first difference (token digests,
/// secrets, form tokens).
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}

extension HubState {
    /// The catalogs a connection to this place may be granted: those of the account, and
    /// those of the location when it is one. Sorted by name.
    public func catalogs(account: String, location: String?) -> [ListRegistered] {
        Self.lists(catalogs, account: account, location: location)
    }

    /// The customer lists a connection to this place may be granted, as ``catalogs(account:location:)``.
    public func customerLists(account: String, location: String?) -> [ListRegistered] {
        Self.lists(customerLists, account: account, location: location)
    }

    static func lists(_ all: [String: ListRegistered], account: String, location: String?) -> [ListRegistered] {
        all.values.filter { Self.fits($0, account: account, location: location) }
            .sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    static func fits(_ list: ListRegistered, account: String, location: String?) -> Bool {
        list.accountID == account && (list.locationID == nil || list.locationID == location)
    }

    /// Why the catalog and customer list named cannot be granted at this place, or nil. An
    /// id Junction was not told of is taken as it was before lists were registered (the
    /// hub's own ids); a registered one must belong to the place.
    func listMismatch(catalogID: String?, customerListID: String?, account: String, location: String?) -> DomainError? {
        let place = location.map { "location \"\($0)\"" } ?? "account \"\(account)\""
        if let id = catalogID, let list = catalogs[id], !Self.fits(list, account: account, location: location) {
            return .invalid("catalog_id", "catalog \"\(id)\" (\(list.name)) is not one of \(place)'s")
        }
        if let id = customerListID, let list = customerLists[id], !Self.fits(list, account: account, location: location) {
            return .invalid("customer_list_id", "customer list \"\(id)\" (\(list.name)) is not one of \(place)'s")
        }
        return nil
    }
}
