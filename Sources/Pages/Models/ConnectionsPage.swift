internal import Foundation
public import Answers
public import Events
public import Domain

/// **Connexions**: the connections of the account, or of one location, with their actions.
public struct ConnectionsPage: Sendable {
    /// One row of the table, with the links and forms of its **Actions** menu.
    public struct Row: Sendable {
        public var id: String
        public var app: String
        /// The device id, shown when the app is connected several times.
        public var instance: String?
        public var level: String
        public var place: String
        public var status: String
        /// `active`, `blocked` or `disconnected`, for the stylesheet and the tests.
        public var statusKey: String
        public var lastRequest: String
        public var requests: UInt64
        public var openURL: String?
        public var activityURL: String
        public var logsURL: String
        public var callbacksURL: String
        public var hubCallbackURL: String
        /// Hub events not delivered yet ("3 en attente"), when there are some.
        public var waiting: String?
        /// Its health (docs/health.md), for an active connection whose health is known.
        public var health: String?
        public var healthKey: String?
        public var reconnectURL: String
        public var confirmBlockURL: String
        public var confirmDisconnectURL: String
        public var unblockAction: String
        public var isActive: Bool
        public var isBlocked: Bool
        public var isDisconnected: Bool
        /// Reconnect is offered to apps tied to a catalog or a customer list.
        public var canReconnect: Bool
    }

    public var chrome: Chrome
    /// "Tous les points de vente" and each location.
    public var places: [Choice]
    public var place: String
    public var showDisconnected: Bool
    public var toggleDisconnectedURL: String
    public var rows: [Row]
    /// Stored, not computed: the templates read values through reflection.
    public private(set) var hasRows = false

    /// The page for `connections` seen from `place` ("all" or a location id).
    public init(
        chrome: Chrome, connections: [ConnectionAnswer], waiting: [String: Int] = [:], health: [String: HealthState] = [:],
        places: [Choice], place: String, showDisconnected: Bool, accountQuery: String
    ) {
        self.chrome = chrome
        self.places = places
        self.place = place
        self.showDisconnected = showDisconnected
        let t = chrome.t
        let base = "/connections?place=\(URLText.query(place))\(accountQuery)"
        toggleDisconnectedURL = showDisconnected ? base : base + "&disconnected=1"
        var instances: [String: Int] = [:]
        for c in connections { instances[c.app.id + "/" + (c.locationID ?? c.accountID), default: 0] += 1 }
        rows = connections.map { c in
            let path = "/connections/\(URLText.path(c.connectionID))"
            let several = (instances[c.app.id + "/" + (c.locationID ?? c.accountID)] ?? 0) > 1
            return Row(
                id: c.connectionID, app: c.app.name, instance: several || c.deviceID != nil ? (c.deviceID ?? t.none) : nil,
                level: c.level == .account ? t.levelAccount : t.levelLocation,
                place: c.locationName ?? c.locationID ?? c.accountName ?? c.accountID,
                status: Self.statusLabel(c.status, t), statusKey: c.status.name,
                lastRequest: c.lastRequestAt.map { LocalDisplay.time($0, zone: c.timeZone) } ?? t.none,
                requests: c.requestCount,
                openURL: c.status == .active ? c.app.openURL.map { OpenURL.forConnection($0, connectionID: c.connectionID) } : nil,
                activityURL: path + "/activity", logsURL: path + "/logs", callbacksURL: path + "/callbacks",
                hubCallbackURL: path + "/callback", waiting: waiting[c.connectionID].map { "\($0) \(t.waiting)" },
                health: c.status == .active ? health[c.connectionID].flatMap { Self.healthLabel($0, t) } : nil,
                healthKey: c.status == .active ? health[c.connectionID].map(\.rawValue) : nil,
                reconnectURL: path + "/reconnect", confirmBlockURL: path + "/confirm?action=block",
                confirmDisconnectURL: path + "/confirm?action=disconnect", unblockAction: path + "/unblock",
                isActive: c.status == .active, isBlocked: c.status == .blocked, isDisconnected: c.status == .disconnected,
                canReconnect: c.status != .disconnected && (c.catalogID != nil || c.customerListID != nil
                    || c.scope.contains("catalog") || c.scope.contains("customer_list")))
        }
        hasRows = !rows.isEmpty
    }

    /// The badge of a health state; none for blocked or disconnected (the status says it).
    static func healthLabel(_ state: HealthState, _ t: Labels) -> String? {
        switch state {
        case .ok: t.healthOK
        case .degraded: t.healthDegraded
        case .failing: t.healthFailing
        case .quiet: t.healthQuiet
        case .blocked, .disconnected: nil
        }
    }

    static func statusLabel(_ status: ConnectionStatus, _ t: Labels) -> String {
        switch status {
        case .active: t.statusActive
        case .blocked: t.statusBlocked
        case .disconnected: t.statusDisconnected
        }
    }
}

/// **Confirmer**: what blocking or disconnecting will do, before it is done.
public struct ConfirmPage: Sendable {
    public var chrome: Chrome
    public var app: String
    public var question: String
    public var explanation: String
    /// The seed's advice to block rather than disconnect, shown before a disconnection.
    public var advice: String?
    public var action: String
    public var actionKey: String
    public var cancelURL: String

    public init(chrome: Chrome, connection: ConnectionAnswer, disconnect: Bool, cancelURL: String) {
        self.chrome = chrome
        let t = chrome.t
        app = connection.app.name
        question = disconnect ? t.disconnectQuestion : t.blockQuestion
        explanation = disconnect ? t.disconnectExplanation : t.blockExplanation
        advice = disconnect ? t.adviceBlockRather : nil
        actionKey = disconnect ? "disconnect" : "block"
        action = "/connections/\(URLText.path(connection.connectionID))/\(actionKey)"
        self.cancelURL = cancelURL
    }
}

/// **Reconnecter**: another catalog or customer list for a connection.
public struct ReconnectPage: Sendable {
    public var chrome: Chrome
    public var app: String
    public var catalog: String
    public var customerList: String
    /// The place's registered lists (the current one selected); empty: a text field.
    public var catalogs: [ListChoice]
    /// Stored, not computed: the templates read values through reflection.
    public var hasCatalogs: Bool
    public var hasCustomerLists: Bool
    public var customerLists: [ListChoice]
    public var action: String
    public var cancelURL: String
    public var error: String?

    public init(
        chrome: Chrome, connection: ConnectionAnswer, cancelURL: String, error: String? = nil,
        catalogs: [ListChoice] = [], customerLists: [ListChoice] = []
    ) {
        self.chrome = chrome
        self.catalogs = catalogs
        self.customerLists = customerLists
        hasCatalogs = !catalogs.isEmpty
        hasCustomerLists = !customerLists.isEmpty
        app = connection.app.name
        catalog = connection.catalogID ?? ""
        customerList = connection.customerListID ?? ""
        action = "/connections/\(URLText.path(connection.connectionID))/reconnect"
        self.cancelURL = cancelURL
        self.error = error
    }
}

/// Text for URLs and for display.
enum URLText {
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func path(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text }
    static func query(_ text: String) -> String { path(text) }
}

/// Times as the pages show them: in the connection's zone, to the second.
public enum LocalDisplay {
    /// `2026-11-29 11:14:03`.
    public static func time(_ time: Timestamp, zone: String) -> String { LocalTime.format(time, in: zone) }

    /// `UTC+02:00` for the zone's offset at `time`.
    public static func offset(zone: String, at time: Timestamp) -> String {
        LocalTime.offsetLabel(LocalTime.offset(zone, at: time))
    }
}
