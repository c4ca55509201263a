public import Events
public import Domain
public import Projections

/// One connection as the API answers it (`GET /v1/connections/{id}`, each item of the
/// list) and the command line shows it, from the projections or from a daemon's reply.
public struct ConnectionAnswer: Hashable, Sendable {
    public struct App: Hashable, Sendable {
        public var id: String
        public var name: String
        /// Set while the app is registered.
        public var level: ConnectionLevel?
        public var openURL: String?
    }

    public var connectionID: String
    public var app: App
    public var level: ConnectionLevel
    public var accountID: String
    public var accountName: String?
    public var locationID: String?
    public var locationName: String?
    /// The zone its days and times are shown in (``ZoneRule``).
    public var timeZone: String
    public var deviceID: String?
    public var status: ConnectionStatus
    public var scope: String
    public var customerListID: String?
    public var catalogID: String?
    /// Masked but for its last characters.
    public var accessToken: String
    public var createdAt: Timestamp
    public var statusChangedAt: Timestamp?
    public var statusChangedBy: String?
    public var statusReason: String?
    public var blockedAt: Timestamp?
    public var unblockedAt: Timestamp?
    public var disconnectedAt: Timestamp?
    public var reconnectedAt: Timestamp?
    public var firstRequestAt: Timestamp?
    public var lastRequestAt: Timestamp?
    public var requestCount: UInt64
    /// Its health state now (`docs/health.md`), when the health projection was read.
    public var health: HealthState?

    public init(_ view: ConnectionView) {
        let r = view.record
        connectionID = r.connectionID
        app = App(id: r.appID, name: view.appName, level: view.app?.level, openURL: view.app?.openURL)
        level = r.level
        accountID = r.accountID
        accountName = view.account?.name
        locationID = r.locationID
        locationName = r.locationID == nil ? nil : view.place?.name
        timeZone = view.timeZone
        deviceID = r.deviceID
        status = r.status
        scope = r.scope
        customerListID = r.customerListID
        catalogID = r.catalogID
        accessToken = view.maskedToken
        createdAt = r.createdAt
        statusChangedAt = r.statusChangedAt
        statusChangedBy = r.statusActor
        statusReason = r.statusReason
        blockedAt = r.blockedAt
        unblockedAt = r.unblockedAt
        disconnectedAt = r.disconnectedAt
        reconnectedAt = r.reconnectedAt
        firstRequestAt = r.firstRequestAt
        lastRequestAt = r.lastRequestAt
        requestCount = r.requestCount
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.string("connection_id", connectionID)
        w.beginObject("app")
        w.string("id", app.id)
        w.string("name", app.name)
        if let level = app.level {
            w.string("level", level.name)
            w.string("open_url", ifPresent: app.openURL)
        }
        w.endObject()
        w.string("level", level.name)
        w.string("account_id", accountID)
        w.string("account_name", ifPresent: accountName)
        w.string("location_id", ifPresent: locationID)
        w.string("location_name", ifPresent: locationName)
        w.string("time_zone", timeZone)
        w.string("device_id", ifPresent: deviceID)
        w.string("status", status.name)
        w.string("scope", scope)
        w.string("customer_list_id", ifPresent: customerListID)
        w.string("catalog_id", ifPresent: catalogID)
        w.string("access_token", accessToken)
        w.timestamp("created_at", createdAt)
        if let t = statusChangedAt { w.timestamp("status_changed_at", t) }
        w.string("status_changed_by", ifPresent: statusChangedBy)
        w.string("status_reason", ifPresent: statusReason)
        if let t = blockedAt { w.timestamp("blocked_at", t) }
        if let t = unblockedAt { w.timestamp("unblocked_at", t) }
        if let t = disconnectedAt { w.timestamp("disconnected_at", t) }
        if let t = reconnectedAt { w.timestamp("reconnected_at", t) }
        if let t = firstRequestAt { w.timestamp("first_request_at", t) }
        if let t = lastRequestAt { w.timestamp("last_request_at", t) }
        w.unsigned("request_count", requestCount)
        w.string("health", ifPresent: health?.rawValue)
        w.endObject()
    }

    public init(json bytes: [UInt8]) throws(AnswerError) {
        try self.init(AnswerReader.parse(bytes))
    }

    init(_ r: AnswerReader) throws(AnswerError) {
        let a = try r.object("app")
        let appLevel = try a.optionalString("level")
        app = App(id: try a.string("id"), name: try a.string("name"), level: appLevel.flatMap(ConnectionLevel.init(name:)),
                  openURL: try a.optionalString("open_url"))
        connectionID = try r.string("connection_id")
        let levelName = try r.string("level")
        guard let level = ConnectionLevel(name: levelName) else { throw AnswerError("connection.level: \"\(levelName)\"") }
        self.level = level
        accountID = try r.string("account_id")
        accountName = try r.optionalString("account_name")
        locationID = try r.optionalString("location_id")
        locationName = try r.optionalString("location_name")
        timeZone = try r.string("time_zone")
        deviceID = try r.optionalString("device_id")
        let statusName = try r.string("status")
        guard let status = ConnectionStatus(name: statusName) else { throw AnswerError("connection.status: \"\(statusName)\"") }
        self.status = status
        scope = try r.string("scope")
        customerListID = try r.optionalString("customer_list_id")
        catalogID = try r.optionalString("catalog_id")
        accessToken = try r.string("access_token")
        createdAt = try r.time("created_at")
        statusChangedAt = try r.optionalTime("status_changed_at")
        statusChangedBy = try r.optionalString("status_changed_by")
        statusReason = try r.optionalString("status_reason")
        blockedAt = try r.optionalTime("blocked_at")
        unblockedAt = try r.optionalTime("unblocked_at")
        disconnectedAt = try r.optionalTime("disconnected_at")
        reconnectedAt = try r.optionalTime("reconnected_at")
        firstRequestAt = try r.optionalTime("first_request_at")
        lastRequestAt = try r.optionalTime("last_request_at")
        requestCount = try r.unsigned("request_count")
        health = try r.optionalString("health").flatMap(HealthState.init(rawValue:))
    }
}

/// A list of connections (`GET /v1/connections`).
public struct ConnectionsAnswer: Hashable, Sendable {
    public var connections: [ConnectionAnswer]

    public init(_ views: [ConnectionView], health: (String) -> HealthState? = { _ in nil }) {
        connections = views.map { view in
            var answer = ConnectionAnswer(view)
            answer.health = health(view.record.connectionID)
            return answer
        }
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.beginArray("connections")
        for c in connections { c.writeJSON(&w) }
        w.endArray()
        w.endObject()
    }

    public init(json bytes: [UInt8]) throws(AnswerError) {
        var list: [ConnectionAnswer] = []
        for item in try AnswerReader.parse(bytes).objects("connections") { list.append(try ConnectionAnswer(item)) }
        connections = list
    }
}
