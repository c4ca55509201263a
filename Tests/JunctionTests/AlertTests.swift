import AsyncHTTPClient
import Crypto
import Events
import Foundation
import TestSupport
import Testing

/// Alerts end to end with real processes: an upstream behind the gateway starts failing,
/// the daemon's watcher raises one alert, a real SMTP server (aiosmtpd, STARTTLS and AUTH)
/// receives one e-mail and the operators' webhook one signed POST; the upstream recovers,
/// the alert is resolved and one recovery e-mail follows. A SIGKILL between the alert and
/// its e-mail neither loses it nor sends it twice.
@Suite(.serialized)
struct AlertTests {
    /// tools/smtp-sink.py on its own port with a certificate made for 127.0.0.1, stopped at the end.
    final class SMTPSink {
        let port: Int
        let dir = TemporaryDirectory("smtp")
        var out: String { dir.path + "/messages.jsonl" }
        var certificate: String { dir.path + "/cert.pem" }
        var credentials: String { dir.path + "/credentials" }
        private var process: Process?

        init(port: Int = freeLoopbackPort(), start: Bool = true) throws {
            self.port = port
            let made = try run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.path + "/key.pem", "-out", certificate, "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ])
            #expect(made.status == 0, "\(made.stderr)")
            FileManager.default.createFile(atPath: credentials, contents: Data("alerts\nsmtp secret 42\n".utf8), attributes: [.posixPermissions: 0o600])
            if start { try self.start() }
        }

        func start() throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", packageRoot + "/tools/smtp-sink.py", "--port", "\(port)", "--out", out,
                           "--tls-cert", certificate, "--tls-key", dir.path + "/key.pem", "--auth", "alerts:smtp secret 42"]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            process = p
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if (try? run("/usr/bin/python3", ["-c", "import socket; socket.create_connection(('127.0.0.1', \(port)), 1)"]).status) == 0 { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
            throw DaemonFailed(log: "the SMTP server did not start")
        }

        var messages: [JSONValue] {
            guard let text = try? String(contentsOfFile: out, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        }

        func stop() {
            guard let process, process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { stop() }
    }

    static let secret = "operators' webhook key"

    /// The daemon's options for `sink` and the upstream's webhook.
    static func options(_ sink: SMTPSink, upstream: GatewayTests.Upstream, dir: TemporaryDirectory) -> [String] {
        let secretFile = dir.path + "/webhook-secret"
        FileManager.default.createFile(atPath: secretFile, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        return [
            "--smtp", "127.0.0.1:\(sink.port)", "--smtp-from", "alerts@junction.test", "--smtp-ca-file", sink.certificate,
            "--smtp-credentials", sink.credentials,
            "--alert-webhook", "http://127.0.0.1:\(upstream.port)/_upstream/alert", "--alert-webhook-secret-file", secretFile,
            "--alert-link-base", "http://backoffice.test", "--alert-retry-base-ms", "200", "--alert-sweep-seconds", "1",
            "--rate-limit-heavy-per-minute", "1000",
        ]
    }

    static func failUpstream(_ upstream: GatewayTests.Upstream, _ connection: String, status: Int) async throws {
        let r = try await GatewayTests.call("http://127.0.0.1:\(upstream.port)/_upstream/fail?connection=\(connection)&status=\(status)", method: "POST")
        #expect(r.status == 200)
    }

    static func webhookPosts(_ upstream: GatewayTests.Upstream) async throws -> [JSONValue] {
        try await GatewayTests.call("http://127.0.0.1:\(upstream.port)/_upstream/alerts").json.arrayValue ?? []
    }

    /// Polls `condition` every 100 ms until it holds or `seconds` pass; how long it took.
    static func waitFor(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if try await condition() { return Date().timeIntervalSince(start) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func aFailingUpstreamRaisesOneAlertOneEmailOneWebhookAndItsRecoveryResolvesIt() async throws {
        let upstream = try GatewayTests.Upstream()
        let sink = try SMTPSink()
        let dir = TemporaryDirectory("alert-options")
        let (d, base, id, token) = try await GatewayTests.gateway(
            upstream: "http://127.0.0.1:\(upstream.port)", Self.options(sink, upstream: upstream, dir: dir))
        let owner = try await d.post("/v1/users", #"{"email":"owner@napoli.test","account_id":"3r4s3","password":"correct horse battery","language":"en"}"#)
        #expect(owner.status == 201, "\(owner.text)")
        let ok = try await GatewayTests.call(base + "/v1/locations/3r4s3-1/orders", token: token)
        #expect(ok.status == 200)
        try await Self.failUpstream(upstream, id, status: 503)
        for _ in 0..<5 {
            #expect(try await GatewayTests.call(base + "/v1/locations/3r4s3-1/orders", token: token).status == 503)
        }
        // Failing within 5 s of the fifth error, with one open alert.
        let failing = try await Self.waitFor(5) {
            try await d.get("/v1/connections/\(id)/health").json["state"]?.stringValue == "failing"
        }
        let healthText = try await d.get("/v1/connections/\(id)/health").text
        #expect(failing != nil, "not failing within 5 s: \(healthText)")
        print("alerts: failing \(failing.map { String(format: "%.2f", $0) } ?? "-") s after the fifth error's answer")
        let raised = try await Self.waitFor(5) {
            try await d.get("/v1/alerts?account=3r4s3&open=1").json["alerts"]?.arrayValue?.count == 1
        }
        let alertsText = try await d.get("/v1/alerts").text
        #expect(raised != nil, "no open alert: \(alertsText)\n\(d.logText)")
        print("alerts: the alert journaled \(raised.map { String(format: "%.2f", $0) } ?? "-") s after the connection was seen failing")
        let alert = try await d.get("/v1/alerts?account=3r4s3&after=head").json["alerts"]?.arrayValue?.first
        let alertID = try #require(alert?["alert_id"]?.stringValue)
        #expect(alert?["condition"]?.stringValue == "failing" && alert?["connection_id"]?.stringValue == id)
        // One e-mail, through STARTTLS with the credentials, in the owner's language, with the link.
        #expect(try await Self.waitFor(10) { sink.messages.count >= 1 } != nil, "no e-mail: \(d.logText)")
        let mail = try #require(sink.messages.first)
        #expect(mail["rcpt_tos"]?.arrayValue?.compactMap(\.stringValue) == ["owner@napoli.test"], "\(mail)")
        #expect(mail["mail_from"]?.stringValue == "alerts@junction.test")
        #expect(mail["subject"]?.stringValue?.contains("the connection is failing") == true, "\(mail)")
        #expect(mail["body"]?.stringValue?.contains("http://backoffice.test/connections/\(id)/check") == true, "\(mail)")
        #expect(mail["tls"] == .bool(true) && mail["authenticated"] == .bool(true), "\(mail)")
        // One signed POST to the webhook.
        #expect(try await Self.waitFor(10) { try await Self.webhookPosts(upstream).count >= 1 } != nil)
        let post = try #require(try await Self.webhookPosts(upstream).first)
        let body = try #require(post["body"]?.stringValue)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(Self.secret.utf8)))
        #expect(post["signature"]?.stringValue == "sha256=" + mac.map { String(format: "%02x", $0) }.joined(), "\(post)")
        let payload = try JSONParser.parse(Array(body.utf8))
        #expect(payload["type"]?.stringValue == "alert.raised" && payload["alert_id"]?.stringValue == alertID)
        // The upstream recovers: resolved, and one recovery e-mail.
        try await Self.failUpstream(upstream, id, status: 0)
        #expect(try await GatewayTests.call(base + "/v1/locations/3r4s3-1/orders", token: token).status == 200)
        let resolved = try await Self.waitFor(10) {
            try await d.get("/v1/alerts?account=3r4s3&open=1").json["alerts"]?.arrayValue?.isEmpty == true
        }
        #expect(resolved != nil)
        #expect(try await Self.waitFor(10) { sink.messages.count >= 2 } != nil)
        try await Task.sleep(for: .seconds(2))
        let messages = sink.messages
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.last?["subject"]?.stringValue?.contains("works again") == true, "\(messages)")
        #expect(try await Self.webhookPosts(upstream).count == 2)
        let all = try await d.get("/v1/alerts?account=3r4s3&after=head").json["alerts"]?.arrayValue ?? []
        #expect(all.count == 1 && all.first?["resolved_state"]?.stringValue == "ok", "\(all)")
        let delivered = all.first?["notifications"]?.arrayValue?.filter { $0["delivered"] == .bool(true) }.count
        #expect(delivered == 4, "\(all)")
        let cli = try run(Executables.junction, ["alerts", "--socket", d.socket, "--account", "3r4s3"])
        #expect(cli.status == 0 && cli.output.contains(alertID) && cli.output.contains("resolved"), "\(cli.output)\(cli.stderr)")
        #expect(d.stop() == 0)
    }

    @Test func aSIGKILLBetweenTheAlertAndItsEmailSendsItOnceAfterTheRestart() async throws {
        let upstream = try GatewayTests.Upstream()
        // The SMTP server is down when the alert is raised: the e-mail waits.
        let sink = try SMTPSink(start: false)
        let dir = TemporaryDirectory("alert-options")
        let options = Self.options(sink, upstream: upstream, dir: dir)
        let (d, base, id, token) = try await GatewayTests.gateway(upstream: "http://127.0.0.1:\(upstream.port)", options)
        #expect(try await d.post("/v1/users", #"{"email":"owner@napoli.test","account_id":"3r4s3","password":"correct horse battery"}"#).status == 201)
        try await Self.failUpstream(upstream, id, status: 500)
        for _ in 0..<5 { _ = try await GatewayTests.call(base + "/v1/locations/3r4s3-1/orders", token: token) }
        #expect(try await Self.waitFor(10) {
            try await d.get("/v1/alerts?account=3r4s3&open=1").json["alerts"]?.arrayValue?.count == 1
        } != nil)
        // Its first attempt failed (nothing listens): journaled, not delivered.
        let firstAttempt = try await Self.waitFor(10) {
            let n = try await d.get("/v1/alerts?account=3r4s3").json["alerts"]?.arrayValue?.first?["notifications"]?.arrayValue ?? []
            return n.contains { $0["channel"]?.stringValue == "email" && $0["delivered"] == .bool(false) }
        }
        let attempts = try await d.get("/v1/alerts").text
        #expect(firstAttempt != nil, "\(attempts)")
        kill(d.process.processIdentifier, SIGKILL)
        d.process.waitUntilExit()
        try sink.start()
        try d.restart(["--gateway", "127.0.0.1:\(freeLoopbackPort())", "--upstream", "http://127.0.0.1:\(upstream.port)"] + options)
        #expect(try await Self.waitFor(15) { sink.messages.count >= 1 } != nil, "no e-mail after the restart: \(d.logText)")
        // French by default.
        #expect(sink.messages.first?["subject"]?.stringValue?.contains("la connexion est en échec") == true, "\(sink.messages)")
        // Journaled as delivered: a second SIGKILL and restart send nothing more.
        #expect(try await Self.waitFor(10) {
            let n = try await d.get("/v1/alerts?account=3r4s3").json["alerts"]?.arrayValue?.first?["notifications"]?.arrayValue ?? []
            return n.contains { $0["channel"]?.stringValue == "email" && $0["delivered"] == .bool(true) }
        } != nil)
        kill(d.process.processIdentifier, SIGKILL)
        d.process.waitUntilExit()
        try d.restart(["--gateway", "127.0.0.1:\(freeLoopbackPort())", "--upstream", "http://127.0.0.1:\(upstream.port)"] + options)
        try await Task.sleep(for: .seconds(3))
        #expect(sink.messages.count == 1, "\(sink.messages)")
        // Still one alert: the restarted watcher found it open and raised no second one.
        #expect(try await d.get("/v1/alerts?account=3r4s3&after=head").json["alerts"]?.arrayValue?.count == 1)
        #expect(d.stop() == 0)
    }

    @Test func alertSettingsAreJournaledAndAMutedConnectionsAlertIsSentToNoOne() async throws {
        let upstream = try GatewayTests.Upstream()
        let sink = try SMTPSink()
        let dir = TemporaryDirectory("alert-options")
        let (d, base, id, token) = try await GatewayTests.gateway(
            upstream: "http://127.0.0.1:\(upstream.port)", Self.options(sink, upstream: upstream, dir: dir))
        #expect(try await d.post("/v1/users", #"{"email":"owner@napoli.test","account_id":"3r4s3","password":"correct horse battery"}"#).status == 201)
        let mute = try await d.request("PUT", "/v1/connections/\(id)/alert-settings", body: Array(#"{"muted":true,"actor":"owner@napoli.test"}"#.utf8))
        #expect(mute.status == 200, "\(mute.text)")
        let settings = try await d.get("/v1/connections/\(id)/alert-settings?after=head")
        #expect(settings.json["muted"] == .bool(true) && settings.json["degraded"] == .bool(false), "\(settings.text)")
        #expect(try await d.request("PUT", "/v1/connections/\(id)/alert-settings", body: Array(#"{"muted":"yes"}"#.utf8)).status == 422)
        #expect(try await d.request("PUT", "/v1/connections/nope/alert-settings", body: Array(#"{"muted":true}"#.utf8)).status == 404)
        try await Self.failUpstream(upstream, id, status: 502)
        for _ in 0..<5 { _ = try await GatewayTests.call(base + "/v1/locations/3r4s3-1/orders", token: token) }
        #expect(try await Self.waitFor(10) {
            try await d.get("/v1/alerts?account=3r4s3&open=1").json["alerts"]?.arrayValue?.count == 1
        } != nil)
        try await Task.sleep(for: .seconds(2))
        let posts = try await Self.webhookPosts(upstream)
        #expect(sink.messages.isEmpty && posts.isEmpty, "\(sink.messages)")
        let cli = try run(Executables.junction, ["alerts", "settings", id, "--socket", d.socket, "--no-mute", "--degraded"])
        #expect(cli.status == 0 && cli.output.contains("muted     no") && cli.output.contains("alerts too"), "\(cli.output)\(cli.stderr)")
        #expect(d.stop() == 0)
    }
}
