import BackOfficeWeb
import Events
import FrontDoorTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The back office in-process: its router over the same context as the socket API, pages
/// requested through Hummingbird's testing client. Its screens are tested in a browser
/// (Tests/BrowserTests); here the rules that hold before any page is drawn.
@Suite struct BackOfficeInProcessTests {
    /// Pages are behind a login; the login form carries a CSRF token that must come back
    /// with it; a login with the right token and password opens a session that sees the
    /// connections page; a wrong password is 401 and opens none.
    @Test func pagesAreBehindALoginWhoseFormIsBoundToItsCSRFToken() async throws {
        let core = try InProcessCore()
        _ = try await core.writer.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris")
        _ = try await core.writer.registerUser(
            email: "owner@napoli.example", accountID: "3r4s3", role: .owner, password: "correct horse battery", actor: "test")
        let office = BackOffice(api: core.context)
        try await Application(router: office.router()).test(.router) { client in
            let anonymous = try await client.execute(uri: "/connections", method: .get)
            #expect(anonymous.status == .seeOther || anonymous.status == .found, "\(anonymous.status)")
            #expect(anonymous.headers[.location]?.hasPrefix("/login") == true, "\(anonymous.headers)")

            let login = try await client.execute(uri: "/login", method: .get)
            #expect(login.status == .ok)
            let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("junction_login=") || $0.contains("login") })
            let token = String(cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
            #expect(String(buffer: login.body).contains("value=\"\(token)\""), "the form does not carry the cookie's token")
            let cookieName = String(cookie.split(separator: "=")[0])

            func post(_ form: String, cookie: String?) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                if let cookie { headers[.cookie] = cookie }
                return try await client.execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: form))
            }
            let password = "email=owner%40napoli.example&password=correct+horse+battery"
            let forged = try await post("\(password)&csrf=\(token)", cookie: nil)
            #expect(forged.status == .forbidden, "a form without its cookie was taken: \(forged.status)")
            let wrong = try await post("email=owner%40napoli.example&password=wrong&csrf=\(token)", cookie: "\(cookieName)=\(token)")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("junction_session=") }, "\(wrong.headers)")
            let right = try await post("\(password)&csrf=\(token)", cookie: "\(cookieName)=\(token)")
            #expect(right.status == .seeOther || right.status == .found, "\(right.status) \(String(buffer: right.body))")
            let session = try #require(right.headers[values: .setCookie].first { !$0.hasPrefix(cookieName) })
            let page = try await client.execute(
                uri: "/connections", method: .get, headers: [.cookie: String(session.split(separator: ";")[0])])
            #expect(page.status == .ok, "\(page.status)")
            #expect(String(buffer: page.body).contains("owner@napoli.example"), "the page does not name who is logged in")
        }
    }
}
