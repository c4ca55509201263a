/// What every page's frame shows: the language, who is logged in, the navigation and the
/// form token that every form which changes something carries.
public struct Chrome: Sendable {
    public var t: Labels
    public var title: String
    /// Nil on the login page.
    public var userEmail: String?
    public var csrf: String
    /// The same page in the other language.
    public var switchLanguageURL: String
    public var otherLanguage: String
    /// For operators, who see every account: the accounts to pick from. Empty for owners.
    public var accounts: [Choice]
    /// Stored, not computed: the templates read values through reflection.
    public var hasAccounts: Bool
    public var connectionsURL: String
    public var appsURL: String
    public var alertsURL: String
    /// The open alerts the viewer may see (the navigation's count); nil when none.
    public var openAlerts: Int?
    /// Which entry of the navigation is this page's.
    public var onConnections: Bool
    public var onApps: Bool
    public var onAlerts: Bool

    public init(
        language: Language, title: String, userEmail: String?, csrf: String, switchLanguageURL: String,
        accounts: [Choice] = [], connectionsURL: String = "/connections", appsURL: String = "/apps",
        onApps: Bool = false, alertsURL: String = "/alerts", openAlerts: Int = 0, onAlerts: Bool = false
    ) {
        t = language.labels
        self.title = title
        self.userEmail = userEmail
        self.csrf = csrf
        self.switchLanguageURL = switchLanguageURL
        otherLanguage = language == .fr ? "English" : "Français"
        self.accounts = accounts
        hasAccounts = accounts.count > 1
        self.connectionsURL = connectionsURL
        self.appsURL = appsURL
        self.alertsURL = alertsURL
        self.openAlerts = openAlerts > 0 ? openAlerts : nil
        onConnections = !onApps && !onAlerts
        self.onApps = onApps
        self.onAlerts = onAlerts
    }
}

/// One choice of a list (a place, an account, a filter's box).
public struct Choice: Sendable, Hashable {
    public var value: String
    public var label: String
    public var selected: Bool

    public init(value: String, label: String, selected: Bool) {
        self.value = value
        self.label = label
        self.selected = selected
    }
}

/// The login form.
public struct LoginPage: Sendable {
    public var chrome: Chrome
    public var email: String
    public var error: String?
    /// Where to go once logged in (a path on this site).
    public var next: String

    public init(chrome: Chrome, email: String = "", error: String? = nil, next: String = "/connections") {
        self.chrome = chrome
        self.email = email
        self.error = error
        self.next = next
    }
}

/// A refusal or a failure, said in words.
public struct ErrorPage: Sendable {
    public var chrome: Chrome
    public var status: Int
    public var message: String
    public var backURL: String

    public init(chrome: Chrome, status: Int, message: String, backURL: String = "/connections") {
        self.chrome = chrome
        self.status = status
        self.message = message
        self.backURL = backURL
    }
}
