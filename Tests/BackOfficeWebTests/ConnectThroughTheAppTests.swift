import BackOfficeWeb
import Events
import Foundation
import FrontDoorTestSupport
import HTTPTypes
import Hub
import Hummingbird
import HummingbirdTesting
import Testing

/// *Connecter* through the app, and the grant's catalog and customer list pickers,
/// in-process: an OAuth client's Connecter goes to its install URL with the place; the owner
/// picks the place's lists; the token answer names them; a second grant switches them.
@Suite struct ConnectThroughTheAppTests {
    static let redirect = "https://till.example/oauth"
    static let install = "https://till.example/install"

    static func setUp(_ client: some TestClientProtocol, _ core: InProcessCore) async throws -> (OAuthCodeTests.Setup, String) {
        let s = try await OAuthCodeTests.setUp(client, core)
        _ = try await core.writer.registerLocation(id: "3r4s3-2", accountID: "3r4s3", name: "Napoli Marais", timeZone: "Europe/Paris")
        for (id, location, name) in [("cat-a", nil, "Carte"), ("cat-1", "3r4s3-1", "Carte Bastille"), ("cat-2", "3r4s3-2", "Carte Marais")] {
            _ = try await core.writer.registerCatalog(ListRegistered(id: id, accountID: "3r4s3", locationID: location, name: name))
        }
        _ = try await core.writer.registerCustomerList(ListRegistered(id: "cl-a", accountID: "3r4s3", name: "Clients"))
        let till = try await core.writer.registerApp(AppRegistered(
            appID: "till", name: "Till", level: .location, scope: "location[orders.write,catalog.read,customer_list.read]",
            redirectURIs: [redirect], installURL: install))
        return (s, try #require(till.clientSecret))
    }

    /// The authorize page's HTML and its CSRF token.
    static func authorizePage(_ client: some TestClientProtocol, _ s: OAuthCodeTests.Setup, place: String) async throws -> (String, String) {
        let page = try await client.execute(
            uri: "/oauth2/v1/authorize?response_type=code&client_id=till&redirect_uri=\(redirect)&state=s&location_id=\(place)",
            method: .get, headers: [.cookie: s.cookie])
        #expect(page.status == .ok, "\(String(buffer: page.body))")
        let html = String(buffer: page.body)
        return (html, String(try #require(html.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.1)))
    }

    static func approve(
        _ client: some TestClientProtocol, _ s: OAuthCodeTests.Setup, csrf: String, place: String, catalog: String, list: String
    ) async throws -> TestResponse {
        var headers = OAuthCodeTests.formType
        headers[.cookie] = s.cookie
        return try await client.execute(uri: "/oauth2/v1/authorize", method: .post, headers: headers, body: OAuthCodeTests.form([
            ("csrf", csrf), ("client_id", "till"), ("redirect_uri", redirect), ("state", "s"), ("device_id", ""),
            ("code_challenge", ""), ("place", place), ("catalog_id", catalog), ("customer_list_id", list), ("decision", "approve"),
        ]))
    }

    @Test func connecterSendsTheOwnerToTheAppAndNeverShowsAToken() async throws {
        let core = try InProcessCore()
        try await Application(router: BackOffice(api: core.context).router()).test(.router) { client in
            let (s, _) = try await Self.setUp(client, core)
            let connect = try await client.execute(uri: "/apps/till/connect?place=3r4s3-1", method: .get, headers: [.cookie: s.cookie])
            #expect(connect.status == .seeOther || connect.status == .found, "\(connect.status)")
            #expect(connect.headers[.location] == Self.install + "?location_id=3r4s3-1")
            // An OAuth client without an install URL starts in the app: no token page.
            let noInstall = try await client.execute(uri: "/apps/deliveroo/connect?place=3r4s3-1", method: .get, headers: [.cookie: s.cookie])
            #expect(noInstall.status == .conflict)
            #expect(!String(buffer: noInstall.body).contains("access_token"))
            let (_, csrf) = try await Self.authorizePage(client, s, place: "3r4s3-1")
            let head = try core.journal.head
            var headers = OAuthCodeTests.formType
            headers[.cookie] = s.cookie
            let posted = try await client.execute(uri: "/apps/till/connect", method: .post, headers: headers,
                                                  body: OAuthCodeTests.form([("csrf", csrf), ("place", "3r4s3-1")]))
            #expect(posted.status == .conflict, "\(posted.status)")
            #expect(try core.journal.head == head, "nothing connected")
        }
    }

    @Test func theOwnerPicksThePlacesListsAndTheTokenAnswerNamesThem() async throws {
        let core = try InProcessCore()
        try await Application(router: BackOffice(api: core.context).router()).test(.router) { client in
            let (s, secret) = try await Self.setUp(client, core)
            let (html, csrf) = try await Self.authorizePage(client, s, place: "3r4s3-1")
            #expect(html.contains(#"value="3r4s3-1" checked"#), "the place Connecter sent is preselected")
            for id in ["cat-a", "cat-1", "cat-2", "cl-a"] { #expect(html.contains(#"value="\#(id)""#), "\(id) offered") }
            #expect(html.contains(#"data-location="3r4s3-2""#))

            let head = try core.journal.head
            let wrong = try await Self.approve(client, s, csrf: csrf, place: "3r4s3-1", catalog: "cat-2", list: "cl-a")
            #expect(wrong.status == .unprocessableContent, "another location's catalog: \(wrong.status)")
            #expect(try core.journal.head == head, "a refused approval writes nothing")

            let approved = try await Self.approve(client, s, csrf: csrf, place: "3r4s3-1", catalog: "cat-1", list: "cl-a")
            let code = try #require(URLComponents(string: approved.headers[.location] ?? "")?.queryItems?.first { $0.name == "code" }?.value)
            let granted = try await OAuthCodeTests.exchange(client, code: code, clientID: "till", secret: secret, redirect: Self.redirect)
            #expect(granted.0 == .ok, "\(granted)")
            #expect(granted.1["catalog_id"] == .string("cat-1") && granted.1["catalog_name"] == .string("Carte Bastille"), "\(granted.1)")
            #expect(granted.1["customer_list_id"] == .string("cl-a") && granted.1["customer_list_name"] == .string("Clients"))
            let connection = try #require(granted.1["connection_id"]?.stringValue)

            // Granting again at the same place switches the same connection's catalog.
            let again = try await Self.approve(client, s, csrf: csrf, place: "3r4s3-1", catalog: "cat-a", list: "cl-a")
            let second = try #require(URLComponents(string: again.headers[.location] ?? "")?.queryItems?.first { $0.name == "code" }?.value)
            let regranted = try await OAuthCodeTests.exchange(client, code: second, clientID: "till", secret: secret, redirect: Self.redirect)
            #expect(regranted.1["connection_id"] == .string(connection) && regranted.1["catalog_id"] == .string("cat-a"), "\(regranted.1)")

            // Reconnecter offers the place's catalogs, the current one selected.
            try core.project()
            let reconnect = try await client.execute(uri: "/connections/\(connection)/reconnect", method: .get, headers: [.cookie: s.cookie])
            let page = String(buffer: reconnect.body)
            #expect(page.contains(#"<option value="cat-a" selected>"#), "\(page)")
            #expect(page.contains(#"value="cat-1""#) && !page.contains(#"value="cat-2""#))
        }
    }
}
