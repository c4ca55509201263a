import Events
import FrontDoor
import Foundation
import Synchronization
import TestSupport
import Testing

/// The outside attacks on the gateway, tried again with a real upstream that resolves paths
/// as RFC 3986 says (tools/upstream.py): one target from the rules to the upstream, no
/// token stored anywhere, keep-alive connections that survive refusals.
@Suite(.serialized)
struct GatewaySecurityTests {
    /// A gateway in front of a resolving upstream, the seed registered, a second account
    /// with its location, and Uber Eats connected at 3r4s3-1.
    struct Setup {
        let upstream: GatewayTests.Upstream
        let daemon: RunningDaemon
        let port: Int
        let connection: String
        let token: String
    }

    static func setup(_ extra: [String] = []) async throws -> Setup {
        let upstream = try GatewayTests.Upstream()
        let (d, base, id, token) = try await GatewayTests.gateway(upstream: "http://127.0.0.1:\(upstream.port)", extra)
        #expect(try await d.post("/v1/accounts", #"{"account_id":"9x8y7","name":"Sushi Go","time_zone":"Europe/Paris"}"#).status == 201)
        #expect(try await d.post("/v1/locations", #"{"location_id":"9x8y7-1","account_id":"9x8y7","name":"Go Opéra","time_zone":"Europe/Paris"}"#).status == 201)
        return Setup(upstream: upstream, daemon: d, port: URL(string: base)!.port!, connection: id, token: token)
    }

    /// Every entry of a connection's logs, newest first.
    static func entries(_ d: RunningDaemon, _ id: String) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var cursor: String?
        repeat {
            let page = try await d.get("/v1/connections/\(id)/logs?after=head&limit=1000" + (cursor.map { "&cursor=" + $0 } ?? ""))
            all += page.json["entries"]?.arrayValue ?? []
            cursor = page.json["next_cursor"]?.stringValue
        } while cursor != nil
        return all
    }

    @Test func aLocationTokenNeverReachesAnotherPlaceWhateverTheSpelling() async throws {
        let s = try await Self.setup()
        let attacks = [
            // The fragment the outside test used: the rules read the place after it.
            "/v1/locations/9x8y7-1/orders#/v1/locations/3r4s3-1/orders", "/v1/locations/3r4s3-2/orders#/../../3r4s3-1/orders",
            // Dot segments, raw, encoded in either case, mixed.
            "/v1/locations/3r4s3-1/../9x8y7-1/orders", "/v1/locations/3r4s3-1/%2e%2e/9x8y7-1/orders",
            "/v1/locations/3r4s3-1/%2E%2E/9x8y7-1/orders", "/v1/locations/3r4s3-1/.%2e/9x8y7-1/orders",
            "/v1/locations/3r4s3-1/%2E./9x8y7-1/orders", "/v1/locations/3r4s3-1/orders/../../../accounts/9x8y7",
            "/v1/locations/3r4s3-1/./../3r4s3-2/orders", "/v1/locations/3r4s3-1/%2e/orders",
            // Encoded slashes and backslashes, raw backslashes, a percent encoded for a second decoding.
            "/v1/locations/3r4s3-1%2F..%2F9x8y7-1/orders", "/v1/locations/3r4s3-1%2f..%2f9x8y7-1/orders",
            "/v1/locations/3r4s3-1%5C..%5C9x8y7-1/orders", "/v1/locations/3r4s3-1\\..\\9x8y7-1/orders",
            "/v1/locations/3r4s3-1/%252e%252e/9x8y7-1/orders",
            // Matrix parameters and empty segments, which some servers strip or merge.
            "/v1/locations/3r4s3-1/..;/9x8y7-1/orders", "/v1/locations;x=1/9x8y7-1/orders", "/v1/locations//9x8y7-1/orders",
            // Not origin-form.
            "http://127.0.0.1/v1/locations/9x8y7-1/orders", "*",
        ]
        var answeredByTheGateway = 0
        for attack in attacks {
            // A connection each: a target the HTTP parser itself refuses closes its connection.
            let answer = try RawHTTPConnection(tcpPort: s.port).exchange("GET", attack, headers: [("X-Access-Token", s.token)])
            #expect(answer.status == 400, "\(attack): \(answer.status) \(answer.text)")
            #expect(answer.json["error_type"]?.stringValue == "bad_request", "\(attack): \(answer.text)")
            #expect(!answer.text.contains("9x8y7-1"), "\(attack): the refusal repeats the target: \(answer.text)")
            if answer.header("X-RateLimit-Limit") != nil {
                answeredByTheGateway += 1
                #expect(!answer.closes, "\(attack): a refusal cost the connection")
            }
        }
        #expect(try await s.upstream.calls(s.connection) == 0, "a refused target reached the upstream")
        // Every refusal the gateway made is a log entry, under the canonical or the escaped
        // target, and none names the token.
        let refused = try await Self.entries(s.daemon, s.connection)
        #expect(answeredByTheGateway >= attacks.count - 3, "only \(answeredByTheGateway) of \(attacks.count) reached the gateway")
        #expect(refused.count == answeredByTheGateway && refused.allSatisfy { $0["status"]?.integerValue == 400 }, "\(refused)")

        // Spellings with one meaning are normalised, decided on, and forwarded as decided.
        let connection = try RawHTTPConnection(tcpPort: s.port)
        let kept: [(sent: String, status: Int, canonical: String)] = [
            ("/v1/%6Cocations/3r4s3-1/%6Frders?page=2", 200, "/v1/locations/3r4s3-1/orders?page=2"),
            ("/v1/locations/3r4s3-1/orders/", 200, "/v1/locations/3r4s3-1/orders/"),
            ("/v1/locations/3r4s3-1/orders/a%3fb", 200, "/v1/locations/3r4s3-1/orders/a%3Fb"),
            ("/v1/%6Cocations/9x8y7-1/orders", 403, "/v1/locations/9x8y7-1/orders"),
            ("/v1/LOCATIONS/9x8y7-1/orders", 403, "/v1/LOCATIONS/9x8y7-1/orders"),
            ("/v1/locations/3r4s3-1/orders/locations/3r4s3-2", 403, "/v1/locations/3r4s3-1/orders/locations/3r4s3-2"),
            ("/v1/locations/3r4s3-%32/orders", 403, "/v1/locations/3r4s3-2/orders"),
        ]
        for (sent, status, canonical) in kept {
            let answer = try connection.exchange("GET", sent, headers: [("X-Access-Token", s.token)])
            #expect(answer.status == status, "\(sent): \(answer.text)")
            if status == 200 {
                #expect(answer.json["target"]?.stringValue == canonical, "\(sent): the upstream received \(answer.text)")
                #expect(answer.json["location"]?.stringValue == "3r4s3-1", "\(sent): the upstream served \(answer.text)")
            }
            let logged = try await Self.entries(s.daemon, s.connection).first
            #expect(logged?["url"]?.stringValue == canonical, "\(sent): logged as \(String(describing: logged))")
        }
        #expect(try await s.upstream.calls(s.connection) == kept.filter { $0.status == 200 }.count)
        #expect(s.daemon.stop() == 0)
    }

    /// Every token the run issued or sent, in every place a client may put it, through the
    /// ingestion API and the gateway: none is in the journal or any projection's files.
    @Test func noTokenOfTheRunIsStoredAnywhere() async throws {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        let s = try await Self.setup(["--rate-limit-per-minute", "100000", "--rate-limit-per-hour", "100000", "--rate-limit-per-day", "100000",
                                         "--rate-limit-heavy-per-minute", "100000"])
        var secrets: Set<String> = [s.token]
        // The ingestion API: one entry at a time and NDJSON batches, URLs with tokens.
        var lines: [String] = []
        for i in 0..<300 {
            let token = CredentialSamples.token(&rng)
            let (url, placed) = CredentialSamples.url(with: token, &rng)
            secrets.insert(token)
            secrets.insert(placed)
            let escapedURL = url.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            let line = #"{"connection_id":"\#(s.connection)","method":"GET","url":"\#(escapedURL)","status":200,"duration_us":3000}"#
            if i % 10 == 0 {
                let r = try await s.daemon.post("/v1/logs", line)
                #expect(r.status == 201 || r.status == 200, "seed \(seed): \(url): \(r.text)")
            } else {
                lines.append(line)
            }
        }
        let batch = try await s.daemon.ndjson("/v1/logs", lines)
        #expect(batch.status == 201 || batch.status == 200, "seed \(seed): \(batch.text)")
        // The gateway: the caller's own token and others, anywhere in the target.
        let connection = try RawHTTPConnection(tcpPort: s.port)
        var statuses: [Int: Int] = [:]
        for _ in 0..<200 {
            let other = CredentialSamples.token(&rng)
            secrets.insert(other)
            let (url, placed) = CredentialSamples.url(with: rng.chance(0.5) ? s.token : other, &rng)
            secrets.insert(placed)
            let answer = try connection.exchange("GET", url, headers: [("X-Access-Token", s.token)])
            statuses[answer.status, default: 0] += 1
        }
        #expect(statuses.keys.allSatisfy { [200, 400, 403].contains($0) }, "seed \(seed): \(statuses)")
        // Blocked, then disconnected: those calls are logged (or refused) too.
        #expect(try await s.daemon.post("/v1/connections/\(s.connection)/block", "{}").status == 200)
        _ = try connection.exchange("GET", "/v1/locations/3r4s3-1/orders?access_token=\(s.token)", headers: [("X-Access-Token", s.token)])
        try await Self.waitForProjections(s.daemon)
        #expect(s.daemon.stop() == 0)

        var hits: [String] = []
        let files = FileManager.default.enumerator(atPath: s.daemon.data)!.compactMap { $0 as? String }
        #expect(files.contains { $0.hasSuffix(".mdb") }, "no LMDB file under \(s.daemon.data)")
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: s.daemon.data + "/" + file) else { continue }
            for secret in secrets where Self.contains(bytes, Array(secret.utf8)) { hits.append("\(file): \(secret)") }
        }
        #expect(hits.isEmpty, "seed \(seed): \(hits.count) tokens stored: \(hits.prefix(5))")
    }

    /// Many keep-alive clients checking a token and posting bodies to it while it is
    /// blocked: only answers, 200 before the block and 401 after, never a transport error.
    @Test func keepAliveClientsSeeOnlyAnswersAroundABlock() async throws {
        let s = try await Self.setup(["--rate-limit-per-minute", "100000", "--rate-limit-per-hour", "100000", "--rate-limit-per-day", "100000",
                                         "--rate-limit-heavy-per-minute", "100000"])
        let socket = s.daemon.socket, port = s.port, token = s.token
        let failures = Mutex<[String]>([])
        let statuses = Mutex<[Int: Int]>([:])
        let closes = Atomic<Int>(0)
        let blocked = Atomic<Bool>(false)
        let group = DispatchGroup()
        let body = Array(String(repeating: "{\"order\":\"x\"}", count: 200).utf8)
        for client in 0..<12 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let viaGateway = client % 3 == 2
                    let connection = viaGateway ? try RawHTTPConnection(tcpPort: port) : try RawHTTPConnection(unixSocket: socket)
                    var afterBlock = 0
                    // Until 150 calls after the block, or 2,000 in all.
                    for i in 0..<2_000 where afterBlock < 150 {
                        if blocked.load(ordering: .relaxed) { afterBlock += 1 }
                        let answer: RawHTTPConnection.Answer
                        // One request in four sends its body a moment after its head, so
                        // that the answer comes before the body.
                        let pause: Duration? = i % 4 < 2 ? .milliseconds(1) : nil
                        if viaGateway {
                            answer = try connection.exchange(
                                "POST", "/v1/locations/3r4s3-1/orders", headers: [("X-Access-Token", token)], body: body, pause: pause)
                        } else if i % 2 == 0 {
                            answer = try connection.exchange("POST", "/v1/token/check", headers: [("X-Access-Token", token)], body: body, pause: pause)
                        } else {
                            // A body on a GET: allowed, and read and discarded.
                            answer = try connection.exchange("GET", "/v1/token", headers: [("X-Access-Token", token)], body: Array(body.prefix(300)))
                        }
                        statuses.withLock { $0[answer.status, default: 0] += 1 }
                        if answer.closes { closes.add(1, ordering: .relaxed) }
                    }
                } catch {
                    failures.withLock { $0.append("client \(client): \(error)") }
                }
            }.start()
        }
        try await Task.sleep(for: .milliseconds(800))
        #expect(try await s.daemon.post("/v1/connections/\(s.connection)/block", "{}").status == 200)
        blocked.store(true, ordering: .relaxed)
        while group.wait(timeout: .now()) == .timedOut { try await Task.sleep(for: .milliseconds(50)) }
        let seen = statuses.withLock { $0 }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(5)); answers: \(seen)")
        #expect(closes.load(ordering: .relaxed) == 0, "\(closes.load(ordering: .relaxed)) answers closed the connection")
        #expect(Set(seen.keys).isSubset(of: [200, 201, 401]), "\(seen)")
        #expect((seen[401] ?? 0) >= 12 * 150 - 12, "too few refusals seen: \(seen)")
        #expect((seen[200] ?? 0) + (seen[201] ?? 0) > 0, "no call before the block: \(seen)")
        #expect(s.daemon.stop() == 0)
    }

    /// A refusal before a body too large to drain: the answer says `Connection: close`
    /// and the client, still sending, reads it rather than a reset.
    @Test func aBodyTooLargeToDrainIsAnsweredAndTheCloseAnnounced() async throws {
        let s = try await Self.setup()
        #expect(try await s.daemon.post("/v1/connections/\(s.connection)/block", "{}").status == 200)
        let connection = try RawHTTPConnection(unixSocket: s.daemon.socket)
        let size = 512 << 10
        let head = "POST /v1/token/check HTTP/1.1\r\nHost: localhost\r\nX-Access-Token: \(s.token)\r\nContent-Length: \(size)\r\n\r\n"
        try connection.write(Array(head.utf8))
        try await Task.sleep(for: .milliseconds(200))
        // The client goes on sending its body after the answer was sent.
        try connection.write([UInt8](repeating: UInt8(ascii: "x"), count: size))
        let answer = try connection.readAnswer()
        #expect(answer.status == 401, "\(answer.text)")
        #expect(answer.closes, "the close was not announced: \(answer.headers)")
        #expect(connection.closedByServer(within: 5))
        // A small body is drained instead: the connection is kept.
        let kept = try RawHTTPConnection(unixSocket: s.daemon.socket)
        try kept.write(Array("POST /v1/token/check HTTP/1.1\r\nHost: localhost\r\nX-Access-Token: \(s.token)\r\nContent-Length: 1000\r\n\r\n".utf8))
        try await Task.sleep(for: .milliseconds(200))
        try kept.write([UInt8](repeating: UInt8(ascii: "y"), count: 1000))
        let first = try kept.readAnswer()
        #expect(first.status == 401 && !first.closes, "\(first.headers)")
        let second = try kept.exchange("GET", "/v1/token", headers: [("X-Access-Token", s.token)])
        #expect(second.status == 401)
        #expect(s.daemon.stop() == 0)
    }

    static func waitForProjections(_ d: RunningDaemon) async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let status = try await d.get("/v1/status")
            let projectors = status.json["projections"]?.arrayValue ?? []
            if !projectors.isEmpty, projectors.allSatisfy({ $0["lag"]?.integerValue == 0 }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the projectors did not catch up: \(try await d.get("/v1/status").text)")
    }

    static func contains(_ haystack: Data, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { (h: UnsafeRawBufferPointer) -> Bool in
            var i = 0
            let last = h.count - needle.count
            while i <= last {
                if h[i] == first, memcmp(h.baseAddress! + i, needle, needle.count) == 0 { return true }
                i += 1
            }
            return false
        }
    }
}
