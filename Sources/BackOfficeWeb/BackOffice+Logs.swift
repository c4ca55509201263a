internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Domain
internal import Projections
internal import Answers
internal import Pages
internal import FrontDoor
internal import SocketAPI

extension BackOffice {
    static let pageSize = 50

    func addLogRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/connections/:id/logs") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            let t = v.language.labels
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, t.notFound) }
            let resources: [String] = request.uri.queryParameters.getAll("resource").map { String($0) }
            let methods: [String] = request.uri.queryParameters.getAll("method").map { String($0) }
            let classes: [String] = request.uri.queryParameters.getAll("status").map { String($0) }
            let searchText: String = (request.query("q") ?? "").trimmingCharacters(in: .whitespaces)
            let asked = LogListPage.Filter(
                resources: Set(resources), methods: Set(methods), statusClasses: Set(classes),
                since: request.query("since") ?? "", until: request.query("until") ?? "", search: searchText,
                codes: (request.query("code") ?? "").trimmingCharacters(in: .whitespaces),
                minDuration: (request.query("min_ms") ?? "").trimmingCharacters(in: .whitespaces),
                errorGroup: request.query("error") ?? "")
            var filter = LogFilter(resources: asked.resources)
            for m in asked.methods {
                guard let method = HTTPMethod(name: m) else { throw APIError.invalid("method", "unknown HTTP method \"\(m)\"") }
                filter.methods.insert(method)
            }
            for s in asked.statusClasses {
                guard let c = StatusClass(name: s) else { throw APIError.invalid("status", "unknown status class \"\(s)\"") }
                filter.statusClasses.insert(c)
            }
            for code in asked.codes.split(separator: ",") {
                guard code.count == 3, let status = UInt16(code), (100...599).contains(status) else {
                    throw APIError.invalid("code", "\"\(code)\" is not a status (100 to 599)")
                }
                filter.statuses.insert(status)
            }
            if !asked.minDuration.isEmpty {
                guard let ms = UInt64(asked.minDuration), ms <= 86_400_000 else {
                    throw APIError.invalid("min_ms", "\"\(asked.minDuration)\" is not a number of milliseconds")
                }
                filter.minDurationMicroseconds = ms * 1000
            }
            filter.since = try Self.localTime(asked.since, zone: c.timeZone, field: "since")
            filter.until = try Self.localTime(asked.until, zone: c.timeZone, field: "until")
            if !asked.errorGroup.isEmpty {
                guard let group = ErrorGroupKey(id: asked.errorGroup) else {
                    throw APIError.invalid("error", "\"\(asked.errorGroup)\" is not an error group")
                }
                filter.errorGroup = group
            }
            if !asked.search.isEmpty {
                guard asked.search.utf8.count <= 200 else { throw APIError.invalid("q", "a search text is at most 200 bytes") }
                filter.text = asked.search
            }
            let cursor = request.query("cursor")
            // The tail goes on from what the logs projection held before the page was read
            // (an entry both read and streamed is shown once: the page's script skips it).
            let tailAfter = cursor == nil ? (try? api.queries.checkpoints())?["logs"] : nil
            let page = try answering { try api.queries.logs(c.connectionID, filter: filter, limit: Self.pageSize, cursor: cursor) }
            let answer = LogsPageAnswer(page, timeZone: c.timeZone)
            let listPage = LogListPage(
                chrome: chrome(v, request, title: t.logs), connection: ConnectionHeader(c, t), entries: answer.entries,
                nextCursor: page.nextCursor, filter: asked, knownResources: (try? api.queries.knownResources()) ?? [],
                offsetLabel: LocalDisplay.offset(zone: c.timeZone, at: answer.entries.first?.time ?? .now),
                editing: request.query("edit") == "1", searchedPart: page.scanLimited,
                scanned: (UInt64(page.scanned), page.scannedBackTo), apiQuery: LogListPage.apiQuery(filter), streamAfter: tailAfter)
            return html(renderer.render(listPage))
        }

        // The export and the live tail of the page's filter: the socket API's own.
        router.get("/connections/:id/logs/export") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard connection(try context.id(), v) != nil else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            return try api.exportResponse(request, context)
        }
        router.get("/connections/:id/logs/stream") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard connection(try context.id(), v) != nil else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            return try api.streamResponse(request, context)
        }

        router.get("/connections/:id/errors") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            let t = v.language.labels
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, t.notFound) }
            let groups = try answering { try api.queries.errorGroups(c.connectionID) }
            return html(renderer.render(ErrorsPage(
                chrome: chrome(v, request, title: t.errorsTab), connection: ConnectionHeader(c, t),
                groups: ErrorGroupsAnswer(groups, timeZone: { _ in c.timeZone }))))
        }

        router.get("/connections/:id/logs/:seq") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            let t = v.language.labels
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, t.notFound) }
            let (detail, _) = try api.logDetail(context)
            let answer = LogDetailAnswer(detail, timeZone: c.timeZone)
            let back = request.headers[.referer].flatMap { URL(string: $0)?.path == "/connections/\(c.connectionID)/logs" ? $0 : nil }
            return html(renderer.render(LogDetailPage(
                chrome: chrome(v, request, title: t.logs), connection: ConnectionHeader(c, t), detail: answer,
                offsetLabel: LocalDisplay.offset(zone: c.timeZone, at: answer.entry.time),
                backURL: back.flatMap { URL(string: $0) }.map { $0.path + ($0.query.map { "?" + $0 } ?? "") }
                    ?? "/connections/\(c.connectionID)/logs")))
        }

        for part in ["request", "response"] {
            // The same bytes as the API's download.
            router.get("/connections/:id/logs/:seq/\(part)") { request, context in
                guard let v = await viewer(request) else { return toLogin(request) }
                guard connection(try context.id(), v) != nil else {
                    return errorPage(v, request, .notFound, v.language.labels.notFound)
                }
                return try await api.download(request, context, part: part)
            }
        }
    }

    /// A `datetime-local` value (`2026-11-29T10:14` or with seconds) read in the connection's
    /// zone; nil when empty.
    static func localTime(_ text: String, zone: String, field: String) throws -> Timestamp? {
        guard !text.isEmpty else { return nil }
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
        guard parts.count == 5 || parts.count == 6, parts.allSatisfy({ $0 != nil }) else {
            throw APIError.invalid(field, "\"\(text)\" is not a date and time (2026-11-29T10:14)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
        let components = DateComponents(
            year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts.count == 6 ? parts[5] : 0)
        guard let date = calendar.date(from: components) else {
            throw APIError.invalid(field, "\"\(text)\" is not a date and time (2026-11-29T10:14)")
        }
        return Timestamp(microseconds: Int64(date.timeIntervalSince1970) * 1_000_000)
    }
}
