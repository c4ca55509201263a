import BackOfficeWeb
import Crypto
import Events
import Foundation
import FrontDoorTestSupport
import HTTPTypes
import Hub
import Hummingbird
import HummingbirdTesting
import Testing

/// The grant's codes as the hub has them, in-process: bound to their client, redirect URI
/// and (PKCE, S256) verifier; another client's or another redirect's attempt does not burn
/// a code; the token answer names the place.
@Suite struct OAuthCodeTests {
    static let redirect = "https://deliveroo.example/oauth"

    /// A logged-in owner's cookie, and the secrets of two OAuth clients.
    struct Setup {
        let core: InProcessCore
        let cookie: String
        let deliveroo: String
        let other: String
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func setUp(_ client: some TestClientProtocol, _ core: InProcessCore) async throws -> Setup {
        _ = try await core.writer.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris")
        _ = try await core.writer.registerLocation(id: "3r4s3-1", accountID: "3r4s3", name: "Napoli Bastille", timeZone: "Europe/Paris")
        _ = try await core.writer.registerUser(
            email: "owner@napoli.example", accountID: "3r4s3", role: .owner, password: "correct horse battery", actor: "test")
        let deliveroo = try await core.writer.registerApp(AppRegistered(
            appID: "deliveroo", name: "Deliveroo", level: .location, scope: "location[orders.write]", redirectURIs: [redirect]))
        let other = try await core.writer.registerApp(AppRegistered(
            appID: "other", name: "Other", level: .location, scope: "location[orders.write]", redirectURIs: ["https://other.example/cb"]))
        let login = try await client.execute(uri: "/login", method: .get)
        let loginCookie = try #require(login.headers[values: .setCookie].first).split(separator: ";")[0]
        let token = String(loginCookie.split(separator: "=", maxSplits: 1)[1])
        var headers = formType
        headers[.cookie] = String(loginCookie)
        let session = try await client.execute(uri: "/login", method: .post, headers: headers, body: form([
            ("email", "owner@napoli.example"), ("password", "correct horse battery"), ("csrf", token),
        ]))
        let cookie = try #require(session.headers[values: .setCookie].first { !$0.hasPrefix(loginCookie.split(separator: "=")[0] + "=") })
        return Setup(core: core, cookie: String(cookie.split(separator: ";")[0]),
                     deliveroo: try #require(deliveroo.clientSecret), other: try #require(other.clientSecret))
    }

    /// Approves Deliveroo at the location, with `challenge` if given; the code.
    static func approve(
        _ client: some TestClientProtocol, _ s: Setup, clientID: String = "deliveroo", challenge: String? = nil
    ) async throws -> String {
        var query = "response_type=code&client_id=\(clientID)&redirect_uri=\(redirect)&state=s1"
        if let challenge { query += "&code_challenge=\(challenge)&code_challenge_method=S256" }
        let page = try await client.execute(uri: "/oauth2/v1/authorize?" + query, method: .get, headers: [.cookie: s.cookie])
        #expect(page.status == .ok, "\(String(buffer: page.body))")
        let html = String(buffer: page.body)
        let csrf = try #require(html.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.1)
        var headers = formType
        headers[.cookie] = s.cookie
        let approved = try await client.execute(uri: "/oauth2/v1/authorize", method: .post, headers: headers, body: form([
            ("csrf", String(csrf)), ("client_id", clientID), ("redirect_uri", redirect), ("state", "s1"), ("device_id", ""),
            ("code_challenge", challenge ?? ""), ("place", "3r4s3-1"), ("decision", "approve"),
        ]))
        let location = try #require(approved.headers[.location], "\(approved.status) \(String(buffer: approved.body))")
        return try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value, "\(location)")
    }

    static func exchange(
        _ client: some TestClientProtocol, code: String, clientID: String, secret: String?, redirect: String = redirect,
        verifier: String? = nil
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("client_id", clientID)]
        if let secret { fields.append(("client_secret", secret)) }
        if let verifier { fields.append(("code_verifier", verifier)) }
        let answer = try await client.execute(uri: "/oauth2/v1/token", method: .post, headers: formType, body: form(fields))
        return (answer.status, (try? JSONParser.parse(String(buffer: answer.body))) ?? .null)
    }

    @Test func aCodeSentByAnotherClientThenByItsOwnWorksTheSecondTime() async throws {
        let core = try InProcessCore()
        try await Application(router: BackOffice(api: core.context).router()).test(.router) { client in
            let s = try await Self.setUp(client, core)
            let code = try await Self.approve(client, s)
            let stolen = try await Self.exchange(client, code: code, clientID: "other", secret: s.other, redirect: "https://other.example/cb")
            #expect(stolen.0 == .badRequest && stolen.1["error"] == .string("invalid_grant"), "\(stolen)")
            let misdirected = try await Self.exchange(client, code: code, clientID: "deliveroo", secret: s.deliveroo, redirect: "https://deliveroo.example/x")
            #expect(misdirected.0 == .badRequest && misdirected.1["error"] == .string("invalid_grant"), "\(misdirected)")
            let granted = try await Self.exchange(client, code: code, clientID: "deliveroo", secret: s.deliveroo)
            #expect(granted.0 == .ok, "\(granted)")
            #expect(granted.1["account_name"] == .string("Pizzeria Napoli") && granted.1["location_name"] == .string("Napoli Bastille"),
                    "\(granted.1)")
            let again = try await Self.exchange(client, code: code, clientID: "deliveroo", secret: s.deliveroo)
            #expect(again.0 == .badRequest && again.1["error"] == .string("invalid_grant"), "a code is good once")
        }
    }

    @Test func pkceWithAWrongVerifierIsInvalidGrant() async throws {
        let core = try InProcessCore()
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  // RFC 7636 appendix B
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        #expect(Base64URL.encode(SHA256.hash(data: Array(verifier.utf8))) == challenge)
        try await Application(router: BackOffice(api: core.context).router()).test(.router) { client in
            let s = try await Self.setUp(client, core)
            let code = try await Self.approve(client, s, challenge: challenge)
            let wrong = try await Self.exchange(client, code: code, clientID: "deliveroo", secret: s.deliveroo,
                                                verifier: String(repeating: "a", count: 43))
            #expect(wrong.0 == .badRequest && wrong.1["error"] == .string("invalid_grant"), "\(wrong)")
            let after = try await Self.exchange(client, code: code, clientID: "deliveroo", secret: s.deliveroo, verifier: verifier)
            #expect(after.1["error"] == .string("invalid_grant"), "a wrong verifier burns the code: \(after)")
            let next = try await Self.approve(client, s, challenge: challenge)
            let missing = try await Self.exchange(client, code: next, clientID: "deliveroo", secret: s.deliveroo)
            #expect(missing.1["error"] == .string("invalid_grant"), "a challenged code needs its verifier")
            let third = try await Self.approve(client, s, challenge: challenge)
            let right = try await Self.exchange(client, code: third, clientID: "deliveroo", secret: s.deliveroo, verifier: verifier)
            #expect(right.0 == .ok, "\(right)")
            let plain = try await client.execute(
                uri: "/oauth2/v1/authorize?response_type=code&client_id=deliveroo&redirect_uri=\(Self.redirect)&state=s2&code_challenge=\(verifier)&code_challenge_method=plain",
                method: .get, headers: [.cookie: s.cookie])
            #expect(plain.headers[.location]?.contains("error=invalid_request") == true, "\(plain.status) \(plain.headers)")
        }
    }
}

/// A public client (an app in a browser or on a device): no secret, PKCE mandatory.
@Suite struct PublicClientTests {
    @Test func aPublicClientHasNoSecretAndProvesItsCodesWithPKCE() async throws {
        let core = try InProcessCore()
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        try await Application(router: BackOffice(api: core.context).router()).test(.router) { client in
            let s = try await OAuthCodeTests.setUp(client, core)
            let spa = try await core.writer.registerApp(AppRegistered(
                appID: "spa", name: "Menu App", level: .location, scope: "location[orders.write]",
                redirectURIs: [OAuthCodeTests.redirect], isPublic: true))
            #expect(spa.clientID == "spa" && spa.clientSecret == nil, "a public client has no secret")
            let without = try await client.execute(
                uri: "/oauth2/v1/authorize?response_type=code&client_id=spa&redirect_uri=\(OAuthCodeTests.redirect)&state=s",
                method: .get, headers: [.cookie: s.cookie])
            #expect(without.headers[.location]?.contains("error=invalid_request") == true, "\(without.status) \(without.headers)")
            let code = try await OAuthCodeTests.approve(client, s, clientID: "spa", challenge: challenge)
            let withASecret = try await OAuthCodeTests.exchange(client, code: code, clientID: "spa", secret: s.deliveroo, verifier: verifier)
            #expect(withASecret.0 == .unauthorized && withASecret.1["error"] == .string("invalid_client"), "\(withASecret)")
            let noVerifier = try await OAuthCodeTests.exchange(client, code: code, clientID: "spa", secret: nil)
            #expect(noVerifier.1["error"] == .string("invalid_grant"), "\(noVerifier)")
            let next = try await OAuthCodeTests.approve(client, s, clientID: "spa", challenge: challenge)
            let granted = try await OAuthCodeTests.exchange(client, code: next, clientID: "spa", secret: nil, verifier: verifier)
            #expect(granted.0 == .ok && granted.1["access_token"]?.stringValue?.isEmpty == false, "\(granted)")
        }
    }

    @Test func aPublicClientNeedsARedirectURI() async throws {
        let core = try InProcessCore()
        do {
            _ = try await core.writer.registerApp(AppRegistered(
                appID: "spa", name: "Menu App", level: .location, scope: "location[orders.write]", isPublic: true))
            Issue.record("a public client without a redirect URI was registered")
        } catch {
            #expect(error.refusal?.fields.first?.field == "public", "\(error)")
        }
        #expect(try core.journal.head == 0)
    }
}
