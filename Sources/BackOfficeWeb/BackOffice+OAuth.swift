internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Domain
internal import Pages
internal import Hub
internal import FrontDoor
internal import SocketAPI

/// OAuth 2.0's authorization-code grant (RFC 6749 §4.1), the flow the hub's apps use: the
/// owner approves in the back office, the app exchanges the code for its access token.
extension BackOffice {
    func addOAuthRoutes(_ router: Router<BasicRequestContext>) {
        addRevocationRoute(router)
        router.get("/oauth2/v1/authorize") { request, _ in
            guard let v = await viewer(request) else { return toLogin(request) }
            let t = v.language.labels
            // Until the client and its redirect URI are known good, errors are shown here,
            // never sent to an address the app did not register (§4.1.2.1).
            guard let app = client(request.query("client_id")) else {
                return errorPage(v, request, .badRequest, "unknown client_id \"\(request.query("client_id") ?? "")\"")
            }
            guard let redirectURI = request.query("redirect_uri"), app.redirectURIs.contains(redirectURI) else {
                return errorPage(v, request, .badRequest, "redirect_uri is not one of \(app.name)'s registered redirect URIs")
            }
            let state = request.query("state")
            guard request.query("response_type") == "code" else {
                return redirect(Self.back(redirectURI, ["error": "unsupported_response_type", "state": state]))
            }
            // PKCE: S256 only (RFC 7636 §4.3; `plain` gives nothing over a code alone).
            let challenge = request.query("code_challenge")
            if app.isPublic, challenge == nil {
                return redirect(Self.back(redirectURI, [
                    "error": "invalid_request", "error_description": "a public client must send a PKCE code_challenge (S256)",
                    "state": state,
                ]))
            }
            if let challenge {
                guard request.query("code_challenge_method") == "S256", PKCE.isValidChallenge(challenge) else {
                    return redirect(Self.back(redirectURI, [
                        "error": "invalid_request", "error_description": "code_challenge_method must be S256, with a 43-character challenge",
                        "state": state,
                    ]))
                }
            }
            if let scope = request.query("scope"), !scope.isEmpty, scope != app.scope {
                return redirect(Self.back(redirectURI, [
                    "error": "invalid_scope", "error_description": "the app is registered with scope \(app.scope)", "state": state,
                ]))
            }
            // The place the app was sent with from Connecter (`location_id` or `account_id`).
            let asked = request.query("place") ?? request.query("location_id") ?? (request.query("account_id") != nil ? "all" : "")
            let choices = places(v, selected: asked).map { option in
                let reason = levelReason(app, place: option.value, t)
                return AuthorizePage.Place(value: option.value, label: option.label, enabled: reason == nil, reason: reason,
                                           selected: option.selected)
            }
            let asks = Self.asksForLists(app.scope)
            let lists = api.writer.withState { (catalogs: $0.catalogs, customerLists: $0.customerLists) }
            var page = html(renderer.render(AuthorizePage(
                chrome: chrome(v, request, title: t.grantTitle, onApps: true), app: app, places: choices, redirectURI: redirectURI,
                state: state ?? "", deviceID: request.query("device_id") ?? "", codeChallenge: challenge ?? "",
                catalogs: asks.catalog ? accountListChoices(lists.catalogs, account: v.account, selected: nil) : nil,
                customerLists: asks.customerList ? accountListChoices(lists.customerLists, account: v.account, selected: nil) : nil)))
            // The form's answer is a redirect to the app, which form-action must allow.
            if let url = URL(string: redirectURI), let scheme = url.scheme, let host = url.host {
                let origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
                page.headers[.contentSecurityPolicy] = SecurityHeadersMiddleware<BasicRequestContext>.policy(formAction: "'self' \(origin)")
            }
            return page
        }

        router.post("/oauth2/v1/authorize") { request, _ in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let form = try await checkedForm(request, v) else { return refusedForm(v, request) }
            func value(_ name: String) -> String? { form[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
            let t = v.language.labels
            guard let app = client(value("client_id")), let redirectURI = value("redirect_uri"), app.redirectURIs.contains(redirectURI) else {
                return errorPage(v, request, .badRequest, "unknown client or redirect_uri")
            }
            let state = value("state")
            guard value("decision") == "approve" else {
                return redirect(Self.back(redirectURI, ["error": "access_denied", "error_description": "the owner denied access", "state": state]))
            }
            let place = value("place") ?? "all"
            if place != "all", api.writer.withState({ $0.locations[place] }) != v.account {
                return errorPage(v, request, .notFound, t.notFound)
            }
            if let reason = levelReason(app, place: place, t) { return errorPage(v, request, .conflict, reason) }
            // The catalog and customer list chosen must be among the place's (when it has any).
            let location = place == "all" ? nil : place
            let asks = Self.asksForLists(app.scope)
            let offered = api.writer.withState { s in
                (s.catalogs(account: v.account, location: location).map(\.id), s.customerLists(account: v.account, location: location).map(\.id))
            }
            let catalogID = asks.catalog ? value("catalog_id") : nil
            let customerListID = asks.customerList ? value("customer_list_id") : nil
            if asks.catalog, !offered.0.isEmpty, !offered.0.contains(catalogID ?? "") {
                return errorPage(v, request, .unprocessableContent, "\(t.catalog): \(catalogID ?? t.none) is not one of this place's catalogs")
            }
            if asks.customerList, !offered.1.isEmpty, !offered.1.contains(customerListID ?? "") {
                return errorPage(v, request, .unprocessableContent, "\(t.customerList): \(customerListID ?? t.none) is not one of this place's customer lists")
            }
            let challenge = value("code_challenge").flatMap { PKCE.isValidChallenge($0) ? $0 : nil }
            if app.isPublic, challenge == nil {
                return redirect(Self.back(redirectURI, [
                    "error": "invalid_request", "error_description": "a public client must send a PKCE code_challenge (S256)",
                    "state": state,
                ]))
            }
            // Journaled as a digest with its grant: good after a restart or a failover, once.
            let code = try await api.writer.issueAuthorizationCode(
                appID: app.appID, redirectURI: redirectURI, accountID: v.account, locationID: place == "all" ? nil : place,
                deviceID: value("device_id"), codeChallenge: challenge, approvedBy: v.email,
                catalogID: catalogID, customerListID: customerListID)
            return redirect(Self.back(redirectURI, ["code": code, "state": state]))
        }

        // The app's server calls this, not a browser: no session, no CSRF token; the
        // client's credentials instead.
        router.post("/oauth2/v1/token") { request, _ in
            let form: OAuthForm
            switch await OAuthForm.read(request) {
            case .success(let f): form = f
            case .failure(let refusal): return refusal.answer
            }
            let value = form.value
            guard value("grant_type") == "authorization_code" else {
                return value("grant_type") == nil
                    ? Self.oauthError(.badRequest, "invalid_request", "grant_type is missing")
                    : Self.oauthError(.badRequest, "unsupported_grant_type", "only authorization_code is supported")
            }
            guard let app = authenticatedClient(form.clientID, form.clientSecret) else { return Self.invalidClient(basic: form.basic != nil) }
            guard let code = value("code"), let redirectURI = value("redirect_uri") else {
                return Self.oauthError(.badRequest, "invalid_request", "code and redirect_uri are required")
            }
            let grant: AuthorizationCodeIssued
            let verifierChallenge = value("code_verifier").flatMap { PKCE.isValidVerifier($0) ? PKCE.challenge(of: $0) : nil }
            switch try await api.writer.redeemAuthorizationCode(
                code, appID: app.appID, redirectURI: redirectURI, verifierChallenge: verifierChallenge) {
            case .success(let g): grant = g
            case .failure(.unknown), .failure(.otherClient):
                return Self.oauthError(.badRequest, "invalid_grant", "the code is unknown, used already or expired")
            case .failure(.otherRedirectURI):
                return Self.oauthError(.badRequest, "invalid_grant", "redirect_uri differs from the authorization request's")
            case .failure(.verifier):
                return Self.oauthError(.badRequest, "invalid_grant", "code_verifier does not match the code_challenge (S256)")
            }
            let receipt = try await api.writer.connect(
                appID: app.appID, accountID: grant.accountID, locationID: grant.locationID, deviceID: grant.deviceID,
                catalogID: grant.catalogID, customerListID: grant.customerListID)
            // The same instance connected before: the owner's new choice switches its lists.
            if !receipt.created {
                let current = api.writer.withState { s in s.connections[receipt.connectionID].map { ($0.catalogID, $0.customerListID) } }
                let catalogChange = grant.catalogID.flatMap { $0 == current?.0 ? nil : $0 }
                let customerListChange = grant.customerListID.flatMap { $0 == current?.1 ? nil : $0 }
                if catalogChange != nil || customerListChange != nil {
                    _ = try await api.writer.reconnect(receipt.connectionID, catalogID: catalogChange, customerListID: customerListChange)
                }
            }
            api.metrics.command("oauth_token")
            var w = JSONWriter()
            w.beginObject()
            w.string("access_token", receipt.accessToken)
            w.string("token_type", "bearer")
            w.string("scope", receipt.scope)
            w.string("connection_id", receipt.connectionID)
            w.string("account_id", grant.accountID)
            // The names an app shows its user, and the lists it was granted (the hub's
            // token answer has them).
            let granted = api.writer.withState { s in
                let c = s.connections[receipt.connectionID]
                return (account: s.accountNames[grant.accountID], location: grant.locationID.flatMap { s.locationNames[$0] },
                        catalogID: c?.catalogID, catalog: c?.catalogID.flatMap { s.catalogs[$0]?.name },
                        customerListID: c?.customerListID, customerList: c?.customerListID.flatMap { s.customerLists[$0]?.name })
            }
            w.string("account_name", ifPresent: granted.account)
            w.string("location_id", ifPresent: grant.locationID)
            w.string("location_name", ifPresent: granted.location)
            w.string("catalog_id", ifPresent: granted.catalogID)
            w.string("catalog_name", ifPresent: granted.catalog)
            w.string("customer_list_id", ifPresent: granted.customerListID)
            w.string("customer_list_name", ifPresent: granted.customerList)
            w.endObject()
            var response = bytesResponse(.ok, w.bytes, contentType: "application/json")
            response.headers[.cacheControl] = "no-store"
            response.headers[HTTPField.Name("Pragma")!] = "no-cache"
            return response
        }
    }

    /// RFC 7009's revocation endpoint, added to the routes by ``addOAuthRoutes(_:)``: the
    /// client's credentials as at the token endpoint, and the token it gives up.
    func addRevocationRoute(_ router: Router<BasicRequestContext>) {
        router.post("/oauth2/v1/revoke") { request, _ in
            let form: OAuthForm
            switch await OAuthForm.read(request) {
            case .success(let f): form = f
            case .failure(let refusal): return refusal.answer
            }
            let value = form.value
            guard let app = authenticatedClient(form.clientID, form.clientSecret) else { return Self.invalidClient(basic: form.basic != nil) }
            guard let token = value("token") else { return Self.oauthError(.badRequest, "invalid_request", "token is required") }
            if let hint = value("token_type_hint"), hint != "access_token" {
                return Self.oauthError(.badRequest, "unsupported_token_type", "only access tokens are issued here")
            }
            // 200 whether or not there was anything to revoke (RFC 7009 §2.2).
            if try await api.writer.revoke(token: token, by: app.appID) != nil { api.metrics.command("oauth_revoke") }
            var response = Response(status: .ok)
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// The OAuth client `clientID` when `secret` is its secret; a public client, which has
    /// none, when no secret is sent (its codes are then proved with PKCE).
    func authenticatedClient(_ clientID: String?, _ secret: String?) -> AppRegistered? {
        guard let clientID, let app = client(clientID) else { return nil }
        if app.isPublic { return secret == nil ? app : nil }
        guard let secret, api.writer.tokens.isClientSecret(secret, for: app.appID) else { return nil }
        return app
    }

    /// RFC 6749 §5.2: `invalid_client`, with the Basic challenge when the client used it.
    static func invalidClient(basic: Bool) -> Response {
        var response = oauthError(.unauthorized, "invalid_client", "unknown client or wrong client_secret")
        if basic { response.headers[.wwwAuthenticate] = "Basic realm=\"junction\"" }
        return response
    }

    /// The app registered as an OAuth client under this id (one with redirect URIs).
    func client(_ id: String?) -> AppRegistered? {
        guard let id, let app = api.writer.withState({ $0.apps[id] }), !app.redirectURIs.isEmpty else { return nil }
        return app
    }

    /// `redirect` with these parameters added to its query.
    static func back(_ redirect: String, _ parameters: [String: String?]) -> String {
        var components = URLComponents(string: redirect) ?? URLComponents()
        var items = components.queryItems ?? []
        for key in ["code", "error", "error_description", "state"] {
            if let value = parameters[key] ?? nil { items.append(URLQueryItem(name: key, value: value)) }
        }
        components.queryItems = items
        return components.string ?? redirect
    }

    static func oauthError(_ status: HTTPResponse.Status, _ error: String, _ description: String) -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.string("error", error)
        w.string("error_description", description)
        w.endObject()
        var response = bytesResponse(status, w.bytes, contentType: "application/json")
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `Authorization: Basic` client credentials (§2.3.1), form-decoded as the RFC says.
    static func basicCredentials(_ request: Request) -> (String, String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
        return (decode(text[..<colon]), decode(text[text.index(after: colon)...]))
    }
}
