public import Events

/// The OAuth grant as the owner sees it: which app asks, for which scope, at which place
/// (the levels that do not fit the app greyed), with **Autoriser** and **Refuser**.
public struct AuthorizePage: Sendable {
    public struct Place: Sendable {
        public var value: String
        public var label: String
        public var enabled: Bool
        public var reason: String?
        public var selected: Bool

        public init(value: String, label: String, enabled: Bool, reason: String?, selected: Bool) {
            self.value = value
            self.label = label
            self.enabled = enabled
            self.reason = reason
            self.selected = selected
        }
    }

    public var chrome: Chrome
    public var app: String
    public var scope: [String]
    public var places: [Place]
    public var clientID: String
    public var redirectURI: String
    public var state: String
    public var deviceID: String
    /// PKCE (RFC 7636): the app's `S256` code challenge, carried to the approval; empty
    /// when it sent none.
    public var codeChallenge: String
    /// The catalog and customer list pickers, shown when the scope asks for them.
    public var asksCatalog: Bool
    public var catalogs: [ListChoice]
    /// Stored, not computed: the templates read values through reflection.
    public var hasCatalogs: Bool
    public var hasCustomerLists: Bool
    public var asksCustomerList: Bool
    public var customerLists: [ListChoice]
    public var action = "/oauth2/v1/authorize"
    /// Stored, not computed: the templates read values through reflection.
    public var canApprove: Bool

    public init(
        chrome: Chrome, app: AppRegistered, places: [Place], redirectURI: String, state: String, deviceID: String,
        codeChallenge: String = "", catalogs: [ListChoice]? = nil, customerLists: [ListChoice]? = nil
    ) {
        asksCatalog = catalogs != nil
        self.catalogs = catalogs ?? []
        asksCustomerList = customerLists != nil
        self.customerLists = customerLists ?? []
        hasCatalogs = !self.catalogs.isEmpty
        hasCustomerLists = !self.customerLists.isEmpty
        self.chrome = chrome
        self.app = app.name
        // One line per right asked for, under the level (`location[a,b],profile` is three
        // lines: `location`, `a`, `b`, then `profile`).
        if let parsed = try? Scope(parsing: app.scope) {
            scope = parsed.permissions.map { "\(parsed.level.name) · \($0.resource.rawValue).\($0.right.rawValue)" }
                + (parsed.profile.map { [$0.rawValue] } ?? [])
        } else {
            scope = [app.scope]
        }
        var places = places
        if !places.contains(where: { $0.selected && $0.enabled }), let first = places.firstIndex(where: \.enabled) {
            for i in places.indices { places[i].selected = i == first }
        }
        self.places = places
        clientID = app.appID
        self.redirectURI = redirectURI
        self.state = state
        self.deviceID = deviceID
        self.codeChallenge = codeChallenge
        canApprove = places.contains(where: \.enabled)
    }
}

/// One catalog or customer list a picker offers.
public struct ListChoice: Sendable {
    public var value: String
    public var label: String
    /// The location it belongs to; empty for one of the whole account. The script hides
    /// the choices that do not fit the place picked.
    public var location: String
    public var selected: Bool

    public init(value: String, label: String, location: String?, selected: Bool) {
        self.value = value
        self.label = label
        self.location = location ?? ""
        self.selected = selected
    }
}
