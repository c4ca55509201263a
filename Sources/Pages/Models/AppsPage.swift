public import Events

/// **Voir les apps disponibles**: the registered apps, each with **Connecter**, greyed with
/// the reason where the app's level does not fit the chosen place.
public struct AppsPage: Sendable {
    public struct Row: Sendable {
        public var id: String
        public var name: String
        public var level: String
        public var scope: String
        public var canConnect: Bool
        /// Why **Connecter** is greyed.
        public var reason: String?
        public var connectURL: String
    }

    public var chrome: Chrome
    public var places: [Choice]
    public var place: String
    public var rows: [Row]
    /// Stored, not computed: the templates read values through reflection.
    public private(set) var hasRows = false

    /// `levelMismatch` says, for an app, why it cannot be connected at this place (nil: it can).
    public init(
        chrome: Chrome, apps: [AppRegistered], places: [Choice], place: String, accountQuery: String,
        levelMismatch: (AppRegistered) -> String?
    ) {
        self.chrome = chrome
        self.places = places
        self.place = place
        let t = chrome.t
        rows = apps.sorted { ($0.name, $0.appID) < ($1.name, $1.appID) }.map { app in
            let reason = levelMismatch(app)
            return Row(
                id: app.appID, name: app.name, level: AppsPage.levelLabel(app.level, t), scope: app.scope,
                canConnect: reason == nil, reason: reason,
                connectURL: "/apps/\(URLText.path(app.appID))/connect?place=\(URLText.query(place))\(accountQuery)")
        }
        hasRows = !rows.isEmpty
    }

    static func levelLabel(_ level: ConnectionLevel, _ t: Labels) -> String {
        switch level {
        case .account: t.levelAccount
        case .location: t.levelLocation
        case .either: t.levelEither
        }
    }
}

/// The grant: what the app will be given, asked for before the connection is made.
public struct GrantPage: Sendable {
    public var chrome: Chrome
    public var appID: String
    public var app: String
    public var place: String
    public var placeLabel: String
    public var scope: [String]
    public var action: String
    public var cancelURL: String
    public var account: String?
    public var error: String?

    public init(
        chrome: Chrome, app: AppRegistered, place: String, placeLabel: String, account: String?, cancelURL: String,
        error: String? = nil
    ) {
        self.chrome = chrome
        appID = app.appID
        self.app = app.name
        self.place = place
        self.placeLabel = placeLabel
        scope = app.scope.split(separator: ",").map { String($0) }
        action = "/apps/\(URLText.path(app.appID))/connect"
        self.cancelURL = cancelURL
        self.account = account
        self.error = error
    }
}

/// The access token of a new connection, shown this once.
public struct TokenPage: Sendable {
    public var chrome: Chrome
    public var app: String
    public var message: String
    public var token: String
    public var scope: String
    public var connectionID: String
    public var logsURL: String
    public var connectionsURL: String

    public init(chrome: Chrome, app: String, created: Bool, token: String, scope: String, connectionID: String, connectionsURL: String) {
        self.chrome = chrome
        self.app = app
        message = created ? chrome.t.connectionCreated : chrome.t.alreadyConnected
        self.token = token
        self.scope = scope
        self.connectionID = connectionID
        logsURL = "/connections/\(URLText.path(connectionID))/logs"
        self.connectionsURL = connectionsURL
    }
}
