import AsyncHTTPClient
import Events
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

/// The gateway with a real upstream (tools/upstream.py) and a real HTTP client: tokens,
/// scope, rate limits that survive a SIGKILL, the upstream's failures, and the log entries.
@Suite(.serialized)
struct GatewayTests {
    /// tools/upstream.py on its own port, stopped at the end.
    final class Upstream {
        let port: Int
        let process = Process()

        init() throws {
            port = freeLoopbackPort()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", packageRoot + "/tools/upstream.py", "\(port)"]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if (try? run("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/_upstream/calls"]).status) == 0 { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            throw DaemonFailed(log: "the upstream did not start")
        }

        func calls(_ connection: String) async throws -> Int {
            let r = try await GatewayTests.call("http://127.0.0.1:\(port)/_upstream/calls")
            return r.json[connection]?.integerValue.map(Int.init) ?? 0
        }

        /// SIGKILL, and reaped.
        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { stop() }
    }

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: [UInt8]
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func call(_ url: String, method: String = "GET", token: String? = nil, body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "X-Access-Token", value: token) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var buffer = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    /// A daemon with its gateway in front of `upstream`, the seed registered and Uber Eats
    /// connected at 3r4s3-1 (scope `location[orders.write,catalog.read]`).
    static func gateway(upstream: String, _ extra: [String] = []) async throws -> (RunningDaemon, String, String, String) {
        let port = freeLoopbackPort()
        let d = try RunningDaemon(["--gateway", "127.0.0.1:\(port)", "--upstream", upstream] + extra)
        try await registerSeed(d)
        let l2 = try await d.post("/v1/locations", #"{"location_id":"3r4s3-2","account_id":"3r4s3","name":"Nation","time_zone":"Europe/Paris"}"#)
        #expect(l2.status == 201)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let token = try #require(c.json["access_token"]?.stringValue)
        return (d, "http://127.0.0.1:\(port)", id, token)
    }

    @Test func callsReachTheUpstreamWithTrustedHeadersAndAreLogged() async throws {
        let upstream = try Upstream()
        // The order index is a heavy endpoint: its own limit is set above the minute's here.
        let (d, base, id, token) = try await Self.gateway(upstream: "http://127.0.0.1:\(upstream.port)", ["--rate-limit-heavy-per-minute", "1000"])
        let read = try await Self.call(base + "/v1/locations/3r4s3-1/orders?page=2", token: token)
        #expect(read.status == 200, "\(read.text)")
        #expect(read.json["trusted"]?["X-Junction-Connection"]?.stringValue == id)
        #expect(read.json["trusted"]?["X-Junction-Location"]?.stringValue == "3r4s3-1")
        #expect(read.json["trusted"]?["X-Junction-Account"]?.stringValue == "3r4s3")
        #expect(read.json["trusted"]?["X-Junction-Scope"]?.stringValue == "location[orders.write,catalog.read]")
        #expect(read.json["token_seen"] == .bool(false), "the app's token must not reach the upstream")
        #expect(read.headers.first(name: "X-RateLimit-Limit") == "500")
        let write = try await Self.call(base + "/v1/locations/3r4s3-1/orders", method: "POST", token: token, body: #"{"total":12.5}"#)
        #expect(write.status == 201, "\(write.text)")
        #expect(try await upstream.calls(id) == 2)

        // Both calls are log entries with the upstream's status, the token redacted.
        let page = try await d.get("/v1/connections/\(id)/logs?after=head")
        let entries = page.json["entries"]?.arrayValue ?? []
        #expect(entries.count == 2, "\(page.text)")
        #expect(entries.map { $0["status"]?.integerValue } == [201, 200])
        #expect(entries.last?["resource"]?.stringValue == "orders")
        let seq = try #require(entries.first?["seq"]?.integerValue)
        let detail = try await d.get("/v1/connections/\(id)/logs/\(seq)")
        #expect(!detail.text.contains(token), "\(detail.text)")
        #expect(detail.text.contains("[REDACTED]"))
        #expect(detail.json["request"]?["body"]?["total"] != nil, "\(detail.text)")
        #expect(detail.json["response"]?["body"]?["method"]?.stringValue == "POST")
        #expect(d.stop() == 0)
    }

    @Test func tokensAndScopeAreHeldAtTheDoorAndRefusalsAreLogged() async throws {
        let upstream = try Upstream()
        let (d, base, id, token) = try await Self.gateway(upstream: "http://127.0.0.1:\(upstream.port)")
        let unknown = try await Self.call(base + "/v1/locations/3r4s3-1/orders", token: String(repeating: "a", count: 43))
        #expect(unknown.status == 401 && unknown.json["message"]?.stringValue == "The access token is invalid or the connection has been revoked")
        let none = try await Self.call(base + "/v1/locations/3r4s3-1/orders")
        #expect(none.status == 401 && none.json["error_type"]?.stringValue == "unauthorized")
        // Another location's path, and a write the scope does not grant: 403, nothing forwarded.
        let elsewhere = try await Self.call(base + "/v1/locations/3r4s3-2/orders", token: token)
        #expect(elsewhere.status == 403 && elsewhere.json["error_type"]?.stringValue == "forbidden", "\(elsewhere.text)")
        let write = try await Self.call(base + "/v1/catalogs/psmlf/products/1", method: "PUT", token: token, body: "{}")
        #expect(write.status == 403, "\(write.text)")
        let account = try await Self.call(base + "/v1/accounts/3r4s3", token: token)
        #expect(account.status == 403)
        #expect(try await upstream.calls(id) == 0)
        // Blocked: 401 from the acknowledgement on, nothing forwarded; unblocked: through again.
        #expect(try await d.post("/v1/connections/\(id)/block", "{}").status == 200)
        let blocked = try await Self.call(base + "/v1/locations/3r4s3-1/orders", token: token)
        #expect(blocked.status == 401 && blocked.json["message"]?.stringValue == "The connection has been blocked")
        #expect(try await upstream.calls(id) == 0)
        #expect(try await d.post("/v1/connections/\(id)/unblock", "{}").status == 200)
        #expect(try await Self.call(base + "/v1/locations/3r4s3-1/orders", token: token).status == 200)
        #expect(try await upstream.calls(id) == 1)
        let page = try await d.get("/v1/connections/\(id)/logs?after=head")
        #expect(page.json["entries"]?.arrayValue?.map { $0["status"]?.integerValue } == [200, 401, 403, 403, 403], "\(page.text)")
        #expect(d.stop() == 0)
    }

    @Test func theRateLimitHoldsAcrossASigkill() async throws {
        let upstream = try Upstream()
        // Not near the end of a minute, so every call falls in one window.
        while Calendar(identifier: .gregorian).component(.second, from: Date()) > 30 { try await Task.sleep(for: .seconds(1)) }
        // The order index is a heavy endpoint: the minute's 12 decide here, not its own 10.
        let limit = ["--rate-limit-per-minute", "12", "--rate-limit-heavy-per-minute", "1000"]
        let (d, base, id, token) = try await Self.gateway(upstream: "http://127.0.0.1:\(upstream.port)", limit)
        var statuses: [Int] = []
        for _ in 0..<13 { statuses.append(try await Self.call(base + "/v1/locations/3r4s3-1/orders", token: token).status) }
        #expect(statuses == Array(repeating: 200, count: 12) + [429], "\(statuses)")
        let refused = try await Self.call(base + "/v1/locations/3r4s3-1/orders", token: token)
        #expect(refused.status == 429 && refused.json["error_type"]?.stringValue == "too_many_requests")
        #expect(refused.headers.first(name: "Retry-After").flatMap(Int.init).map { (1...60).contains($0) } == true)
        #expect(refused.headers.first(name: "X-RateLimit-Remaining") == "0")
        kill(d.process.processIdentifier, SIGKILL)
        d.process.waitUntilExit()
        try d.restart(["--gateway", String(base.dropFirst("http://".count)), "--upstream", "http://127.0.0.1:\(upstream.port)"] + limit)
        let after = try await Self.call(base + "/v1/locations/3r4s3-1/orders", token: token)
        #expect(after.status == 429, "the counts must come back from the journal: \(after.text)")
        #expect(try await upstream.calls(id) == 12)
        #expect(d.stop() == 0)
    }


    /// What the load's clients saw: each call's phase when it started (0 before the block
    /// was acknowledged, 1 after, 2 after the unblock; 3 stops the clients, 4 pauses them)
    /// and its status.
    final class LoadRecord: Sendable {
        let phase = Atomic<Int>(0)
        let calls = Mutex<[(phase: Int, status: Int, message: String?)]>([])
        func record(_ phase: Int, _ answer: Answer) {
            calls.withLock { $0.append((phase, answer.status, answer.json["message"]?.stringValue)) }
        }
    }

    /// Every entry of a connection's logs with this status class, all pages.
    static func loggedStatuses(_ d: RunningDaemon, _ id: String, _ statusClass: String) async throws -> [Int] {
        var statuses: [Int] = []
        var cursor: String? = nil
        repeat {
            let page = try await d.get("/v1/connections/\(id)/logs?after=head&limit=1000&status=\(statusClass)" + (cursor.map { "&cursor=" + $0 } ?? ""))
            #expect(page.status == 200, "\(page.text)")
            statuses += (page.json["entries"]?.arrayValue ?? []).compactMap { $0["status"]?.integerValue.map(Int.init) }
            cursor = page.json["next_cursor"]?.stringValue
        } while cursor != nil
        return statuses
    }

    @Test func underLoadABlockHoldsFromItsAcknowledgement() async throws {
        let upstream = try Upstream()
        let unlimited = ["--rate-limit-per-minute", "1000000", "--rate-limit-per-hour", "1000000", "--rate-limit-per-day", "1000000",
                         "--rate-limit-heavy-per-minute", "1000000"]
        let (d, base, id, token) = try await Self.gateway(upstream: "http://127.0.0.1:\(upstream.port)", unlimited)
        let record = LoadRecord()
        let clients = 6
        let calls = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        while !Task.isCancelled {
                            let phase = record.phase.load(ordering: .sequentiallyConsistent)
                            if phase == 3 { return }
                            if phase == 4 {
                                try await Task.sleep(for: .milliseconds(5))
                                continue
                            }
                            // The upstream waits before it reads a call and counts it: the
                            // gateway has calls under way, checked but not yet received,
                            // when the block lands.
                            let answer = try await Self.call(
                                base + "/slow/30/v1/locations/3r4s3-1/orders", method: "POST", token: token, body: #"{"total":1}"#)
                            record.record(phase, answer)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(try await d.post("/v1/connections/\(id)/block", "{}").status == 200)
        record.phase.store(1, ordering: .sequentiallyConsistent)
        let atBlock = try await upstream.calls(id)
        try await Task.sleep(for: .milliseconds(1500))
        // The clients pause, so that every call counted as made while blocked has been
        // answered before the unblock is sent.
        record.phase.store(4, ordering: .sequentiallyConsistent)
        try await Task.sleep(for: .milliseconds(300))
        let beforeUnblock = try await upstream.calls(id)
        #expect(try await d.post("/v1/connections/\(id)/unblock", "{}").status == 200)
        record.phase.store(2, ordering: .sequentiallyConsistent)
        try await Task.sleep(for: .milliseconds(1000))
        record.phase.store(3, ordering: .sequentiallyConsistent)
        try await calls.value

        let seen = record.calls.withLock { $0 }
        let byPhase = Dictionary(grouping: seen, by: \.phase)
        #expect((byPhase[0]?.filter { $0.status == 201 }.count ?? 0) > 20, "too little load before the block to show anything")
        #expect(atBlock == beforeUnblock, "the upstream received \(beforeUnblock - atBlock) calls after the block was acknowledged")
        #expect(atBlock > 0)
        let afterBlock = byPhase[1] ?? []
        #expect(afterBlock.count > 20)
        #expect(afterBlock.allSatisfy { $0.status == 401 && $0.message == "The connection has been blocked" },
                "\(Set(afterBlock.map(\.status)))")
        let afterUnblock = byPhase[2] ?? []
        #expect(!afterUnblock.isEmpty && afterUnblock.allSatisfy { $0.status == 201 }, "\(Set(afterUnblock.map(\.status)))")
        // What went through is what the upstream counted; every refusal is a 401 log entry.
        let passed = seen.filter { $0.status == 201 }.count
        #expect(try await upstream.calls(id) == passed)
        let refused = seen.filter { $0.status == 401 }.count
        #expect(seen.allSatisfy { $0.status == 201 || $0.status == 401 }, "\(Set(seen.map(\.status)))")
        let logged = try await Self.loggedStatuses(d, id, "4xx")
        #expect(logged.count == refused && logged.allSatisfy { $0 == 401 }, "\(logged.count) 4xx entries for \(refused) refusals")
        #expect(try await Self.loggedStatuses(d, id, "2xx").count == passed)
        #expect(d.stop() == 0)
    }

    @Test func anUpstreamDownOrTooSlowAnswers502Or504() async throws {
        let upstream = try Upstream()
        let (d, base, _, token) = try await Self.gateway(
            upstream: "http://127.0.0.1:\(upstream.port)", ["--gateway-upstream-timeout-ms", "300"])
        let slow = try await Self.call(base + "/slow/2000/v1/locations/3r4s3-1/orders", token: token)
        #expect(slow.status == 504 && slow.json["error_type"]?.stringValue == "gateway_timeout", "\(slow.text)")
        let teapot = try await Self.call(base + "/status/418/v1/locations/3r4s3-1/orders", token: token)
        #expect(teapot.status == 418, "the upstream's answer comes back as it came")
        upstream.stop()
        let down = try await Self.call(base + "/v1/locations/3r4s3-1/orders", token: token)
        #expect(down.status == 502 && down.json["error_type"]?.stringValue == "bad_gateway", "\(down.text)")
        #expect(d.stop() == 0)
    }
}
