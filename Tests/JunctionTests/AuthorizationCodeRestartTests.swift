import Events
import Foundation
import TestSupport
import Testing

/// A code issued before a daemon restart is exchanged after it, once: it is journaled as a
/// digest with its grant, not kept in the process's memory. Real processes, real HTTP.
@Suite struct AuthorizationCodeRestartTests {
    static let redirect = "https://till.example/oauth"

    /// One request on a fresh connection to the back office's listener (retried while it starts).
    static func exchange(_ port: Int, _ method: String, _ target: String, headers: [(String, String)] = [],
                         form: String? = nil) throws -> RawHTTPConnection.Answer {
        var connection: RawHTTPConnection?
        for _ in 0..<100 where connection == nil {
            connection = try? RawHTTPConnection(tcpPort: port)
            if connection == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        var all = [("Host", "127.0.0.1")] + headers
        if form != nil { all.append(("Content-Type", "application/x-www-form-urlencoded")) }
        return try #require(connection).exchange(method, target, headers: all, body: Array((form ?? "").utf8))
    }

    static func cookie(_ answer: RawHTTPConnection.Answer, _ name: String) -> String? {
        answer.headers.first { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix(name + "=") }
            .map { String($0.1.split(separator: ";")[0]) }
    }

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    @Test func aCodeIssuedBeforeARestartIsGoodAfterItOnceAndNeverTwice() async throws {
        let web = freeLoopbackPort()
        let d = try RunningDaemon(["--web", "127.0.0.1:\(web)"])
        #expect(try await d.post("/v1/accounts", #"{"account_id":"acc","name":"Chez Léon","time_zone":"Europe/Paris"}"#).status == 201)
        #expect(try await d.post("/v1/locations", #"{"location_id":"acc-1","account_id":"acc","name":"Léon Gare","time_zone":"Europe/Paris"}"#).status == 201)
        #expect(try await d.post("/v1/catalogs", #"{"catalog_id":"carte","account_id":"acc","name":"La carte"}"#).status == 201)
        #expect(try await d.post("/v1/users", #"{"email":"leon@example.com","account_id":"acc","role":"owner","password":"correct horse battery"}"#).status == 201)
        let app = try await d.post("/v1/apps", #"{"app_id":"till","name":"Till","level":"location","scope":"location[catalog.read]","redirect_uris":["\#(Self.redirect)"]}"#)
        let secret = try #require(app.json["client_secret"]?.stringValue, "\(app.text)")

        // The owner logs in and approves, in the back office.
        let loginPage = try Self.exchange(web, "GET", "/login")
        let loginCookie = try #require(Self.cookie(loginPage, "junction_login"), "\(loginPage.headers)")
        let loginCSRF = try #require(loginPage.text.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.1)
        let loggedIn = try Self.exchange(web, "POST", "/login", headers: [("Cookie", loginCookie)],
                                         form: "email=leon%40example.com&password=correct+horse+battery&csrf=\(loginCSRF)")
        let session = try #require(Self.cookie(loggedIn, "junction_session"), "\(loggedIn.status) \(loggedIn.headers)")
        let consent = try Self.exchange(web, "GET",
            "/oauth2/v1/authorize?response_type=code&client_id=till&redirect_uri=\(Self.escaped(Self.redirect))&state=xyz&location_id=acc-1",
            headers: [("Cookie", session)])
        #expect(consent.status == 200, "\(consent.text)")
        let csrf = try #require(consent.text.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.1)
        let approved = try Self.exchange(web, "POST", "/oauth2/v1/authorize", headers: [("Cookie", session)], form:
            "csrf=\(csrf)&client_id=till&redirect_uri=\(Self.escaped(Self.redirect))&state=xyz&place=acc-1&catalog_id=carte&decision=approve")
        let location = try #require(approved.header("Location"), "\(approved.status) \(approved.text)")
        let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value, "\(location)")

        // The daemon stops and starts again: the code it issued is still good, once.
        #expect(d.stop() == 0)
        try d.restart(["--web", "127.0.0.1:\(web)"])
        let form = "grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.escaped(Self.redirect))&client_id=till&client_secret=\(secret)"
        let granted = try Self.exchange(web, "POST", "/oauth2/v1/token", form: form)
        #expect(granted.status == 200, "\(granted.text)")
        #expect(granted.json["location_id"] == .string("acc-1") && granted.json["catalog_name"] == .string("La carte"), "\(granted.text)")
        let token = try #require(granted.json["access_token"]?.stringValue)
        #expect(try await d.get("/v1/token", headers: [("X-Access-Token", token)]).status == 200)
        let again = try Self.exchange(web, "POST", "/oauth2/v1/token", form: form)
        #expect(again.status == 400 && again.json["error"] == .string("invalid_grant"), "\(again.text)")

        // And after another restart, still never twice.
        #expect(d.stop() == 0)
        try d.restart(["--web", "127.0.0.1:\(web)"])
        let third = try Self.exchange(web, "POST", "/oauth2/v1/token", form: form)
        #expect(third.status == 400 && third.json["error"] == .string("invalid_grant"), "\(third.text)")
        #expect(d.stop() == 0)
    }
}
