public import Answers
public import Events

/// **Voir les logs**: the general information, the filter (**Éditer**, **Réinitialiser**)
/// and the entries newest first, with the zone's offset in the time column's header.
public struct LogListPage: Sendable {
    public struct Row: Sendable {
        public var seq: UInt64
        public var time: String
        public var resource: String
        public var method: String
        public var url: String
        public var status: UInt64
        /// `2xx` … `5xx`, for the stylesheet.
        public var statusKey: String
        public var detailURL: String
        public var bodiesExpired: Bool
        /// The row's own UTC offset, when the page spans more than one (a daylight-saving
        /// change); nil when the header's is every row's.
        public var offset: String?
    }

    /// What the filter holds, as the form sent it.
    public struct Filter: Sendable {
        public var resources: Set<String>
        public var methods: Set<String>
        public var statusClasses: Set<String>
        public var since: String
        public var until: String
        public var search: String
        /// Exact statuses, as typed (`422`, `422,409`).
        public var codes: String
        /// The least duration in milliseconds, as typed.
        public var minDuration: String

        public init(
            resources: Set<String> = [], methods: Set<String> = [], statusClasses: Set<String> = [],
            since: String = "", until: String = "", search: String = "", codes: String = "", minDuration: String = ""
        ) {
            self.resources = resources
            self.methods = methods
            self.statusClasses = statusClasses
            self.since = since
            self.until = until
            self.search = search
            self.codes = codes
            self.minDuration = minDuration
        }

        public var isEmpty: Bool {
            resources.isEmpty && methods.isEmpty && statusClasses.isEmpty && since.isEmpty && until.isEmpty && search.isEmpty
                && codes.isEmpty && minDuration.isEmpty
        }

        /// The filter as a query string (`resource=orders&method=GET…`), without the cursor.
        public var query: String {
            var items: [String] = []
            for r in resources.sorted() { items.append("resource=" + URLText.query(r)) }
            for m in methods.sorted() { items.append("method=" + URLText.query(m)) }
            for s in statusClasses.sorted() { items.append("status=" + URLText.query(s)) }
            if !since.isEmpty { items.append("since=" + URLText.query(since)) }
            if !until.isEmpty { items.append("until=" + URLText.query(until)) }
            if !search.isEmpty { items.append("q=" + URLText.query(search)) }
            if !codes.isEmpty { items.append("code=" + URLText.query(codes)) }
            if !minDuration.isEmpty { items.append("min_ms=" + URLText.query(minDuration)) }
            return items.joined(separator: "&")
        }
    }

    public var chrome: Chrome
    public var connection: ConnectionHeader
    public var filterOpen: Bool
    public var action: String
    public var resetURL: String
    public var resources: [Choice]
    public var methods: [Choice]
    public var statusClasses: [Choice]
    public var since: String
    public var until: String
    public var search: String
    public var timeHeader: String
    public var codes: String
    public var minDuration: String
    public var rows: [Row]
    /// Stored, not computed: the templates read values through reflection.
    public private(set) var hasRows = false
    public var nextURL: String?
    /// Set when the search stopped before a full page (it reads a bounded number of entries
    /// per page); the next page goes on from there.
    public var searchedPart: Bool

    public init(
        chrome: Chrome, connection: ConnectionHeader, entries: [LogEntryAnswer], nextCursor: String?,
        filter: Filter, knownResources: [String], offsetLabel: String, editing: Bool, searchedPart: Bool = false
    ) {
        self.chrome = chrome
        self.connection = connection
        let base = "/connections/\(URLText.path(connection.id))/logs"
        action = base
        resetURL = base
        filterOpen = editing || !filter.isEmpty
        resources = Set(knownResources).union(filter.resources).sorted().map {
            Choice(value: $0, label: $0, selected: filter.resources.contains($0))
        }
        methods = HTTPMethod.allCases.map { Choice(value: $0.name, label: $0.name, selected: filter.methods.contains($0.name)) }
        statusClasses = StatusClass.allCases.filter { $0 != .informational }.map {
            Choice(value: $0.name, label: $0.name, selected: filter.statusClasses.contains($0.name))
        }
        since = filter.since
        until = filter.until
        search = filter.search
        codes = filter.codes
        minDuration = filter.minDuration
        // The zone by name; its offset in the header when every row has the same one, on
        // each row when the page spans a daylight-saving change.
        let zone = connection.timeZone
        let offsets = entries.map { LocalDisplay.offset(zone: zone, at: $0.time) }
        let spansChange = Set(offsets).count > 1
        timeHeader = spansChange ? "\(chrome.t.time) (\(zone))" : "\(chrome.t.time) (\(zone), \(offsets.first ?? offsetLabel))"
        rows = zip(entries, offsets).map { e, offset in
            Row(seq: e.seq, time: LocalDisplay.time(e.time, zone: zone), resource: e.resource, method: e.method,
                url: e.url, status: e.status, statusKey: StatusClass(status: Int(e.status))?.name ?? "other",
                detailURL: "\(base)/\(e.seq)", bodiesExpired: e.bodiesExpired, offset: spansChange ? offset : nil)
        }
        let query = filter.query
        nextURL = nextCursor.map { "\(base)?\(query.isEmpty ? "" : query + "&")cursor=\(URLText.query($0))" }
        self.searchedPart = searchedPart
        hasRows = !rows.isEmpty
    }
}
