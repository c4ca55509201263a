import Crypto
import Events
import Foundation
import TestSupport
import Testing

/// An account, and an app whose disconnect callback goes to `url`; returns the callback
/// secret and a new connection id.
func appWithCallback(_ d: RunningDaemon, url: String) async throws -> (secret: String, connection: String) {
    #expect(try await d.post("/v1/accounts", #"{"account_id":"acc","name":"Chez Léon","time_zone":"Europe/Paris"}"#).status == 201)
    let app = try await d.post("/v1/apps", #"{"app_id":"mailer","name":"Mailer","level":"account","scope":"account[customer_list.read]","disconnect_callback_url":"\#(url)"}"#)
    #expect(app.status == 201, "\(app.text)")
    let connection = try await d.post("/v1/connections", #"{"app_id":"mailer","account_id":"acc"}"#)
    return (app.json["callback_secret"]?.stringValue ?? "", connection.json["connection_id"]?.stringValue ?? "")
}

func callbacks(_ d: RunningDaemon, _ id: String) async throws -> JSONValue {
    try await d.get("/v1/connections/\(id)/callbacks?after=head").json
}

@Suite(.serialized)
struct CallbackTests {
    static let fast = options(timeoutMs: 2000)

    static func options(timeoutMs: Int) -> [String] {
        ["--allow-private-callbacks", "--callback-retry-base-ms", "100", "--callback-max-attempts", "30",
         "--callback-timeout-ms", "\(timeoutMs)"]
    }

    @Test func aDisconnectIsDeliveredOnceSignedWithTheInstanceID() async throws {
        // The receiver holds its answer: a disconnect that waited for the callback would
        // never be acknowledged.
        let receiver = try CallbackReceiver(statuses: [200], hold: true)
        defer { receiver.stop() }
        // A held answer must not time out before the test releases it, however loaded the
        // machine (a second delivery after a timeout is right, but not what this checks).
        let d = try RunningDaemon(Self.options(timeoutMs: 30_000))
        let (secret, id) = try await appWithCallback(d, url: "http://127.0.0.1:\(receiver.port)/hubrise/disconnect")
        let gone = try await d.post("/v1/connections/\(id)/disconnect", #"{"reason":"closing"}"#)
        #expect(gone.status == 200)
        #expect(eventually(within: 20) { receiver.requests.count == 1 })
        receiver.release()
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.requests.count == 1, "delivered more than once")
        guard let request = receiver.requests.first else { return }
        let body = try JSONParser.parse(request.body)
        #expect(body["app_instance_id"]?.stringValue == id)
        #expect(body["type"] == .string("connection.disconnected") && body["reason"] == .string("closing"))
        let mac = HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Data(secret.utf8)))
        #expect(request.headers["x-junction-signature"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
        #expect(request.headers["idempotency-key"] == request.headers["x-junction-delivery"])
        var history = try await callbacks(d, id)
        for _ in 0..<100 where history["records"]?.arrayValue?.isEmpty ?? true {
            try await Task.sleep(for: .milliseconds(50))
            history = try await callbacks(d, id)
        }
        #expect(history["delivered"] == .bool(true) && history["records"]?.arrayValue?.count == 1, "\(history)")
        #expect(d.stop() == 0)
    }

    /// RFC 7009: an app revokes its own token at the back office's revocation endpoint with
    /// its client credentials; the token is refused at once, the disconnection is the
    /// app's, and no disconnect callback goes to the app that asked (a disconnection by the
    /// owner, on another connection of the same app, is delivered: the receiver works).
    @Test func aRevokedTokenIsRefusedAtOnceAndItsAppIsNotCalledBack() async throws {
        let receiver = try CallbackReceiver(statuses: [200])
        defer { receiver.stop() }
        let web = freeLoopbackPort()
        let d = try RunningDaemon(Self.fast + ["--web", "127.0.0.1:\(web)"])
        #expect(try await d.post("/v1/accounts", #"{"account_id":"acc","name":"Chez Léon","time_zone":"Europe/Paris"}"#).status == 201)
        let app = try await d.post("/v1/apps", #"{"app_id":"mailer","name":"Mailer","level":"account","scope":"account[customer_list.read]","disconnect_callback_url":"http://127.0.0.1:\#(receiver.port)/cb","redirect_uris":["https://mailer.example/oauth"]}"#)
        #expect(app.status == 201, "\(app.text)")
        let secret = try #require(app.json["client_secret"]?.stringValue)
        let revoked = try await d.post("/v1/connections", #"{"app_id":"mailer","account_id":"acc","device_id":"a"}"#)
        let kept = try await d.post("/v1/connections", #"{"app_id":"mailer","account_id":"acc","device_id":"b"}"#)
        let token = try #require(revoked.json["access_token"]?.stringValue)
        let id = try #require(revoked.json["connection_id"]?.stringValue)
        let otherID = try #require(kept.json["connection_id"]?.stringValue)

        func revoke(_ form: String) throws -> RawHTTPConnection.Answer {
            var connection: RawHTTPConnection?
            for _ in 0..<50 where connection == nil {
                connection = try? RawHTTPConnection(tcpPort: web)
                if connection == nil { Thread.sleep(forTimeInterval: 0.1) }
            }
            let c = try #require(connection)
            return try c.exchange("POST", "/oauth2/v1/revoke", headers: [
                ("Host", "127.0.0.1"), ("Content-Type", "application/x-www-form-urlencoded"),
            ], body: Array(form.utf8))
        }
        let wrong = try revoke("token=\(token)&client_id=mailer&client_secret=\(String(repeating: "0", count: 64))")
        #expect(wrong.status == 401 && wrong.json["error"] == .string("invalid_client"), "\(wrong.text)")
        #expect(try await d.get("/v1/token", headers: [("X-Access-Token", token)]).status == 200, "a refused revocation revoked")
        let answer = try revoke("token=\(token)&client_id=mailer&client_secret=\(secret)")
        #expect(answer.status == 200, "\(answer.text)")
        #expect(try await d.get("/v1/token", headers: [("X-Access-Token", token)]).status == 401)
        let again = try revoke("token=\(token)&client_id=mailer&client_secret=\(secret)")
        #expect(again.status == 200, "RFC 7009: an invalid token is answered 200 too")
        let connection = try await d.get("/v1/connections/\(id)?after=head").json
        #expect(connection["status"] == .string("disconnected"), "\(connection)")

        #expect(try await d.post("/v1/connections/\(otherID)/disconnect", #"{"reason":"closing"}"#).status == 200)
        #expect(eventually(within: 20) { receiver.requests.count >= 1 })
        try await Task.sleep(for: .seconds(1))
        let told = receiver.requests.compactMap { try? JSONParser.parse($0.body)["app_instance_id"]?.stringValue }
        #expect(told == [otherID], "\(told)")
        #expect(d.stop() == 0)
    }

    @Test func failedAttemptsAreRetriedAndRecorded() async throws {
        let receiver = try CallbackReceiver(statuses: [500, 503, 200])
        defer { receiver.stop() }
        let d = try RunningDaemon(Self.fast)
        let (_, id) = try await appWithCallback(d, url: "http://127.0.0.1:\(receiver.port)/cb")
        #expect(try await d.post("/v1/connections/\(id)/disconnect", #"{"reason":"moving on"}"#).status == 200)
        #expect(eventually(within: 15) { receiver.requests.count == 3 })
        let deliveries = Set(receiver.requests.compactMap { $0.headers["x-junction-delivery"] })
        #expect(deliveries.count == 1, "one delivery, three attempts")
        #expect(receiver.requests.map { $0.headers["x-junction-attempt"] ?? "" } == ["1", "2", "3"])
        var history = JSONValue.null
        for _ in 0..<100 {
            history = try await callbacks(d, id)
            if history["records"]?.arrayValue?.count == 3 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let records = history["records"]?.arrayValue ?? []
        #expect(records.compactMap { $0["status"]?.integerValue } == [500, 503, 200], "\(history)")
        #expect(records.first?["next_attempt_at"] != nil && records.last?["next_attempt_at"] == nil)
        // A manual resend is one more delivery.
        let resend = try await d.post("/v1/connections/\(id)/callbacks/resend", "{}")
        #expect(resend.status == 202, "\(resend.text)")
        #expect(eventually(within: 10) { receiver.requests.count == 4 })
        // It tells the same news: the disconnection's time and reason, not the resend's.
        let first = try JSONParser.parse(receiver.requests[0].body)
        let again = try JSONParser.parse(try #require(receiver.requests.last).body)
        #expect(first["reason"] == .string("moving on") && again["reason"] == first["reason"], "\(again)")
        #expect(again["disconnected_at"] == first["disconnected_at"] && again["disconnected_at"] != nil, "\(again)")
        #expect(d.stop() == 0)
    }

    @Test func aDeliveryOutlivesAKilledNotifierAndADownReceiver() async throws {
        // Find a free port, then leave it closed: the receiver is down.
        let probe = try CallbackReceiver(statuses: [200])
        let port = probe.port
        probe.stop()
        let d = try RunningDaemon(Self.fast)
        let (_, id) = try await appWithCallback(d, url: "http://127.0.0.1:\(port)/cb")
        #expect(try await d.post("/v1/connections/\(id)/disconnect", "{}").status == 200)
        // Wait for a failed attempt to be recorded, then kill the notifier.
        var failed = false
        for _ in 0..<200 {
            let records = try await callbacks(d, id)["records"]?.arrayValue ?? []
            if records.contains(where: { $0["error"] != nil }) { failed = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(failed, "no failed attempt recorded")
        let status = try await d.get("/v1/status")
        if let pid = status.json["notifier"]?["pid"]?.integerValue { kill(pid_t(pid), SIGKILL) }
        // The receiver comes back; the restarted notifier delivers.
        let receiver = try CallbackReceiver(port: port, statuses: [200])
        defer { receiver.stop() }
        #expect(eventually(within: 20) { receiver.requests.count >= 1 }, "not delivered after the restart")
        let restarted = try await d.get("/v1/status")
        #expect((restarted.json["notifier"]?["restarts"]?.integerValue ?? 0) >= 1, "\(restarted.text)")
        #expect(receiver.requests.first.flatMap { try? JSONParser.parse($0.body)["app_instance_id"] }??.stringValue == id)
        #expect(d.stop() == 0)
    }

    @Test func privateCallbackAddressesAreRefusedByDefault() async throws {
        let d = try RunningDaemon()
        #expect(try await d.post("/v1/accounts", #"{"account_id":"acc","name":"A","time_zone":"UTC"}"#).status == 201)
        for url in ["http://127.0.0.1:9/cb", "http://10.1.2.3/cb", "http://[::1]/cb", "http://localhost/cb", "ftp://example.com/cb"] {
            let reply = try await d.post("/v1/apps", #"{"app_id":"x","name":"X","level":"account","scope":"account[]","disconnect_callback_url":"\#(url)"}"#)
            #expect(reply.status == 422, "\(url): \(reply.text)")
        }
        let publicURL = try await d.post("/v1/apps", #"{"app_id":"x","name":"X","level":"account","scope":"account[]","disconnect_callback_url":"https://hooks.example.com/cb"}"#)
        #expect(publicURL.status == 201)
        #expect(d.stop() == 0)
    }
}
