internal import Foundation
package import Hummingbird
package import HTTPTypes
package import Events
package import Domain
package import Projections
package import Answers
package import Pages
package import Hub
package import FrontDoor
package import SocketAPI

/// The back office: the hub's Connections page for people, served on its own listener
/// from the same writer and projections as the socket API.
package struct BackOffice: Sendable {
    let api: RouteContext
    let renderer = PageRenderer()
    let sessions = WebSessions()

    package init(api: RouteContext) {
        self.api = api
    }

    /// Who is asking, in which language, and what they may see.
    struct Viewer: Sendable {
        var email: String
        var user: HubState.User
        var csrf: String
        var language: Language
        /// The account shown: an owner's own; for an operator, the one picked.
        var account: String
        /// For operators: every account, to pick from.
        var accounts: [String]

        func maySee(account id: String) -> Bool {
            user.role == .operator || user.accountID == id
        }

        /// `&account=…` for an operator's links, so the account picked stays picked.
        var accountQuery: String {
            user.role == .operator ? "&account=" + (account.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? account) : ""
        }
    }

    static let sessionCookie = "junction_session"
    static let loginCookie = "junction_login"
    static let languageCookie = "junction_lang"

    // MARK: Who is asking

    func language(_ request: Request) -> Language {
        if let chosen = request.cookies[Self.languageCookie]?.value, let l = Language(rawValue: chosen) { return l }
        return Language.preferred(acceptLanguage: request.headers[values: .acceptLanguage].joined(separator: ","))
    }

    /// The logged-in viewer, or nil.
    func viewer(_ request: Request) async -> Viewer? {
        guard let id = request.cookies[Self.sessionCookie]?.value, let session = await sessions.session(id) else { return nil }
        // A session is only as good as its user: a removed user, or one whose password
        // changed, is logged out.
        guard let user = api.writer.user(session.email), user.passwordHash == session.passwordHash else {
            await sessions.close(id)
            return nil
        }
        let accounts = api.writer.withState { $0.accounts.keys.sorted() }
        var account = user.accountID ?? ""
        if user.role == .operator {
            let asked = request.query("account")
            account = asked.flatMap { accounts.contains($0) ? $0 : nil } ?? accounts.first ?? ""
        }
        return Viewer(email: session.email, user: user, csrf: session.csrf, language: language(request), account: account,
                      accounts: user.role == .operator ? accounts : [])
    }

    func chrome(_ v: Viewer?, _ request: Request, title: String, onApps: Bool = false, onAlerts: Bool = false, csrf: String? = nil) -> Chrome {
        let language = v?.language ?? self.language(request)
        let other: Language = language == .fr ? .en : .fr
        let path = request.uri.path
        let next = path + (request.uri.query.map { "?" + $0 } ?? "")
        let switchURL = "/language?lang=\(other.rawValue)&next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
        var accounts: [Choice] = []
        if let v, v.user.role == .operator {
            accounts = v.accounts.map { id in
                let found: Place? = (try? api.queries.place(id)) ?? nil
                let name: String? = found?.name
                return Choice(value: id, label: name.map { "\($0) (\(id))" } ?? id, selected: id == v.account)
            }
        }
        let accountQuery = v?.accountQuery.replacingOccurrences(of: "&", with: "?") ?? ""
        return Chrome(
            language: language, title: title, userEmail: v?.email, csrf: csrf ?? v?.csrf ?? "", switchLanguageURL: switchURL,
            accounts: accounts, connectionsURL: "/connections" + accountQuery, appsURL: "/apps" + accountQuery, onApps: onApps,
            alertsURL: "/alerts" + accountQuery, openAlerts: v.flatMap { try? api.queries.openAlertCount(account: $0.account) } ?? 0,
            onAlerts: onAlerts)
    }

    // MARK: Answers

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    func errorPage(_ v: Viewer?, _ request: Request, _ status: HTTPResponse.Status, _ message: String) -> Response {
        let chrome = chrome(v, request, title: chrome(v, request, title: "").t.errorTitle)
        return html(renderer.render(ErrorPage(chrome: chrome, status: status.code, message: message)), status: status)
    }

    /// The login page when no one is logged in (with a fresh pre-login form token).
    func toLogin(_ request: Request) -> Response {
        let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        return redirect("/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/connections"))
    }

    /// The form's fields (`application/x-www-form-urlencoded`), refused past 64 KiB.
    static func form(_ request: Request) async throws -> [String: [String]] {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError.unsupportedMediaType("expected a form (application/x-www-form-urlencoded)")
        }
        let bytes = try await request.bytes(limit: 64 << 10)
        var fields: [String: [String]] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return fields
    }

    /// The form of a logged-in viewer, or nil when its CSRF token is missing or wrong.
    func checkedForm(_ request: Request, _ v: Viewer) async throws -> [String: [String]]? {
        let form = try await Self.form(request)
        guard let token = form["csrf"]?.first, WebSessions.same(token, v.csrf) else { return nil }
        return form
    }

    func refusedForm(_ v: Viewer, _ request: Request) -> Response {
        errorPage(v, request, .forbidden, v.language.labels.forbiddenForm)
    }

    // MARK: Places

    /// "All locations" and each of the account's locations.
    func places(_ v: Viewer, selected: String) -> [Choice] {
        let ids = api.writer.withState { s in s.locations.filter { $0.value == v.account }.map(\.key) }.sorted()
        let t = v.language.labels
        return [Choice(value: "all", label: t.allLocations, selected: selected == "all")] + ids.map { id in
            let found: Place? = (try? api.queries.place(id)) ?? nil
            let name: String? = found?.name
            return Choice(value: id, label: name.map { "\($0) (\(id))" } ?? id, selected: id == selected)
        }
    }

    /// The place asked for, if it is the account's: "all" or one of its locations.
    func place(_ request: Request, _ v: Viewer) -> String {
        guard let asked = request.query("place"), asked != "all" else { return "all" }
        let owner = api.writer.withState { $0.locations[asked] }
        return owner == v.account ? asked : "all"
    }

    /// The connection `id` if the viewer may see it; nil answers 404, whether it exists or not.
    func connection(_ id: String, _ v: Viewer) -> ConnectionAnswer? {
        guard let view = try? api.queries.connection(id), v.maySee(account: view.record.accountID) else { return nil }
        var answer = ConnectionAnswer(view)
        answer.health = try? api.queries.health(id, now: .now)?.state
        return answer
    }

    /// The domain's level rule (``HubState/levelMismatch(_:location:)``), said in the page's language.
    func levelReason(_ app: AppRegistered, place: String, _ t: Labels) -> String? {
        guard HubState.levelMismatch(app, location: place == "all" ? nil : place) != nil else { return nil }
        return app.level == .location
            ? (t.lang == "fr" ? "\(app.name) se connecte à un point de vente : choisissez-en un."
                : "\(app.name) connects to one location: choose one.")
            : (t.lang == "fr" ? "\(app.name) se connecte au compte entier : choisissez \(t.allLocations)."
                : "\(app.name) connects to the whole account: choose \(t.allLocations).")
    }

    /// Where to go back to after an action on `c`: its place's connections.
    func connectionsURL(_ c: ConnectionAnswer, _ v: Viewer) -> String {
        "/connections?place=\(c.locationID ?? "all")\(v.user.role == .operator ? "&account=\(c.accountID)" : "")"
    }

    /// Waits until the projections show what was just appended, so the next page does.
    func settle(_ seq: UInt64) async {
        try? await api.waitForProjections(reaching: seq, ["connections", "activity", "logs"])
    }
}
