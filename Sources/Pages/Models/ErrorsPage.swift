public import Answers
internal import Events

/// **Erreurs**: a connection's failed calls grouped by resource, method, status and the
/// error the answer gave, the most recent failure first, each with its count, its first
/// and last time, and a link to the logs filtered to it.
public struct ErrorsPage: Sendable {
    public struct Group: Sendable {
        public var id: String
        public var count: UInt64
        public var resource: String
        public var method: String
        public var status: UInt64
        public var statusKey: String
        /// Nil when the answers said nothing readable.
        public var error: String?
        public var firstSeen: String
        public var lastSeen: String
        public var logsURL: String
    }

    public var chrome: Chrome
    public var connection: ConnectionHeader
    public var groups: [Group]
    public private(set) var hasGroups = false

    public init(chrome: Chrome, connection: ConnectionHeader, groups: ErrorGroupsAnswer) {
        self.chrome = chrome
        self.connection = connection
        let zone = connection.timeZone
        self.groups = groups.groups.map { g in
            Group(id: g.id, count: g.count, resource: g.resource, method: g.method, status: g.status,
                  statusKey: StatusClass(status: Int(g.status))?.name ?? "other", error: g.error.isEmpty ? nil : g.error,
                  firstSeen: LocalDisplay.time(g.firstTime, zone: zone) + " " + LocalDisplay.offset(zone: zone, at: g.firstTime),
                  lastSeen: LocalDisplay.time(g.lastTime, zone: zone) + " " + LocalDisplay.offset(zone: zone, at: g.lastTime),
                  logsURL: connection.logsURL + "?error=" + URLText.query(g.id))
        }
        hasGroups = !self.groups.isEmpty
    }
}
