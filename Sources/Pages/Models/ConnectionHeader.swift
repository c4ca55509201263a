public import Answers

/// The general information at the top of a connection's pages: the seed's **Jeton
/// d'accès** (masked), **Portée**, **Liste de clients** and **Catalogue**, and the links
/// between its pages.
public struct ConnectionHeader: Sendable {
    public var id: String
    public var app: String
    public var place: String
    public var status: String
    public var statusKey: String
    public var accessToken: String
    public var scope: String
    public var customerList: String?
    public var catalog: String?
    public var timeZone: String
    public var activityURL: String
    public var logsURL: String
    public var callbacksURL: String
    public var hubCallbackURL: String
    public var checkURL: String
    public var errorsURL: String
    public var isDisconnected: Bool
    /// Its health badge, for an active connection whose health was read.
    public var health: String?
    public var healthKey: String?

    public init(_ c: ConnectionAnswer, _ t: Labels) {
        id = c.connectionID
        app = c.app.name
        place = c.locationName ?? c.locationID ?? c.accountName ?? c.accountID
        status = ConnectionsPage.statusLabel(c.status, t)
        statusKey = c.status.name
        accessToken = c.accessToken
        scope = c.scope
        customerList = c.customerListID
        catalog = c.catalogID
        timeZone = c.timeZone
        let path = "/connections/\(URLText.path(c.connectionID))"
        activityURL = path + "/activity"
        logsURL = path + "/logs"
        callbacksURL = path + "/callbacks"
        hubCallbackURL = path + "/callback"
        checkURL = path + "/check"
        errorsURL = path + "/errors"
        isDisconnected = c.status == .disconnected
        health = c.status == .active ? c.health.flatMap { ConnectionsPage.healthLabel($0, t) } : nil
        healthKey = c.status == .active ? c.health?.rawValue : nil
    }
}
