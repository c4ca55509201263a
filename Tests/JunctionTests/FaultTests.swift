import Events
import Foundation
import Journal
import LMDB
import Logging
import Synchronization
import TestSupport
import Testing

/// Faults and hostile clients against real daemons, projectors and journals: kills under
/// load, a full disk, a full reader table, retries, concurrent blocks, pipelining.
@Suite(.serialized)
struct FaultTests {
    /// The short version of `tools/chaos`' kill loop: the daemon, projectors, the notifier
    /// and the compactor are SIGKILLed at random while clients ingest and send commands,
    /// retrying unanswered requests with their idempotency keys.
    @Test func killsUnderLoadLoseAndDuplicateNothing() throws {
        let dir = TemporaryDirectory("kill-loop")
        let seed = TestSeed.make()
        let result = try run(Executables.chaos, [
            "kill-loop", "--data", dir.path + "/data", "--kills", "12", "--seconds", "120", "--clients", "3",
            "--seed", "\(seed)", "--junction", Executables.junction,
        ])
        #expect(result.status == 0, "seed \(seed): \(result.output)\n\(result.stderr.suffix(3000))")
        let summary = try JSONParser.parse(result.stdout)
        #expect(summary["kills"]?.integerValue == 12)
        #expect((summary["entries_acknowledged"]?.integerValue ?? 0) > 100, "\(result.output)")
        #expect((summary["commands_acknowledged"]?.integerValue ?? 0) > 5, "\(result.output)")
        #expect(summary["gapless"] == .bool(true) && summary["projections_verified"] == .bool(true))
        #expect(summary["entries_lost"]?.integerValue == 0 && summary["entries_duplicated"]?.integerValue == 0)
        #expect(summary["commands_lost"]?.integerValue == 0)
    }

    /// Past a file-size limit set on the running daemon (`prlimit`, the unprivileged
    /// equivalent of a full disk), writes are refused with 503 and leave nothing behind,
    /// reads go on, and writes resume once the limit is lifted, without a restart.
    @Test func aFullDiskRefusesWritesKeepsReadsAndRecovers() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let connected = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(connected.json["connection_id"]?.stringValue)
        let pid = d.process.processIdentifier
        let file = d.data + "/journal/data.mdb"
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
        let limited = try run("/usr/bin/prlimit", ["--pid", "\(pid)", "--fsize=\(size + (1 << 20)):unlimited"])
        try #require(limited.status == 0, "\(limited.stderr)")

        let body = String(repeating: "o", count: 4000)
        func batch(_ n: Int) -> [String] {
            (0..<20).map { #"{"connection_id":"\#(id)","method":"POST","url":"/orders","status":201,"request_id":"b\#(n)-\#($0)","request_body":"\#(body)"}"# }
        }
        var acknowledged = 0
        var lastSeq: Int64 = 0
        var refusal: RunningDaemon.Reply?
        for n in 0..<200 {
            let reply = try await d.ndjson("/v1/logs", batch(n))
            if reply.status == 201 {
                acknowledged += 20
                lastSeq = reply.json["last_seq"]?.integerValue ?? 0
            } else {
                refusal = reply
                break
            }
        }
        let refused = try #require(refusal, "the limit was never reached")
        #expect(refused.status == 503 && refused.json["error_type"] == .string("service_unavailable"), "\(refused.text)")
        #expect(refused.text.contains("nothing was written"), "\(refused.text)")

        // Small writes may still fit in pages the journal freed earlier; a command that
        // needs new pages is refused whole: not in the journal, not in force.
        let bigName = String(repeating: "n", count: 400_000)
        let bigAccount = try await d.post("/v1/accounts", #"{"account_id":"b1g00","name":"\#(bigName)","time_zone":"Europe/Paris"}"#)
        #expect(bigAccount.status == 503, "\(bigAccount.text.prefix(300))")
        // Reads go on, and the head is the last acknowledged write.
        #expect(try await d.get("/health").status == 200)
        let page = try await d.get("/v1/connections/\(id)/logs?limit=5")
        #expect(page.status == 200, "\(page.text)")
        #expect(try await d.get("/v1/status").json["journal"]?["head"]?.integerValue == lastSeq)

        let lifted = try run("/usr/bin/prlimit", ["--pid", "\(pid)", "--fsize=unlimited:unlimited"])
        try #require(lifted.status == 0, "\(lifted.stderr)")
        // The refused registration left nothing behind: the same id registers now.
        let registered = try await d.post("/v1/accounts", #"{"account_id":"b1g00","name":"Big","time_zone":"Europe/Paris"}"#)
        #expect(registered.status == 201, "\(registered.text)")
        let resumed = try await d.ndjson("/v1/logs", batch(1000))
        #expect(resumed.status == 201, "\(resumed.text)")
        acknowledged += 20
        let last = resumed.json["last_seq"]?.integerValue ?? 0
        // Everything acknowledged is in the journal and reaches the projections.
        let mine = try await d.get("/v1/connections/\(id)?after=\(last)")
        #expect(mine.json["request_count"]?.integerValue == Int64(acknowledged), "\(mine.text)")
        #expect(d.stop() == 0)
        let journal = try Journal.open(at: d.data + "/journal", readOnly: true, logger: faultLogger)
        let stats = try journal.statistics()
        #expect(stats.count == Int(stats.head) && stats.head == UInt64(last))
    }

    /// A reader table full of live readers refuses a new reader with a clear error; the
    /// slots of readers that were killed are taken back without a restart.
    @Test func aFullReaderTableRefusesThenRecoversStaleSlots() async throws {
        let dir = TemporaryDirectory("readers")
        var options = Journal.Options()
        options.maxReaders = 4
        // The first process to open the environment sizes its reader table.
        let journal = try Journal.create(at: dir.path, options: options, logger: faultLogger)
        _ = try await journal.append(taggedRecord("r"))
        var holders: [Process] = []
        defer { for h in holders where h.isRunning { kill(h.processIdentifier, SIGKILL); h.waitUntilExit() } }
        for _ in 0..<4 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Executables.chaos)
            p.arguments = ["hold-reader", "--journal", dir.path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            holders.append(p)
            let line = pipe.fileHandleForReading.availableDataOrWait(upTo: 8)
            try #require(String(decoding: line, as: UTF8.self).hasPrefix("holding"))
        }
        #expect {
            _ = try journal.record(1)
        } throws: { error in
            (error as? JournalError)?.isReadersFull == true
        }
        // Two holders die without closing: their slots are stale, and the next reader
        // clears them.
        for h in holders.prefix(2) {
            kill(h.processIdentifier, SIGKILL)
            h.waitUntilExit()
        }
        #expect(try journal.record(1) != nil)
        #expect(try journal.record(1) != nil)
    }

    /// Clients retrying with an `Idempotency-Key` get the first answer back and append
    /// nothing twice; a key reused for another request is refused.
    @Test func retriesWithAnIdempotencyKeyAppendOnce() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let connected = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(connected.json["connection_id"]?.stringValue)
        let lines = (0..<5).map { #"{"connection_id":"\#(id)","method":"GET","url":"/orders","status":200,"request_id":"r\#($0)"}"# }
        let body = Array((lines.joined(separator: "\n") + "\n").utf8)
        func send(_ key: String, _ body: [UInt8]) async throws -> RunningDaemon.Reply {
            try await d.request("POST", "/v1/logs", body: body, contentType: "application/x-ndjson", headers: [("Idempotency-Key", key)])
        }
        let first = try await send("batch-1", body)
        let again = try await send("batch-1", body)
        #expect(first.status == 201 && again.status == 201)
        #expect(first.json["first_seq"] == again.json["first_seq"] && first.json["last_seq"] == again.json["last_seq"])
        #expect(first.header("Idempotent-Replayed") == nil && again.header("Idempotent-Replayed") == "true")
        let otherLines = (0..<5).map { #"{"connection_id":"\#(id)","method":"GET","url":"/orders","status":200,"request_id":"x\#($0)"}"# }
        let other = try await send("batch-1", Array(otherLines.joined(separator: "\n").utf8))
        #expect(other.status == 422 && other.json["error_type"] == .string("idempotency_key_reused"), "\(other.text)")
        let tooLong = try await send(String(repeating: "k", count: 201), body)
        #expect(tooLong.status == 400, "\(tooLong.text)")

        let block = try await d.request("POST", "/v1/connections/\(id)/block", body: Array("{}".utf8), headers: [("Idempotency-Key", "block-1")])
        let blockAgain = try await d.request("POST", "/v1/connections/\(id)/block", body: Array("{}".utf8), headers: [("Idempotency-Key", "block-1")])
        #expect(block.status == 200 && blockAgain.status == 200, "\(blockAgain.text)")
        #expect(block.json["seq"] == blockAgain.json["seq"] && blockAgain.json["replayed"] == .bool(true))
        // Without a key, blocking twice is a conflict: the retry above did not block again.
        #expect(try await d.post("/v1/connections/\(id)/block", "{}").status == 409)
        let status = try await d.get("/v1/status")
        let seq = block.json["seq"]?.integerValue ?? 0
        #expect(status.json["journal"]?["head"]?.integerValue == seq, "\(status.text)")
        let all = try await d.get("/v1/connections/\(id)/logs?limit=50&after=\(seq)")
        #expect(all.json["entries"]?.arrayValue?.count == 5, "\(all.text)")
    }

    /// Under concurrent token checks and ingestion, every check that starts after a block
    /// or a disconnect is acknowledged is refused; and no plain token reaches any file.
    @Test func aBlockIsInForceFromItsAcknowledgementUnderLoad() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let connected = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(connected.json["connection_id"]?.stringValue)
        let token = try #require(connected.json["access_token"]?.stringValue)
        let clock = ContinuousClock()
        // The load runs until two seconds after the disconnect is answered (on a loaded
        // machine that can be well past the start's four seconds), with a bound.
        let stop = StopFlag()
        let bound = clock.now + .seconds(60)
        let going: @Sendable () -> Bool = { !stop.isSet && clock.now < bound }
        struct Check: Sendable {
            var started: ContinuousClock.Instant
            var finished: ContinuousClock.Instant
            var status: Int
            var message: String
        }
        async let checks: [Check] = withThrowingTaskGroup(of: [Check].self) { group in
            for _ in 0..<6 {
                group.addTask {
                    var seen: [Check] = []
                    while going() {
                        let started = clock.now
                        let reply = try await d.get("/v1/token", headers: [("X-Access-Token", token)])
                        seen.append(Check(started: started, finished: clock.now, status: reply.status,
                                          message: reply.json["message"]?.stringValue ?? ""))
                    }
                    return seen
                }
            }
            group.addTask {
                // Ingestion beside the checks, carrying the token the way gateways log it.
                var n = 0
                while going() {
                    let lines = (0..<10).map { #"{"connection_id":"\#(id)","method":"GET","url":"/orders?access_token=\#(token)","status":200,"request_headers":{"X-Access-Token":"\#(token)","Authorization":"Bearer \#(token)"},"request_id":"l\#(n)-\#($0)"}"# }
                    _ = try await d.ndjson("/v1/logs", lines)
                    n += 1
                }
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try await Task.sleep(for: .seconds(1))
        let block = try await d.post("/v1/connections/\(id)/block", "{}")
        let blockedAt = clock.now
        #expect(block.status == 200)
        try await Task.sleep(for: .seconds(1))
        // A check answered after the disconnect was sent may already see it.
        let disconnectSent = clock.now
        let disconnect = try await d.post("/v1/connections/\(id)/disconnect", "{}")
        let disconnectedAt = clock.now
        #expect(disconnect.status == 200)
        try await Task.sleep(for: .seconds(2))
        stop.set()
        let seen = try await checks
        let afterBlock = seen.filter { $0.started > blockedAt && $0.finished < disconnectSent }
        let afterDisconnect = seen.filter { $0.started > disconnectedAt }
        #expect(seen.filter { $0.started < blockedAt }.contains { $0.status == 200 })
        #expect(afterBlock.count > 20 && afterDisconnect.count > 20, "\(afterBlock.count) / \(afterDisconnect.count) checks")
        // Every check started after the block's answer is refused; those answered before
        // the disconnect was sent say why.
        #expect(seen.filter { $0.started > blockedAt }.allSatisfy { $0.status == 401 })
        #expect(afterBlock.allSatisfy { $0.message == "The connection has been blocked" },
                "\(afterBlock.filter { $0.message != "The connection has been blocked" }.prefix(5).map { ($0.status, $0.message) })")
        #expect(afterDisconnect.allSatisfy { $0.message == "The access token is invalid or the connection has been revoked" })

        // The plain token is nowhere on disk: journal, projections, keys, the daemon's log.
        #expect(d.stop() == 0)
        let needle = Array(token.utf8)
        var scanned = 0
        for path in try allFiles(under: d.dir.path) {
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            scanned += 1
            #expect(!contains([UInt8](bytes), needle), "the plain token is in \(path)")
        }
        #expect(scanned >= 8)
    }

    /// Under default settings another user cannot connect to the socket, even in a
    /// directory everyone may enter; with `--socket-mode 666` (the control) they can.
    @Test func anotherUserCannotReachTheSocket() async throws {
        let open = TemporaryDirectory("socket")
        chmod(open.path, 0o755)
        for (mode, reachable) in [(nil, false), ("666", true)] as [(String?, Bool)] {
            let socket = open.path + "/junction-\(mode ?? "default").sock"
            let d = try RunningDaemon(["--socket", socket] + (mode.map { ["--socket-mode", $0] } ?? []), socket: socket)
            let attributes = try FileManager.default.attributesOfItem(atPath: socket)
            #expect((attributes[.ownerAccountID] as? NSNumber)?.uint32Value == getuid())
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == (reachable ? 0o666 : 0o600))
            if getuid() == 0 {
                // As root the test can be another user for real: nobody.
                let asNobody = try run("/usr/bin/setpriv", [
                    "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/curl", "-s", "-o", "/dev/null",
                    "-w", "%{http_code}", "--unix-socket", socket, "http://localhost/health",
                ])
                #expect((asNobody.output == "200") == reachable, "nobody got \(asNobody.output) (exit \(asNobody.status))")
            }
            #expect(d.stop() == 0)
        }
    }

    /// What schemathesis found against docs/openapi.yaml stays fixed.
    @Test func inputsSchemathesisFoundAreAnsweredAsDocumented() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let connected = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(connected.json["connection_id"]?.stringValue)
        // Zones that are not IANA names (Foundation reads GMT+5 as UTC+5, IANA as UTC-5).
        for zone in ["PST", "GMT+5", "UTC+5"] {
            let reply = try await d.post("/v1/accounts", #"{"account_id":"z1","name":"Z","time_zone":"\#(zone)"}"#)
            #expect(reply.status == 422 && reply.json["errors"]?.arrayValue?.first?["field"] == .string("time_zone"), "\(zone): \(reply.text)")
        }
        #expect(try await d.post("/v1/accounts", #"{"account_id":"z2","name":"Z","time_zone":"Asia/Kolkata"}"#).status == 201)
        let twice = try await d.post("/v1/accounts", #"{"account_id":"d1","account_id":"d2","name":"N","time_zone":"UTC"}"#)
        #expect(twice.status == 422 && twice.text.contains("given twice"), "\(twice.text)")
        let port = try await d.post("/v1/apps", #"{"app_id":"p1","name":"P","level":"location","scope":"location[orders.read]","disconnect_callback_url":"https://example.com:99999/"}"#)
        #expect(port.status == 422, "\(port.text)")
        #expect(try await d.get("/v1/connections?account=3r4s3&account_level=TRUE").status == 422)
        #expect(try await d.get("/v1/connections?account=3r4s3&account_level=false").status == 200)
        // null is absent: the time defaults to now, the resource to the URL's.
        let nulls = try await d.post("/v1/logs", #"{"connection_id":"\#(id)","method":"GET","url":"/orders","status":200,"time":null,"resource":null}"#)
        #expect(nulls.status == 201, "\(nulls.text)")
        #expect(try await d.post("/v1/compact", #"{"body_days":null}"#).status == 200)
        // Times whose local day would not have a four-digit year are refused.
        let late = try await d.post("/v1/logs", #"{"connection_id":"\#(id)","method":"GET","url":"/x","status":200,"time":"9999-12-31T23:59:59Z"}"#)
        #expect(late.status == 422, "\(late.text)")
        let early = try await d.get("/v1/connections/\(id)/activity?now=0001-01-02T12:00:00Z&days=3660")
        #expect(early.status == 422, "\(early.text)")
        #expect(d.stop() == 0)
    }

    /// Pipelined, oversized and endless requests neither take the daemon down nor keep
    /// other clients waiting.
    @Test func pipelinedHugeAndEndlessRequestsDoNotStarveOthers() async throws {
        let d = try RunningDaemon()
        // 300 requests written at once on one connection: answered in order, or cut off,
        // while another client is served.
        let pipelined = Array(String(repeating: "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", count: 300).utf8)
        async let flood = Task.detached { rawExchange(socket: d.socket, pipelined, timeout: 3) }.value
        #expect(try await d.get("/health").status == 200)
        let answers = String(decoding: await flood, as: UTF8.self).components(separatedBy: "HTTP/1.1 200").count - 1
        #expect(answers >= 1)
        // A declared body of 10 GiB is refused before it is read.
        let huge = Array("POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 10737418240\r\n\r\n{\"connection_id\":\"".utf8)
        let refused = String(decoding: rawExchange(socket: d.socket, huge, timeout: 3), as: UTF8.self)
        #expect(refused.hasPrefix("HTTP/1.1 413"), "\(refused.prefix(200))")
        // A body that never ends, sent in chunks, is cut off at the limit.
        let endless = Task.detached {
            rawExchange(socket: d.socket, Array("POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                + Array(repeating: Array("10000\r\n".utf8) + [UInt8](repeating: 0x61, count: 0x10000) + Array("\r\n".utf8), count: 300).flatMap { $0 },
                timeout: 5)
        }
        #expect(try await d.get("/health").status == 200)
        #expect(String(decoding: await endless.value, as: UTF8.self).hasPrefix("HTTP/1.1 413"))
        #expect(try await d.get("/v1/status").status == 200)
        #expect(d.stop() == 0)
    }
}

/// Set once by a test's main flow to stop the load it runs beside.
private final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

private let faultLogger = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }

private func taggedRecord(_ tag: String) -> RecordBatch {
    var batch = RecordBatch()
    batch.append(Array(tag.utf8))
    return batch
}

private func allFiles(under root: String) throws -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    var out: [String] = []
    for case let path as String in walker {
        var isDirectory: ObjCBool = false
        let full = root + "/" + path
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
           !full.hasSuffix(".sock") {
            out.append(full)
        }
    }
    return out
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count, let first = needle.first else { return false }
    var i = 0
    while i <= haystack.count - needle.count {
        if haystack[i] == first, haystack[i..<i + needle.count].elementsEqual(needle) { return true }
        i += 1
    }
    return false
}

extension FileHandle {
    /// Reads until `count` bytes arrived or the stream ended.
    func availableDataOrWait(upTo count: Int) -> Data {
        var data = Data()
        while data.count < count {
            let chunk = availableData
            if chunk.isEmpty { break }
            data.append(chunk)
            if data.contains(UInt8(ascii: "\n")) { break }
        }
        return data
    }
}
