import Events
import Foundation
import Projections

/// Where query commands get their answers: the projections on disk, or a running
/// daemon's socket. Both answer in the API's JSON form, which the commands render.
enum QuerySource {
    case local(Queries)
    case socket(SocketClient)

    func close() {
        if case .local(let q) = self { q.close() }
    }

    func connections(account: String?, location: String?, accountLevel: Bool, statuses: [String]) async throws -> JSONValue {
        switch self {
        case .local(let q):
            let set = Set(statuses.compactMap(ConnectionStatus.init(name:)))
            let views = try answer { try q.connections(account: account, location: location, accountLevelOnly: accountLevel, statuses: set) }
            return json { w in
                w.beginObject()
                w.beginArray("connections")
                for v in views { v.writeJSON(&w) }
                w.endArray()
                w.endObject()
            }
        case .socket(let s):
            var items: [(String, String?)] = [("account", account), ("location", location), ("account_level", accountLevel ? "true" : nil),
                                              ("after", "head")]
            items += statuses.map { ("status", $0) }
            return try await s.send(.get, "/v1/connections" + queryString(items)).json ?? .null
        }
    }

    func connection(_ id: String) async throws -> JSONValue {
        switch self {
        case .local(let q):
            let view = try answer { try q.connection(id) }
            return json { view.writeJSON(&$0) }
        case .socket(let s):
            return try await s.send(.get, "/v1/connections/\(escape(id))?after=head").json ?? .null
        }
    }

    func activity(_ id: String, days: Int, now: Timestamp) async throws -> JSONValue {
        switch self {
        case .local(let q):
            let series = try answer { try q.activity(id, days: days, now: now) }
            return json { series.writeJSON(&$0) }
        case .socket(let s):
            return try await s.send(.get, "/v1/connections/\(escape(id))/activity"
                + queryString([("days", "\(days)"), ("now", now.rfc3339), ("after", "head")])).json ?? .null
        }
    }

    func logs(_ id: String, filter: LogFilter, limit: Int, cursor: String?) async throws -> JSONValue {
        switch self {
        case .local(let q):
            let zone = try answer { try q.connection(id).timeZone }
            let page = try answer { try q.logs(id, filter: filter, limit: limit, cursor: cursor) }
            return json { page.writeJSON(&$0, timeZone: zone) }
        case .socket(let s):
            var items: [(String, String?)] = [("limit", "\(limit)"), ("cursor", cursor), ("after", "head"),
                                              ("since", filter.since?.rfc3339), ("until", filter.until?.rfc3339)]
            items += filter.resources.sorted().map { ("resource", $0) }
            items += filter.methods.map(\.name).sorted().map { ("method", $0) }
            items += filter.statusClasses.map(\.name).sorted().map { ("status", $0) }
            return try await s.send(.get, "/v1/connections/\(escape(id))/logs" + queryString(items)).json ?? .null
        }
    }

    func log(_ id: String, seq: UInt64) async throws -> JSONValue {
        switch self {
        case .local(let q):
            let zone = try answer { try q.connection(id).timeZone }
            let detail = try answer { try q.log(id, seq: seq) }
            return json { detail.writeJSON(&$0, timeZone: zone) }
        case .socket(let s):
            return try await s.send(.get, "/v1/connections/\(escape(id))/logs/\(seq)?after=head").json ?? .null
        }
    }

    /// A body as the download gives it.
    func body(_ id: String, seq: UInt64, request: Bool) async throws -> [UInt8] {
        switch self {
        case .local(let q):
            let detail = try answer { try q.log(id, seq: seq) }
            if detail.bodiesExpired { throw CommandFailure("the bodies of entry \(seq) expired (body retention) and were removed") }
            return LogDetail.bodyJSON(request ? detail.request.requestBody : detail.request.responseBody)
        case .socket(let s):
            return try await s.send(.get, "/v1/connections/\(escape(id))/logs/\(seq)/\(request ? "request" : "response")?after=head").body
        }
    }

    private func json(_ write: (inout JSONWriter) -> Void) -> JSONValue {
        var w = JSONWriter()
        write(&w)
        return (try? JSONParser.parse(w.bytes)) ?? .null
    }

    private func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? id
    }
}
