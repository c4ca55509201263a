public import Answers
public import Events
public import Projections

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
        /// An error group's id (from the Errors tab).
        public var errorGroup: String = ""

        public init(
            resources: Set<String> = [], methods: Set<String> = [], statusClasses: Set<String> = [],
            since: String = "", until: String = "", search: String = "", codes: String = "", minDuration: String = "",
            errorGroup: String = ""
        ) {
            self.resources = resources
            self.methods = methods
            self.statusClasses = statusClasses
            self.since = since
            self.until = until
            self.search = search
            self.codes = codes
            self.minDuration = minDuration
            self.errorGroup = errorGroup
        }

        public var isEmpty: Bool {
            resources.isEmpty && methods.isEmpty && statusClasses.isEmpty && since.isEmpty && until.isEmpty && search.isEmpty
                && codes.isEmpty && minDuration.isEmpty && errorGroup.isEmpty
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
            if !errorGroup.isEmpty { items.append("error=" + URLText.query(errorGroup)) }
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
    /// The offset the header states, when every row has it; empty when each row shows its
    /// own. A live row whose offset differs shows it (the page's script compares).
    public var headerOffset: String
    public var codes: String
    public var minDuration: String
    public var rows: [Row]
    /// Stored, not computed: the templates read values through reflection.
    public private(set) var hasRows = false
    public var nextURL: String?
    /// Set when the search stopped before a full page (it reads a bounded number of entries
    /// per page); the next page goes on from there.
    public var searchedPart: Bool
    /// Of a page read entry by entry: how many it read and how far back it looked.
    public var searchedNote: String?
    /// The error group the page is filtered to, in words, and the page without it.
    public var errorGroup: String
    public var errorGroupLabel: String?
    public var errorGroupClearURL: String
    /// The live tail's source (first page only): the stream of the same filter, from the
    /// last entry the page could show.
    public var streamURL: String?
    public var exportNDJSONURL: String
    public var exportCSVURL: String
    public var exportCSVBodiesURL: String

    /// - Parameters:
    ///   - apiQuery: the filter in the API's terms (the export's and the stream's query).
    ///   - streamAfter: the sequence number the live tail starts after; nil: no tail.
    public init(
        chrome: Chrome, connection: ConnectionHeader, entries: [LogEntryAnswer], nextCursor: String?,
        filter: Filter, knownResources: [String], offsetLabel: String, editing: Bool, searchedPart: Bool = false,
        scanned: (count: UInt64, backTo: Timestamp?)? = nil, apiQuery: String = "", streamAfter: UInt64? = nil
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
        headerOffset = spansChange ? "" : offsets.first ?? offsetLabel
        rows = zip(entries, offsets).map { e, offset in
            Row(seq: e.seq, time: LocalDisplay.time(e.time, zone: zone), resource: e.resource, method: e.method,
                url: e.url, status: e.status, statusKey: StatusClass(status: Int(e.status))?.name ?? "other",
                detailURL: "\(base)/\(e.seq)", bodiesExpired: e.bodiesExpired, offset: spansChange ? offset : nil)
        }
        let query = filter.query
        nextURL = nextCursor.map { "\(base)?\(query.isEmpty ? "" : query + "&")cursor=\(URLText.query($0))" }
        self.searchedPart = searchedPart
        if let scanned, scanned.count > 0, let back = scanned.backTo, !filter.search.isEmpty {
            searchedNote = chrome.t.searchedBack.replacingOccurrences(of: "{n}", with: "\(scanned.count)")
                .replacingOccurrences(of: "{time}", with: LocalDisplay.time(back, zone: zone))
        }
        errorGroup = filter.errorGroup
        errorGroupLabel = ErrorGroupKey(id: filter.errorGroup).map { g in
            "\(g.method.name) \(g.resource) → \(g.status)" + (g.error.isEmpty ? "" : " · \(g.error)")
        }
        var withoutGroup = filter
        withoutGroup.errorGroup = ""
        errorGroupClearURL = base + (withoutGroup.query.isEmpty ? "" : "?" + withoutGroup.query)
        let api = apiQuery.isEmpty ? "" : apiQuery + "&"
        streamURL = streamAfter.map { "\(base)/stream?\(api)last_event_id=\($0)" }
        exportNDJSONURL = "\(base)/export?\(api)format=ndjson&bodies=1"
        exportCSVURL = "\(base)/export?\(api)format=csv"
        exportCSVBodiesURL = "\(base)/export?\(api)format=csv&bodies=1"
        hasRows = !rows.isEmpty
    }

    /// The filter in the socket API's terms, for the export's and the tail's URLs.
    public static func apiQuery(_ filter: LogFilter) -> String {
        var items: [String] = []
        for r in filter.resources.sorted() { items.append("resource=" + URLText.query(r)) }
        for m in filter.methods.map(\.name).sorted() { items.append("method=" + m) }
        for c in filter.statusClasses.map(\.name).sorted() { items.append("status=" + c) }
        for code in filter.statuses.sorted() { items.append("status=\(code)") }
        if let min = filter.minDurationMicroseconds { items.append("min_duration_ms=\(min / 1000)") }
        if let since = filter.since { items.append("since=" + URLText.query(since.rfc3339)) }
        if let until = filter.until { items.append("until=" + URLText.query(until.rfc3339)) }
        if let group = filter.errorGroup { items.append("error=" + URLText.query(group.id)) }
        if let text = filter.text { items.append("text=" + URLText.query(text)) }
        return items.joined(separator: "&")
    }
}
