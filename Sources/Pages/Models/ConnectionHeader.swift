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
    public var isDisconnected: Bool

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
        isDisconnected = c.status == .disconnected
    }
}
