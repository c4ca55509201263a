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

extension BackOffice {
    /// The back office's router: pages, forms, assets, with the security headers on every answer.
    package func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(SecurityHeadersMiddleware())
        router.middlewares.add(PageErrorMiddleware(office: self))
        addAuthRoutes(router)
        addConnectionRoutes(router)
        addLogRoutes(router)
        addHubCallbackRoutes(router)
        addCheckRoutes(router)
        addAppRoutes(router)
        addOAuthRoutes(router)
        return router
    }

    private func addAuthRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/assets/junction.css") { _, _ in asset(Assets.stylesheet, "text/css; charset=utf-8") }
        router.get("/assets/junction.js") { _, _ in asset(Assets.script, "text/javascript; charset=utf-8") }
        router.get("/") { request, _ in redirect("/connections") }
        // A load balancer's checks, without a login: the node answers; it is the writer.
        router.get("/health") { _, _ in api.nodeHealth() }
        router.get("/health/writer") { _, _ in try api.writerHealth() }
        router.get("/language") { request, _ in
            let lang = Language(rawValue: request.query("lang") ?? "") ?? .fr
            var response = redirect(Self.localPath(request.query("next")))
            response.headers.append(HTTPField(name: .setCookie, value: "\(Self.languageCookie)=\(lang.rawValue); Path=/; SameSite=Strict; Max-Age=31536000"))
            return response
        }
        router.get("/login") { request, _ in
            if await viewer(request) != nil { return redirect(Self.localPath(request.query("next"))) }
            let token = WebSessions.randomToken()
            let chrome = chrome(nil, request, title: language(request).labels.login, csrf: token)
            var response = html(renderer.render(LoginPage(chrome: chrome, next: Self.localPath(request.query("next")))))
            response.headers.append(HTTPField(name: .setCookie, value: "\(Self.loginCookie)=\(token); Path=/login; HttpOnly; SameSite=Strict"))
            return response
        }
        router.post("/login") { request, _ in
            let form = try await Self.form(request)
            let email = form["email"]?.first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            let next = Self.localPath(form["next"]?.first)
            let t = language(request).labels
            // The pre-login token: a login form posted from elsewhere is refused.
            guard let sent = form["csrf"]?.first, let kept = request.cookies[Self.loginCookie]?.value, WebSessions.same(sent, kept) else {
                return errorPage(nil, request, .forbidden, t.forbiddenForm)
            }
            let password = form["password"]?.first ?? ""
            guard let (login, user) = api.writer.authenticate(email: email, password: password) else {
                try await Task.sleep(for: await sessions.failedLogin(email: email))
                let chrome = chrome(nil, request, title: t.login, csrf: kept)
                return html(renderer.render(LoginPage(chrome: chrome, email: email, error: t.loginFailed, next: next)), status: .unauthorized)
            }
            let (id, _) = await sessions.open(email: login, passwordHash: user.passwordHash)
            var response = redirect(next)
            response.headers.append(HTTPField(name: .setCookie, value: "\(Self.sessionCookie)=\(id); Path=/; HttpOnly; SameSite=Strict"))
            response.headers.append(HTTPField(name: .setCookie, value: "\(Self.loginCookie)=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"))
            return response
        }
        router.post("/logout") { request, _ in
            guard let v = await viewer(request) else { return redirect("/login") }
            guard try await checkedForm(request, v) != nil else { return refusedForm(v, request) }
            if let id = request.cookies[Self.sessionCookie]?.value { await sessions.close(id) }
            var response = redirect("/login")
            response.headers.append(HTTPField(name: .setCookie, value: "\(Self.sessionCookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"))
            return response
        }
    }

    private func asset(_ text: String, _ type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A path on this site to go on to, or the connections page (never another site): only
    /// a target with one meaning (`Domain.RequestTarget`: origin-form, no `//`, no
    /// backslash, no control character; a browser strips tabs and newlines from a URL, so
    /// `/<tab>/evil.example` would be `//evil.example`, another site).
    static func localPath(_ text: String?) -> String {
        guard let text, let target = try? RequestTarget(validating: text) else { return "/connections" }
        return target.text
    }

    // MARK: Connections

    private func addConnectionRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/connections") { request, _ in
            guard let v = await viewer(request) else { return toLogin(request) }
            let place = place(request, v)
            let showDisconnected = request.query("disconnected") == "1"
            let statuses: Set<ConnectionStatus> = showDisconnected ? Set(ConnectionStatus.allCases) : [.active, .blocked]
            let views = try answering {
                place == "all"
                    ? try api.queries.connections(account: v.account, statuses: statuses)
                    : try api.queries.connections(location: place, statuses: statuses)
            }
            // Undelivered hub events, shown beside each connection that has some.
            let waiting = views.reduce(into: [String: Int]()) { counts, view in
                if let n = try? api.queries.waitingCount(view.record.connectionID), n > 0 { counts[view.record.connectionID] = n }
            }
            // Each connection's health now (docs/health.md): one read of the health projection each.
            let now = Timestamp.now
            let health = views.reduce(into: [String: HealthState]()) { states, view in
                if let h = try? api.queries.health(view.record.connectionID, now: now) { states[view.record.connectionID] = h.state }
            }
            let page = ConnectionsPage(
                chrome: chrome(v, request, title: v.language.labels.connectionsTitle), connections: views.map(ConnectionAnswer.init),
                waiting: waiting, health: health,
                places: places(v, selected: place), place: place, showDisconnected: showDisconnected, accountQuery: v.accountQuery)
            return html(renderer.render(page))
        }

        router.get("/connections/:id/confirm") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            let disconnect = request.query("action") == "disconnect"
            let page = ConfirmPage(
                chrome: chrome(v, request, title: disconnect ? v.language.labels.disconnect : v.language.labels.block),
                connection: c, disconnect: disconnect, cancelURL: connectionsURL(c, v))
            return html(renderer.render(page))
        }

        for action in ["block", "unblock", "disconnect"] {
            router.post("/connections/:id/\(action)") { request, context in
                guard let v = await viewer(request) else { return toLogin(request) }
                guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
                guard try await checkedForm(request, v) != nil else { return refusedForm(v, request) }
                let receipt = switch action {
                case "block": try await api.writer.block(c.connectionID, actor: v.email, reason: nil)
                case "unblock": try await api.writer.unblock(c.connectionID, actor: v.email, reason: nil)
                default: try await api.writer.disconnect(c.connectionID, actor: v.email, reason: nil)
                }
                api.metrics.command("back_office_\(action)")
                await settle(receipt.seq)
                return redirect(connectionsURL(c, v))
            }
        }

        router.get("/connections/:id/reconnect") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            let lists = api.writer.withState { s in
                (s.catalogs(account: c.accountID, location: c.locationID), s.customerLists(account: c.accountID, location: c.locationID))
            }
            return html(renderer.render(ReconnectPage(
                chrome: chrome(v, request, title: v.language.labels.reconnect), connection: c, cancelURL: connectionsURL(c, v),
                catalogs: placeListChoices(lists.0, current: c.catalogID),
                customerLists: placeListChoices(lists.1, current: c.customerListID))))
        }

        router.post("/connections/:id/reconnect") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            guard let form = try await checkedForm(request, v) else { return refusedForm(v, request) }
            func value(_ name: String) -> String? { form[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
            let receipt = try await api.writer.reconnect(c.connectionID, catalogID: value("catalog_id"), customerListID: value("customer_list_id"))
            await settle(receipt.seq)
            return redirect(connectionsURL(c, v))
        }

        router.get("/connections/:id/callbacks") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            let records = try answering { try api.queries.callbacks(c.connectionID) }
            let canResend = c.status == .disconnected && api.writer.withState { $0.apps[c.app.id]?.disconnectCallbackURL != nil }
            let t = v.language.labels
            return html(renderer.render(CallbacksPage(
                chrome: chrome(v, request, title: t.callbacks), connection: ConnectionHeader(c, t), records: records, canResend: canResend)))
        }

        router.post("/connections/:id/callbacks/resend") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            guard try await checkedForm(request, v) != nil else { return refusedForm(v, request) }
            let receipt = try await api.writer.resendCallback(c.connectionID, actor: v.email)
            await settle(receipt.seq)
            return redirect("/connections/\(c.connectionID)/callbacks")
        }

        router.get("/connections/:id/activity") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            let series = try answering { try api.queries.activity(c.connectionID, days: 30, now: .now) }
            let t = v.language.labels
            return html(renderer.render(ActivityPage(
                chrome: chrome(v, request, title: t.activity), connection: ConnectionHeader(c, t), activity: ActivityAnswer(series))))
        }
    }

    // MARK: Apps and the grant

    private func addAppRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/apps") { request, _ in
            guard let v = await viewer(request) else { return toLogin(request) }
            let place = place(request, v)
            let t = v.language.labels
            let apps = api.writer.withState { Array($0.apps.values) }
            let page = AppsPage(
                chrome: chrome(v, request, title: t.availableApps, onApps: true), apps: apps, places: places(v, selected: place),
                place: place, accountQuery: v.accountQuery) { levelReason($0, place: place, t) }
            return html(renderer.render(page))
        }

        router.get("/apps/:app/connect") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            let t = v.language.labels
            guard let app = api.writer.withState({ $0.apps[(try? context.id("app")) ?? ""] }) else {
                return errorPage(v, request, .notFound, t.notFound)
            }
            let place = place(request, v)
            if let reason = levelReason(app, place: place, t) { return errorPage(v, request, .conflict, reason) }
            // An OAuth client is connected through the app, which starts the grant: the
            // owner never sees its token.
            if !app.redirectURIs.isEmpty {
                guard let install = app.installURL else { return errorPage(v, request, .conflict, t.startsInApp) }
                return redirect(InstallURL.with(install, place: place, account: v.account))
            }
            let label = places(v, selected: place).first { $0.selected }?.label ?? place
            return html(renderer.render(GrantPage(
                chrome: chrome(v, request, title: t.grantTitle, onApps: true), app: app, place: place, placeLabel: label,
                account: v.user.role == .operator ? v.account : nil, cancelURL: "/apps?place=\(place)\(v.accountQuery)")))
        }

        router.post("/apps/:app/connect") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            let t = v.language.labels
            guard let form = try await checkedForm(request, v) else { return refusedForm(v, request) }
            guard let app = api.writer.withState({ $0.apps[(try? context.id("app")) ?? ""] }) else {
                return errorPage(v, request, .notFound, t.notFound)
            }
            func value(_ name: String) -> String? { form[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
            let place = value("place") ?? "all"
            if place != "all", api.writer.withState({ $0.locations[place] }) != v.account {
                return errorPage(v, request, .notFound, t.notFound)
            }
            if let reason = levelReason(app, place: place, t) { return errorPage(v, request, .conflict, reason) }
            // The one-time token page is for apps without redirect URIs only (set up by the
            // hub's staff); an OAuth client gets its token from the grant.
            if !app.redirectURIs.isEmpty { return errorPage(v, request, .conflict, t.startsInApp) }
            let receipt = try await api.writer.connect(
                appID: app.appID, accountID: v.account, locationID: place == "all" ? nil : place, deviceID: value("device_id"),
                catalogID: value("catalog_id"), customerListID: value("customer_list_id"))
            api.metrics.command("back_office_connect")
            await settle(receipt.receipt.seq)
            return html(renderer.render(TokenPage(
                chrome: chrome(v, request, title: app.name, onApps: true), app: app.name, created: receipt.created,
                token: receipt.accessToken, scope: receipt.scope, connectionID: receipt.connectionID,
                connectionsURL: "/connections?place=\(place)\(v.accountQuery)")))
        }
    }
}

/// Headers every page carries: no script but the daemon's own file, no framing, no
/// sniffing, no referrer sent elsewhere.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static func policy(formAction: String) -> String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action \(formAction); frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // A page may widen form-action for itself (the OAuth grant, whose form ends in a
        // redirect to the app).
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.policy(formAction: "'self'")
        }
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }
}

/// Turns refusals into pages that say what went wrong, with the status they stand for;
/// the downloads keep the API's JSON errors.
struct PageErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let office: BackOffice

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return office.errorPage(await office.viewer(request), request, error.status, error.message)
        } catch let error as HubError {
            let answer = APIError(error)
            return office.errorPage(await office.viewer(request), request, answer.status, answer.message)
        } catch let error as HTTPError {
            let message = error.status == .notFound ? office.language(request).labels.notFound : (error.body ?? "\(error.status)")
            return office.errorPage(await office.viewer(request), request, error.status, message)
        }
    }
}
