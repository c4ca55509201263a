internal import Foundation
public import Events
public import Journal
internal import LMDB
public import Logging
public import Domain

/// Read-only answers over the projections and the journal: what the Connections
/// page, the activity chart and the logs show. Used by the command line and the daemon.
///
/// Every answer is read in one short LMDB read transaction (MVCC: projectors keep
/// writing meanwhile).
public final class Queries: Sendable {
    public let data: DataDirectory
    let journal: Journal
    let connectionsStore: ProjectionStore
    private let activityStore: ProjectionStore
    private let logsStore: ProjectionStore
    let healthStore: ProjectionStore
    // Projections opened read-only serve as typed handles on their databases; queries
    // never call `apply`, so sharing them is safe.
    nonisolated(unsafe) let connections: ConnectionsProjection
    nonisolated(unsafe) private let activity: ActivityProjection
    nonisolated(unsafe) private let logs: LogsProjection
    nonisolated(unsafe) let health: HealthProjection

    /// Opens the journal of `data` and the projections under `projectionsDirectory`
    /// (by default the live ones, `<data>/projections`; a `junction-replay rebuild`
    /// output works too).
    public convenience init(data: DataDirectory, projectionsDirectory: String? = nil, logger: Logger) throws {
        try self.init(data: data, journal: try data.openJournalForReading(logger: logger), projectionsDirectory: projectionsDirectory)
    }

    /// Uses an open journal: the daemon's own (an LMDB environment must not be opened
    /// twice in one process).
    public init(data: DataDirectory, journal: Journal, projectionsDirectory: String? = nil) throws {
        self.data = data
        let projections = projectionsDirectory ?? data.projectionsPath
        self.journal = journal
        connectionsStore = try ProjectionStore(ConnectionsProjection.self, at: projections + "/connections", readOnly: true)
        activityStore = try ProjectionStore(ActivityProjection.self, at: projections + "/activity", readOnly: true)
        logsStore = try ProjectionStore(LogsProjection.self, at: projections + "/logs", readOnly: true)
        healthStore = try ProjectionStore(HealthProjection.self, at: projections + "/health", readOnly: true)
        connections = try connectionsStore.read { try ConnectionsProjection(opening: $0) }
        activity = try activityStore.read { try ActivityProjection(opening: $0) }
        logs = try logsStore.read { try LogsProjection(opening: $0) }
        health = try healthStore.read { try HealthProjection(opening: $0) }
    }

    public func close() {
        journal.close()
    }

    /// Each projection's checkpoint.
    public func checkpoints() throws -> [String: UInt64] {
        [
            "connections": try connectionsStore.checkpoint(),
            "activity": try activityStore.checkpoint(),
            "logs": try logsStore.checkpoint(),
            "health": try healthStore.checkpoint(),
        ]
    }

    /// The stores by projection name.
    private var stores: [String: ProjectionStore] {
        ["connections": connectionsStore, "activity": activityStore, "logs": logsStore, "health": healthStore]
    }

    /// Waits until the projections `names` have applied event `seq`, or until `deadline`;
    /// the names of those still behind then (none: all reached it). Woken by the
    /// projectors' commits.
    public func projections(_ names: [String], behind seq: UInt64, by deadline: ContinuousClock.Instant) async throws -> [String] {
        var behind: [String] = []
        for name in names {
            guard let store = stores[name] else { continue }
            if try await store.checkpoint(reaching: seq, by: deadline) < seq { behind.append(name) }
        }
        return behind
    }

    /// Waits until every projection has applied event `seq`, or until `deadline`; the
    /// least checkpoint then.
    public func slowestCheckpoint(reaching seq: UInt64, by deadline: ContinuousClock.Instant) async throws -> UInt64 {
        var slowest = UInt64.max
        for store in [connectionsStore, activityStore, logsStore, healthStore] {
            slowest = min(slowest, try await store.checkpoint(reaching: seq, by: deadline))
        }
        return slowest
    }

    /// The journal's head: how far the projections could be.
    public func journalHead() throws -> UInt64 { try journal.head }

    // MARK: Connections

    /// The connections of an account (all its locations too, unless `accountLevelOnly`),
    /// or of one location, or every connection; disconnected ones only when `statuses`
    /// includes them. Sorted by app name, then device id.
    public func connections(
        account: String? = nil, location: String? = nil, accountLevelOnly: Bool = false,
        statuses: Set<ConnectionStatus> = [.active, .blocked]
    ) throws -> [ConnectionView] {
        try connectionsStore.read { txn in
            var ids: [String] = []
            if let location {
                try txn.scan(connections.byLocation, range: .prefix(Key.text(location))) { key, _ in
                    ids.append(String(decoding: key[(location.utf8.count + 1)...], as: UTF8.self))
                    return true
                }
            } else if let account {
                try txn.scan(connections.byAccount, range: .prefix(Key.text(account))) { key, _ in
                    ids.append(String(decoding: key[(account.utf8.count + 1)...], as: UTF8.self))
                    return true
                }
            } else {
                try txn.scan(connections.connections) { key, _ in
                    ids.append(String(decoding: key, as: UTF8.self))
                    return true
                }
            }
            var views: [ConnectionView] = []
            for id in ids {
                guard let view = try view(id, txn), statuses.contains(view.record.status) else { continue }
                if accountLevelOnly, view.record.locationID != nil { continue }
                views.append(view)
            }
            return views.sorted {
                ($0.appName, $0.record.locationID ?? "", $0.record.deviceID ?? "", $0.record.connectionID)
                    < ($1.appName, $1.record.locationID ?? "", $1.record.deviceID ?? "", $1.record.connectionID)
            }
        }
    }

    /// One connection's general information.
    public func connection(_ id: String) throws -> ConnectionView {
        guard let view = try connectionsStore.read({ try view(id, $0) }) else {
            throw ProjectionError.notFound("connection \"\(id)\"")
        }
        return view
    }

    /// An account or location, if registered.
    public func place(_ id: String) throws -> Place? {
        try connectionsStore.read { txn in
            try txn.get(connections.places, key: Array(id.utf8)).map(Place.init(decoding:))
        }
    }

    private func view(_ id: String, _ txn: Transaction) throws -> ConnectionView? {
        guard let bytes = try txn.get(connections.connections, key: Array(id.utf8)) else { return nil }
        let record = try ConnectionRecord(decoding: bytes)
        let app = try txn.get(connections.apps, key: Array(record.appID.utf8)).map(AppRecord.init(decoding:))
        let placeID = record.locationID ?? record.accountID
        let place = try txn.get(connections.places, key: Array(placeID.utf8)).map(Place.init(decoding:))
        let account = record.locationID == nil
            ? place : try txn.get(connections.places, key: Array(record.accountID.utf8)).map(Place.init(decoding:))
        return ConnectionView(record: record, app: app, place: place, account: account)
    }

    /// The connection's disconnect-callback history, oldest first.
    public func callbacks(_ id: String) throws -> [CallbackRecord] {
        _ = try connection(id)
        return try connectionsStore.read { txn in
            var records: [CallbackRecord] = []
            try txn.scan(connections.callbacks, range: .prefix(Key.text(id))) { _, value in
                records.append(try CallbackRecord(decoding: value))
                return true
            }
            return records
        }
    }

    // MARK: Activity

    /// Requests per local day for the `days` days ending with the local day of `now`,
    /// zero-filled, oldest first.
    public func activity(_ id: String, days: Int = 30, now: Timestamp) throws -> ActivitySeries {
        guard (1...3660).contains(days) else { throw ProjectionError.invalid("days must be from 1 to 3660") }
        let view = try connection(id)
        let zone = view.timeZone
        let last = LocalDay(ZoneClock().day(zone, at: now))
        let first = LocalDay(last.number - Int64(days) + 1)
        // Days are shown with four-digit years.
        guard first.number >= CivilDate.toDays(1, 1, 1) else {
            throw ProjectionError.invalid("\(days) days up to \(last) start before the year 0001")
        }
        var counts: [LocalDay: DayCounts] = [:]
        try activityStore.read { txn in
            let range = KeyRange(
                lower: ActivityProjection.key(id, first), upper: ActivityProjection.key(id, LocalDay(last.number + 1)))
            try txn.scan(activity.days, range: range) { key, value in
                counts[ActivityProjection.day(ofKey: key)] = DayCounts(decoding: value)
                return true
            }
        }
        let series = (first.number...last.number).map { n in (LocalDay(n), counts[LocalDay(n)] ?? DayCounts()) }
        return ActivitySeries(connectionID: id, timeZone: zone, days: series)
    }

    // MARK: Logs

    /// A page of the connection's log entries, newest first.
    ///
    /// With a text (``LogFilter/text``), each candidate's record is read from the journal
    /// and its URL, request id and bodies searched (bytes, case as given), at most
    /// ``LogsProjection/textScanBudget`` a page: a page that stops there says so and how
    /// far back it looked, and its cursor goes on from there.
    public func logs(_ id: String, filter: LogFilter = LogFilter(), limit: Int = 50, cursor: String? = nil) throws -> LogsPage {
        _ = try connection(id)
        guard limit <= 1000 else { throw ProjectionError.invalid("limit must be at most 1000") }
        guard let text = filter.text, !text.isEmpty else {
            return try logsStore.read { txn in
                try logs.page(id, filter: filter, limit: limit, cursor: cursor, in: txn)
            }
        }
        let needle = Array(text.utf8)
        return try journal.withReader { reader in
            try logsStore.read { txn in
                try logs.page(id, filter: filter, limit: limit, cursor: cursor, in: txn, budget: LogsProjection.textScanBudget) { entry in
                    try reader.read(entry.seq) { record in
                        guard let fields = try BinaryEventCodec.requestFields(record, reading: .summary) else { return false }
                        return Queries.contains(fields, needle)
                    } ?? false
                }
            }
        }
    }

    /// One log entry with its request and response, read from the journal.
    public func log(_ id: String, seq: UInt64) throws -> LogDetail {
        guard let entry = try logsStore.read({ try logs.entry(id, seq: seq, in: $0) }) else {
            throw ProjectionError.notFound("log entry \(seq) of connection \"\(id)\"")
        }
        let event = try journal.read(seq) { try BinaryEventCodec.decode($0) }
        switch event?.payload {
        case .requestLogged(let request)? where request.connectionID == id:
            return LogDetail(entry: entry, request: request, bodiesExpired: false)
        case .requestBodiesExpired(let request)? where request.connectionID == id:
            return LogDetail(entry: entry, request: request, bodiesExpired: true)
        default:
            throw ProjectionError.notFound("log entry \(seq) of connection \"\(id)\" in the journal")
        }
    }

    /// The error groups of a connection's retained log entries, the most recent failure first.
    public func errorGroups(_ id: String) throws -> [ErrorGroup] {
        _ = try connection(id)
        return try logsStore.read { try logs.errorGroups(id, in: $0) }
    }

    /// The error groups of every connection of an account (disconnected ones included,
    /// while their entries are kept), the most recent failure first.
    public func errorGroups(account: String) throws -> [ErrorGroup] {
        let ids = try connections(account: account, statuses: Set(ConnectionStatus.allCases)).map(\.record.connectionID)
        guard try !ids.isEmpty || place(account) != nil else { throw ProjectionError.notFound("account \"\(account)\"") }
        return try logsStore.read { txn in
            try ids.flatMap { try logs.errorGroups($0, in: txn) }
        }.sorted(by: ErrorGroup.newestFirst)
    }

    /// The resource names seen in any log, for a filter's choices.
    public func knownResources() throws -> [String] {
        try logsStore.read { try logs.knownResources(in: $0) }
    }
}

/// A connection with the names of its app and place, and its time zone.
public struct ConnectionView: Hashable, Sendable {
    public var record: ConnectionRecord
    public var app: AppRecord?
    /// The location, or the account for an account-level connection.
    public var place: Place?
    public var account: Place?

    public var appName: String { app?.name ?? record.appID }
    /// The access token as the page shows it: masked but for its last characters.
    public var maskedToken: String { String(repeating: "*", count: 12) + record.tokenHint }
    /// The zone its days and times are shown in.
    public var timeZone: String {
        ZoneRule.zone(locationID: record.locationID, accountID: record.accountID) { _, _ in place?.timeZone }
    }
}

/// Requests per local day, oldest first.
public struct ActivitySeries: Hashable, Sendable {
    public var connectionID: String
    public var timeZone: String
    public var days: [(day: LocalDay, counts: DayCounts)]

    public init(connectionID: String, timeZone: String, days: [(day: LocalDay, counts: DayCounts)]) {
        self.connectionID = connectionID
        self.timeZone = timeZone
        self.days = days
    }

    public static func == (a: ActivitySeries, b: ActivitySeries) -> Bool {
        a.connectionID == b.connectionID && a.timeZone == b.timeZone
            && a.days.map(\.day) == b.days.map(\.day) && a.days.map(\.counts) == b.days.map(\.counts)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(connectionID)
        for d in days { hasher.combine(d.day); hasher.combine(d.counts) }
    }

    public var total: UInt64 { days.reduce(0) { $0 + UInt64($1.counts.total) } }
}

/// A log entry with its full request and response.
public struct LogDetail: Hashable, Sendable {
    public var entry: LogEntry
    public var request: RequestLogged
    /// Compaction dropped the bodies (after the body retention); the entry stays.
    public var bodiesExpired: Bool

    public init(entry: LogEntry, request: RequestLogged, bodiesExpired: Bool) {
        self.entry = entry
        self.request = request
        self.bodiesExpired = bodiesExpired
    }
}
