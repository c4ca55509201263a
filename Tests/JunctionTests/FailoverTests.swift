import AsyncHTTPClient
import Events
import Foundation
import Synchronization
import TestSupport
import Testing

/// Failover without a person (`--failover auto`), with real processes: three
/// `nats-server`, a writer and a follower. The writer is killed (alone, or with the NATS
/// node leading the lease's bucket) or cut from the cluster; the follower takes the lease
/// and is the writer within seconds, and nothing acknowledged is lost or doubled.
@Suite(.serialized)
struct FailoverTests {
    /// A quick lease, so that the tests wait seconds, not tens of seconds.
    static let lease = ["--failover", "auto", "--lease-interval-ms", "250", "--lease-ttl-ms", "1500"]

    /// A client sending batches of log lines under idempotency keys to whichever node
    /// takes them: the one that last did, else the other; each batch retried (same key)
    /// until one acknowledges it.
    struct Client {
        struct Ack: Sendable {
            var key: String
            var node: Int
            var at: ContinuousClock.Instant
        }

        final class Log: Sendable {
            let acks = Mutex<[Ack]>([])
        }

        let log = Log()
        let task: Task<Void, Never>

        init(_ nodes: [RunningDaemon], connection: String, batches: Int) {
            let log = self.log
            task = Task {
                var target = 0
                let deadline = ContinuousClock.now + .seconds(120)
                for batch in 0..<batches {
                    let key = "b\(batch)"
                    while ContinuousClock.now < deadline, !Task.isCancelled {
                        // A node that is gone is given up on soon (the client would go on
                        // trying to connect until the timeout).
                        let reply = try? await ReplicationTests.post(
                            nodes[target], lines: ReplicationTests.lines(connection, batch: key, count: 20), key: key,
                            timeout: .seconds(3))
                        if reply?.status == 201 {
                            log.acks.withLock { $0.append(Ack(key: key, node: target, at: .now)) }
                            break
                        }
                        target = 1 - target
                        try? await Task.sleep(for: .milliseconds(25))
                    }
                }
            }
        }

        var acks: [Ack] { log.acks.withLock { $0 } }

        func waitFor(_ n: Int, within limit: Duration = .seconds(60)) async throws {
            let deadline = ContinuousClock.now + limit
            while acks.count < n, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }

        func finish() async { await task.value }
    }

    /// The node that answers `/health/writer` 200, waited for up to `limit`.
    static func writerAppears(_ node: RunningDaemon, within limit: Duration) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if (try? await node.get("/health/writer"))?.status == 200 { return ContinuousClock.now - start }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Every acknowledged batch is in `data`'s journal exactly once (20 entries), and the
    /// journal has no gap.
    static func holdsEachAcknowledgedBatchOnce(_ data: String, _ keys: [String]) throws -> [String] {
        let lines = try ReplicationTests.tail(data).split(separator: "\n").map(String.init)
        let events = try lines.map { try JSONParser.parse(Array($0.utf8)) }
        let seqs = events.compactMap { $0["seq"]?.integerValue }
        #expect(seqs == Array(1...Int64(seqs.count)), "the journal has gaps or is out of order")
        var perBatch: [String: Int] = [:]
        for e in events where e["event"]?.stringValue == "requestLogged" {
            let url = e["url"]?.stringValue ?? ""
            perBatch[url.dropFirst("/orders/".count).split(separator: "-").first.map(String.init) ?? "", default: 0] += 1
        }
        for key in keys {
            #expect(perBatch[key] == 20, "batch \(key): \(perBatch[key] ?? 0) of its 20 entries")
        }
        return lines
    }

    @Test(.serialized, arguments: [false, true])
    func aKilledWriterIsReplacedWithoutAPerson(alsoKillingTheLeaseLeader: Bool) async throws {
        let cluster = try await NATSCluster()
        let writer = try RunningDaemon(["--replicate", cluster.urls, "--compact-every-hours", "0"] + Self.lease)
        try await registerSeed(writer)
        let follower = try RunningDaemon(["--replicate", cluster.urls] + Self.lease, initialize: false, command: "follow")
        #expect((try await follower.get("/health/writer")).status == 503)
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let client = Client([writer, follower], connection: id, batches: 150)
        try await client.waitFor(40)
        if alsoKillingTheLeaseLeader {
            let leader = try #require(await cluster.streamLeader("KV_JUNCTION_LEASES"), "no node leads the lease bucket")
            cluster.kill(leader)
        }
        kill(writer.process.processIdentifier, SIGKILL)
        writer.process.waitUntilExit()
        // No command: the follower sees the lease lapse, takes it and promotes itself.
        let took = await Self.writerAppears(follower, within: .seconds(30))
        print("failover: the follower was the writer \(took.map { "\($0)" } ?? "not within 30 s") after the writer was lost")
        #expect(took != nil && took! < .seconds(10), "the follower was the writer after \(took.map { "\($0)" } ?? "more than 30 s"): \(ReplicationTests.tailOfLog(follower.log))")
        await client.finish()
        let acknowledged = client.acks
        #expect(acknowledged.count == 150, "\(acknowledged.count) of 150 batches acknowledged: \(ReplicationTests.tailOfLog(follower.log))")
        #expect(acknowledged.contains { $0.node == 1 }, "nothing was acknowledged by the promoted follower")
        _ = try Self.holdsEachAcknowledgedBatchOnce(follower.data, acknowledged.map(\.key))
        // The old writer, started again, finds the lease held and renewed: it refuses to write.
        let old = try run(Executables.junction, ["serve", "--data", writer.data, "--replicate", cluster.urls, "--compact-every-hours", "0"] + Self.lease)
        #expect(old.status != 0)
        #expect(old.stderr.contains("held by") || old.stderr.contains("another writer"), "\(old.stderr)")
        #expect(follower.stop() == 0)
        try ReplicationTests.verify(follower.data)
    }

    /// The writer reaches only one NATS node, the follower the two others; that node is
    /// killed. The writer, cut off, acknowledges nothing once its lease could have lapsed,
    /// and refuses writes; the follower takes over; the old writer, the node back, stays
    /// fenced. The journals agree on all they share, and what only the old one holds was
    /// never acknowledged.
    @Test func aWriterCutFromTheClusterStopsAcknowledgingAndTheFollowerTakesOver() async throws {
        let cluster = try await NATSCluster()
        let writer = try RunningDaemon(["--replicate", cluster.urls([0]), "--compact-every-hours", "0"] + Self.lease)
        try await registerSeed(writer)
        let follower = try RunningDaemon(["--replicate", cluster.urls([1, 2])] + Self.lease, initialize: false, command: "follow")
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let client = Client([writer, follower], connection: id, batches: 120)
        try await client.waitFor(30)
        cluster.kill(0)
        let cut = ContinuousClock.now
        let took = await Self.writerAppears(follower, within: .seconds(30))
        print("failover: the follower was the writer \(took.map { "\($0)" } ?? "not within 30 s") after the writer was lost")
        #expect(took != nil && took! < .seconds(10), "the follower was the writer after \(took.map { "\($0)" } ?? "more than 30 s"): \(ReplicationTests.tailOfLog(follower.log))")
        await client.finish()
        let acknowledged = client.acks
        #expect(acknowledged.count == 120, "\(acknowledged.count) of 120 batches acknowledged")
        // Nothing acknowledged by the old writer once its lease could have lapsed for others.
        let late = acknowledged.filter { $0.node == 0 && $0.at > cut + .milliseconds(1500) }
        #expect(late.isEmpty, "the cut-off writer acknowledged \(late.map(\.key)) after its lease could have lapsed")
        // It refuses writes, and still does once it reaches the cluster again.
        let refused = try await ReplicationTests.post(writer, lines: ReplicationTests.lines(id, batch: "late", count: 1), key: "late")
        #expect(refused.status == 503, "\(refused.text)")
        try cluster.restart(0)
        try await Task.sleep(for: .seconds(3))
        let stillRefused = try await ReplicationTests.post(writer, lines: ReplicationTests.lines(id, batch: "later", count: 1), key: "later")
        #expect(stillRefused.status == 503, "\(stillRefused.text)")
        #expect((try await writer.get("/health/writer")).status == 503)
        _ = writer.stop()  // fenced, it may stop with its reason
        #expect(follower.stop() == 0)
        // History does not fork: the new writer's journal holds every acknowledged batch
        // once; the old one's is the same up to where it was cut off, and its tail past
        // that holds only batches it never acknowledged.
        let theirs = try Self.holdsEachAcknowledgedBatchOnce(follower.data, acknowledged.map(\.key))
        let mine = try ReplicationTests.tail(writer.data).split(separator: "\n").map(String.init)
        let shared = zip(mine, theirs).prefix { $0 == $1 }.count
        let ackedByOld = Set(acknowledged.filter { $0.node == 0 }.map(\.key))
        for line in mine.dropFirst(shared) {
            let url = (try? JSONParser.parse(Array(line.utf8)))?["url"]?.stringValue ?? ""
            let key = url.dropFirst("/orders/".count).split(separator: "-").first.map(String.init) ?? ""
            #expect(!ackedByOld.contains(key), "the old writer acknowledged \(key), which only its journal holds")
        }
        #expect(shared > 0)
    }

    /// HAProxy with deploy/haproxy.cfg, as shipped, in front of the two nodes' gateways and
    /// back offices (its addresses from the environment).
    final class Balancer {
        let process = Process()
        let gateway: Int
        let web: Int

        init(gateways: [Int], webs: [Int]) throws {
            gateway = freeLoopbackPort()
            web = freeLoopbackPort()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
            process.arguments = ["-db", "-f", packageRoot + "/deploy/haproxy.cfg"]
            var environment = ProcessInfo.processInfo.environment
            environment["JUNCTION_GATEWAY_BIND"] = "127.0.0.1:\(gateway)"
            environment["JUNCTION_WEB_BIND"] = "127.0.0.1:\(web)"
            for n in 0..<2 {
                environment["JUNCTION_N\(n + 1)_HOST"] = "127.0.0.1"
                environment["JUNCTION_N\(n + 1)_GATEWAY_PORT"] = "\(gateways[n])"
                environment["JUNCTION_N\(n + 1)_WEB_PORT"] = "\(webs[n])"
            }
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Apps call one address (HAProxy, deploy/haproxy.cfg) while the writer is killed: the
    /// calls go on, with the same token, once the follower has taken over, and every call
    /// answered 200 is logged exactly once in the new writer's journal. The owners' address
    /// reaches the new writer's back office too. The units in deploy/ pass systemd's check.
    @Test func appsCallOneAddressAcrossAFailover() async throws {
        let cluster = try await NATSCluster()
        let upstream = try GatewayTests.Upstream()
        let gateways = [freeLoopbackPort(), freeLoopbackPort()]
        let webs = [freeLoopbackPort(), freeLoopbackPort()]
        func node(_ n: Int) -> [String] {
            ["--replicate", cluster.urls, "--gateway", "127.0.0.1:\(gateways[n])", "--upstream", "http://127.0.0.1:\(upstream.port)",
             "--web", "127.0.0.1:\(webs[n])", "--rate-limit-per-minute", "100000", "--rate-limit-per-hour", "1000000",
             "--rate-limit-heavy-per-minute", "100000"] + Self.lease
        }
        let writer = try RunningDaemon(node(0) + ["--compact-every-hours", "0"])
        try await registerSeed(writer)
        let follower = try RunningDaemon(node(1), initialize: false, command: "follow")
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let token = try #require(c.json["access_token"]?.stringValue, "\(c.text)")
        let balancer = try Balancer(gateways: gateways, webs: webs)
        let base = "http://127.0.0.1:\(balancer.gateway)"
        // The follower's gateway refuses calls, naming the writer, before forwarding them.
        let direct = try await GatewayTests.call("http://127.0.0.1:\(gateways[1])/v1/locations/3r4s3-1/orders?n=direct", token: token)
        #expect(direct.status == 503 && direct.headers.first(name: "Retry-After") == "1", "\(direct.status) \(direct.text)")
        #expect(try await upstream.calls(try #require(c.json["connection_id"]?.stringValue)) == 0)

        // Calls through the balancer, one after another, each numbered.
        struct Call: Sendable { var n: Int; var status: Int; var at: ContinuousClock.Instant }
        let calls = Mutex<[Call]>([])
        let stop = Atomic<Bool>(false)
        let caller = Task {
            var n = 0
            while !stop.load(ordering: .relaxed) {
                let status = (try? await GatewayTests.call(base + "/v1/locations/3r4s3-1/orders?n=\(n)", token: token).status) ?? 0
                calls.withLock { $0.append(Call(n: n, status: status, at: .now)) }
                n += 1
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let warmup = ContinuousClock.now + .seconds(20)
        while calls.withLock({ $0.filter { $0.status == 200 }.count }) < 30, ContinuousClock.now < warmup {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(calls.withLock { $0.filter { $0.status == 200 }.count } >= 30, "the balancer did not reach the writer's gateway")
        kill(writer.process.processIdentifier, SIGKILL)
        writer.process.waitUntilExit()
        let killed = ContinuousClock.now
        let took = await Self.writerAppears(follower, within: .seconds(30))
        #expect(took != nil && took! < .seconds(10), "the follower was the writer after \(took.map { "\($0)" } ?? "more than 30 s")")
        // Calls succeed again through the same address, with the same token.
        let resumeBy = ContinuousClock.now + .seconds(20)
        while calls.withLock({ $0.contains { $0.status == 200 && $0.at > killed + (took ?? .zero) } }) == false, ContinuousClock.now < resumeBy {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(1))
        stop.store(true, ordering: .relaxed)
        await caller.value
        let all = calls.withLock { $0 }
        let resumed = all.first { $0.status == 200 && $0.at > killed }
        #expect(resumed != nil, "no call succeeded through the balancer after the failover")
        if let resumed { print("failover: calls through the balancer succeeded again \(resumed.at - killed) after the writer was killed") }
        for call in all where ![200, 503, 0].contains(call.status) {
            Issue.record("call \(call.n) was answered \(call.status)")
        }
        // The owners' address leads to the new writer's back office.
        let owners = try await GatewayTests.call("http://127.0.0.1:\(balancer.web)/health/writer")
        #expect(owners.status == 200, "\(owners.text)")
        // Every call answered 200 is in the new writer's journal once.
        #expect(follower.stop() == 0)
        var logged: [Int: Int] = [:]
        for line in try ReplicationTests.tail(follower.data).split(separator: "\n") {
            let e = try JSONParser.parse(Array(line.utf8))
            guard e["event"]?.stringValue == "requestLogged", let url = e["url"]?.stringValue,
                  let r = url.range(of: "?n="), let n = Int(url[r.upperBound...]) else { continue }
            logged[n, default: 0] += 1
        }
        for call in all where call.status == 200 {
            #expect(logged[call.n] == 1, "call \(call.n), answered 200, is logged \(logged[call.n] ?? 0) times")
        }
    }

    static let systemdAnalyze = "/usr/bin/systemd-analyze"

    /// deploy/'s systemd units pass `systemd-analyze verify` (with the binary they name
    /// put where this build is). Where systemd is not installed the test is reported
    /// skipped, not passed.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze), "systemd-analyze is not installed"))
    func theSystemdUnitsAreValid() throws {
        let analyze = Self.systemdAnalyze
        let dir = TemporaryDirectory("units")
        for unit in ["junction-writer.service", "junction-follower.service"] {
            let text = try String(contentsOfFile: packageRoot + "/deploy/" + unit, encoding: .utf8)
            #expect(text.contains("/usr/local/bin/junction "), "\(unit) does not start /usr/local/bin/junction")
            try text.replacingOccurrences(of: "/usr/local/bin/junction", with: Executables.junction)
                .write(toFile: dir.path + "/" + unit, atomically: true, encoding: .utf8)
            let r = try run(analyze, ["verify", "--man=no", dir.path + "/" + unit])
            #expect(r.status == 0 && r.stderr.isEmpty, "\(unit): \(r.output)\(r.stderr)")
        }
    }
}
