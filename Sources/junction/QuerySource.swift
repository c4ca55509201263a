import Answers
import Domain
import Events
import Foundation
import Projections

/// Where query commands get their answers: the projections on disk, or a running
/// daemon's socket. Either way the answer is the same typed value, which the commands
/// render (or print as the API's JSON with `--json`).
enum QuerySource {
    case local(Queries)
    case socket(SocketClient)

    func close() {
        if case .local(let q) = self { q.close() }
    }

    func connections(account: String?, location: String?, accountLevel: Bool, statuses: [String]) async throws -> ConnectionsAnswer {
        switch self {
        case .local(let q):
            let set = Set(statuses.compactMap(ConnectionStatus.init(name:)))
            return ConnectionsAnswer(try answer {
                try q.connections(account: account, location: location, accountLevelOnly: accountLevel, statuses: set)
            })
        case .socket(let s):
            var items: [(String, String?)] = [("account", account), ("location", location), ("account_level", accountLevel ? "true" : nil),
                                              ("after", "head")]
            items += statuses.map { ("status", $0) }
            return try decoded(try await s.send(.get, "/v1/connections" + queryString(items)).body, ConnectionsAnswer.init(json:))
        }
    }

    func connection(_ id: String) async throws -> ConnectionAnswer {
        switch self {
        case .local(let q):
            return ConnectionAnswer(try answer { try q.connection(id) })
        case .socket(let s):
            return try decoded(try await s.send(.get, "/v1/connections/\(escape(id))?after=head").body, ConnectionAnswer.init(json:))
        }
    }

    func activity(_ id: String, days: Int, now: Timestamp) async throws -> ActivityAnswer {
        switch self {
        case .local(let q):
            return ActivityAnswer(try answer { try q.activity(id, days: days, now: now) })
        case .socket(let s):
            let reply = try await s.send(.get, "/v1/connections/\(escape(id))/activity"
                + queryString([("days", "\(days)"), ("now", now.rfc3339), ("after", "head")]))
            return try decoded(reply.body, ActivityAnswer.init(json:))
        }
    }

    func logs(_ id: String, filter: LogFilter, limit: Int, cursor: String?) async throws -> LogsPageAnswer {
        switch self {
        case .local(let q):
            let zone = try answer { try q.connection(id).timeZone }
            return LogsPageAnswer(try answer { try q.logs(id, filter: filter, limit: limit, cursor: cursor) }, timeZone: zone)
        case .socket(let s):
            let items: [(String, String?)] = [("limit", "\(limit)"), ("cursor", cursor), ("after", "head")] + Self.filterItems(filter)
            return try decoded(try await s.send(.get, "/v1/connections/\(escape(id))/logs" + queryString(items)).body, LogsPageAnswer.init(json:))
        }
    }

    /// The logs query's parameters for `filter`.
    static func filterItems(_ filter: LogFilter) -> [(String, String?)] {
        var items: [(String, String?)] = [("since", filter.since?.rfc3339), ("until", filter.until?.rfc3339)]
        items += filter.resources.sorted().map { ("resource", $0) }
        items += filter.methods.map(\.name).sorted().map { ("method", $0) }
        items += filter.statusClasses.map(\.name).sorted().map { ("status", $0) }
        items += filter.statuses.sorted().map { ("status", "\($0)") }
        items.append(("min_duration_ms", filter.minDurationMicroseconds.map { "\($0 / 1000)" }))
        items.append(("error", filter.errorGroup?.id))
        items.append(("text", filter.text))
        return items
    }

    func errors(_ id: String) async throws -> ErrorGroupsAnswer {
        switch self {
        case .local(let q):
            let zone = try answer { try q.connection(id).timeZone }
            return ErrorGroupsAnswer(try answer { try q.errorGroups(id) }, timeZone: { _ in zone })
        case .socket(let s):
            return try decoded(try await s.send(.get, "/v1/connections/\(escape(id))/errors?after=head").body, ErrorGroupsAnswer.init(json:))
        }
    }

    func errors(account: String) async throws -> ErrorGroupsAnswer {
        switch self {
        case .local(let q):
            let groups = try answer { try q.errorGroups(account: account) }
            return ErrorGroupsAnswer(groups, timeZone: { (try? q.connection($0).timeZone) ?? "UTC" })
        case .socket(let s):
            return try decoded(try await s.send(.get, "/v1/accounts/\(escape(account))/errors?after=head").body, ErrorGroupsAnswer.init(json:))
        }
    }

    /// Writes the export of `id`'s filtered logs to `out`, as read.
    func export(_ id: String, filter: LogFilter, format: LogExport.Format, bodies: Bool, to out: FileHandle) async throws {
        switch self {
        case .local(let q):
            let zone = try answer { try q.connection(id).timeZone }
            _ = try await LogExport(format: format, bodies: bodies, timeZone: zone).run(q, id, filter: filter) { bytes in
                try out.write(contentsOf: bytes)
            }
        case .socket(let s):
            let items: [(String, String?)] = [("format", format.rawValue), ("bodies", bodies ? "1" : "0"), ("after", "head")]
                + Self.filterItems(filter)
            try await s.stream("/v1/connections/\(escape(id))/logs/export" + queryString(items)) { piece in
                try out.write(contentsOf: piece.readableBytesView)
            }
        }
    }

    func log(_ id: String, seq: UInt64) async throws -> LogDetailAnswer {
        switch self {
        case .local(let q):
            let zone = try answer { try q.connection(id).timeZone }
            return LogDetailAnswer(try answer { try q.log(id, seq: seq) }, timeZone: zone)
        case .socket(let s):
            return try decoded(try await s.send(.get, "/v1/connections/\(escape(id))/logs/\(seq)?after=head").body, LogDetailAnswer.init(json:))
        }
    }

    /// A body as the download gives it.
    func body(_ id: String, seq: UInt64, request: Bool) async throws -> [UInt8] {
        switch self {
        case .local(let q):
            let detail = try answer { try q.log(id, seq: seq) }
            if detail.bodiesExpired { throw CommandFailure("the bodies of entry \(seq) expired (body retention) and were removed") }
            let stored = request ? detail.request.requestBody : detail.request.responseBody
            return LogDetailAnswer.bodyJSON(stored) ?? stored
        case .socket(let s):
            return try await s.send(.get, "/v1/connections/\(escape(id))/logs/\(seq)/\(request ? "request" : "response")?after=head").body
        }
    }

    private func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? id
    }
}

/// Reads a daemon's answer, turning a reply that is not what the API documents into a message.
func decoded<T>(_ bytes: [UInt8], _ decode: ([UInt8]) throws(AnswerError) -> T) throws -> T {
    do {
        return try decode(bytes)
    } catch {
        throw CommandFailure("the daemon's answer is not what the API documents: \(error)")
    }
}

/// The API's JSON of an answer, as `--json` prints it.
func jsonText(_ write: (inout JSONWriter) -> Void) -> String {
    var w = JSONWriter()
    write(&w)
    return String(decoding: w.bytes, as: UTF8.self)
}
