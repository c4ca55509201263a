import AsyncHTTPClient
import Events
import Foundation
import NATS
import NIOCore
import Projections
import Synchronization
import TestSupport
import Testing

/// The journal replicated through a real three-node NATS JetStream cluster: a follower
/// that is the writer's journal byte for byte, node and writer failures in sync mode, and
/// failover with fencing of the old writer.
@Suite(.serialized)
struct ReplicationTests {
    /// `junction tail` of a data directory: the journal as NDJSON, one event a line.
    static func tail(_ data: String) throws -> String {
        let r = try run(Executables.junction, ["tail", "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        return r.output
    }

    /// The last lines of a daemon's log that are not the projectors' progress.
    static func tailOfLog(_ path: String) -> String {
        let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").filter { !$0.contains("caught up") }
        return lines.suffix(15).joined(separator: "\n")
    }

    static func verify(_ data: String) throws {
        let r = try run(Executables.path("junction-replay"), ["verify", "--data", data])
        #expect(r.status == 0, "\(r.output)\(r.stderr)")
    }

    /// Waits until the follower has applied `head`.
    static func caughtUp(_ follower: RunningDaemon, to head: Int) async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let status = try await follower.get("/v1/status")
            if let applied = status.json["replication"]?["applied"]?.integerValue, applied >= head { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the follower did not reach \(head): \(try await follower.get("/v1/status").text)")
    }

    static func head(_ d: RunningDaemon) async throws -> Int {
        Int(try await d.get("/v1/status").json["journal"]?["head"]?.integerValue ?? -1)
    }

    /// POSTs one batch of log lines under an idempotency key.
    static func post(_ d: RunningDaemon, lines: [String], key: String, timeout: Duration = .seconds(60)) async throws -> RunningDaemon.Reply {
        try await d.request("POST", "/v1/logs", body: Array(lines.joined(separator: "\n").utf8), contentType: "application/x-ndjson",
                            headers: [("Idempotency-Key", key)], timeout: timeout)
    }

    static func lines(_ connection: String, batch: String, count: Int) -> [String] {
        (0..<count).map { #"{"connection_id":"\#(connection)","method":"GET","url":"/orders/\#(batch)-\#($0)","status":200}"# }
    }

    @Test func aFollowerHoldsTheWritersJournalByteForByte() async throws {
        let cluster = try await NATSCluster()
        let writer = try RunningDaemon(["--replicate", cluster.urls, "--compact-every-hours", "0"])
        let sample = try run(Executables.loadgen, ["--seed", "3", "--events", "2000", "--days", "30"])
        let imported = try await writer.request("POST", "/v1/events", body: sample.stdout, contentType: "application/x-ndjson")
        #expect(imported.status == 201, "\(imported.text)")
        let follower = try RunningDaemon(["--replicate", cluster.urls], initialize: false, command: "follow")
        try await registerSeed(writer)
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        // Concurrent ingestion, four clients.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<4 {
                group.addTask {
                    for batch in 0..<15 {
                        let reply = try await Self.post(writer, lines: Self.lines(id, batch: "\(client)-\(batch)", count: 25), key: "c\(client)-\(batch)")
                        #expect(reply.status == 201, "\(reply.text)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let head = try await Self.head(writer)
        // Every acknowledged entry exactly once. Beside them the writer's notifier may have
        // appended callback attempts (the sample has disconnections with callback URLs), at
        // times of its own: those are counted, not assumed absent.
        let journal = try Self.tail(writer.data).split(separator: "\n").prefix(head)
        let attempts = journal.filter { $0.contains(#""event":"callbackAttempted""#) }.count
        let entries = journal.filter { $0.contains(#""event":"requestLogged""#) && $0.contains(#""connection_id":"\#(id)""#) }
        let urls = Set(entries.compactMap { line in line.range(of: #""url":"[^"]*""#, options: .regularExpression).map { line[$0] } })
        #expect(entries.count == 4 * 15 * 25 && urls.count == entries.count, "\(entries.count) entries, \(urls.count) distinct")
        #expect(head == 2000 + 5 + 4 * 15 * 25 + attempts, "head \(head), \(attempts) callback attempts")
        // The notifier may append at any time (a run of the suite saw shipped one past the
        // head read just before), so shipped is compared with the head of the same answer,
        // once no append is in flight.
        var shipping = try await writer.get("/v1/status")
        for _ in 0..<100 {
            let journalHead = shipping.json["journal"]?["head"]?.integerValue
            if journalHead != nil, shipping.json["replication"]?["shipped"]?.integerValue == journalHead { break }
            try await Task.sleep(for: .milliseconds(20))
            shipping = try await writer.get("/v1/status")
        }
        #expect(shipping.json["replication"]?["mode"]?.stringValue == "sync")
        #expect(shipping.json["replication"]?["shipped"]?.integerValue == shipping.json["journal"]?["head"]?.integerValue, "\(shipping.text)")
        #expect((shipping.json["journal"]?["head"]?.integerValue ?? 0) >= Int64(head), "\(shipping.text)")
        let metrics = try await writer.get("/metrics")
        #expect(metrics.text.contains("junction_replication_lag_events 0"), "\(metrics.text.suffix(800))")
        #expect(metrics.text.contains("junction_replication_lag_seconds"), "\(metrics.text.suffix(800))")
        try await Self.caughtUp(follower, to: head)

        // Writes to the follower are refused, naming the writer; reads are answered.
        let refused = try await follower.post("/v1/accounts", #"{"account_id":"zz","name":"Z","time_zone":"UTC"}"#)
        #expect(refused.status == 503 && refused.text.contains(writer.socket), "\(refused.text)")
        let logs = try await follower.get("/v1/connections/\(id)/logs?after=\(head)&limit=5")
        #expect(logs.status == 200 && logs.json["entries"]?.arrayValue?.count == 5, "\(logs.text)")

        // The writer's notifier may append callback attempts meanwhile (the sample has
        // disconnections with callback URLs): the follower holds a prefix of its journal,
        // at least through `head`.
        // The follower's first: whatever the writer appends in between, its journal then
        // holds at least the lines the follower had.
        let followerLines = try Self.tail(follower.data).split(separator: "\n")
        let writerTail = try Self.tail(writer.data)
        #expect(followerLines.count >= head)
        #expect(Array(writerTail.split(separator: "\n").prefix(followerLines.count)) == followerLines,
                "the follower's journal is not the writer's")

        // Compaction on the writer: the follower's projections still equal a replay of
        // its journal, and answer what the writer's answer.
        let compacted = try await writer.post("/v1/compact", #"{"now":"2027-01-15T00:00:00Z","body_days":15,"log_days":40}"#)
        #expect(compacted.status == 200, "\(compacted.text)")
        let after = try await Self.head(writer)
        try await Self.caughtUp(follower, to: after)
        for path in ["/v1/connections?status=all", "/v1/connections/\(id)/activity", "/v1/connections/\(id)/logs?limit=20"] {
            let mine = try await writer.get(path + (path.contains("?") ? "&" : "?") + "after=\(after)")
            let theirs = try await follower.get(path + (path.contains("?") ? "&" : "?") + "after=\(after)")
            #expect(mine.status == 200 && mine.text == theirs.text, "\(path): \(mine.text.prefix(300)) vs \(theirs.text.prefix(300))")
        }
        // An online backup of the writer, and a second follower started from it: it reads
        // the stream from the backup's head on.
        let restored = try RunningDaemon(["--replicate", cluster.urls], initialize: false, command: "follow") { data in
            let backup = try run(Executables.junction, ["backup", "--data", writer.data, data])
            #expect(backup.status == 0, "\(backup.output)\(backup.stderr)")
            let copied = (try? JSONParser.parse(backup.stdout))?["journal_head"]?.integerValue ?? 0
            #expect(copied >= Int64(after), "\(backup.output)")
        }
        let more = try await Self.post(writer, lines: Self.lines(id, batch: "after-backup", count: 10), key: "after-backup")
        #expect(more.status == 201, "\(more.text)")
        // The writer first, so that nothing (a callback attempt) comes after its last head.
        #expect(writer.stop() == 0)
        let lastLine = try Self.tail(writer.data).split(separator: "\n").last.map { Array($0.utf8) } ?? []
        let final = Int((try JSONParser.parse(lastLine))["seq"]?.integerValue ?? 0)
        try await Self.caughtUp(restored, to: final)
        try await Self.caughtUp(follower, to: final)
        #expect(restored.stop() == 0)
        #expect(follower.stop() == 0)
        #expect(try Self.tail(restored.data) == (try Self.tail(writer.data)), "the follower started from a backup is not the writer")
        // The follower repeated the compaction from its marker: the same bytes again.
        let compactedTail = try Self.tail(writer.data)
        #expect(compactedTail != writerTail, "the compaction changed nothing to compare")
        let followerTail = try Self.tail(follower.data)
        if followerTail != compactedTail {
            let lines = zip(compactedTail.split(separator: "\n"), followerTail.split(separator: "\n")).first { $0 != $1 }
            Issue.record("the follower's journal is not the writer's after a compaction; first difference:\n\(lines.map { "\($0.0)\n\($0.1)" } ?? "in length")")
        }
        try Self.verify(writer.data)
        try Self.verify(follower.data)
    }

    /// A follower whose projectors are behind when a compaction's marker arrives repeats
    /// the compaction only once they have applied what it rewrites: otherwise they would
    /// read the roll-up of requests they had counted already and count them twice.
    @Test func aFollowerRepeatsACompactionOnlyAfterItsProjectorsApplyWhatItRewrites() async throws {
        let cluster = try await NATSCluster()
        let writer = try RunningDaemon(["--replicate", cluster.urls, "--compact-every-hours", "0"])
        // A follower waits for the writer's first event before it serves.
        try await registerSeed(writer)
        let follower = try RunningDaemon(["--replicate", cluster.urls], initialize: false, command: "follow")
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        #expect(try await Self.post(writer, lines: Self.lines(id, batch: "seen", count: 25), key: "seen").status == 201)
        let seen = try await Self.head(writer)
        try await Self.caughtUp(follower, to: seen)
        #expect(try await follower.get("/v1/connections/\(id)/activity?after=\(seen)").status == 200)

        // The follower's projectors stop where they are; the writer takes more requests and
        // rolls every one of them up.
        let children = (try await follower.get("/v1/status").json["projections"]?.arrayValue ?? []).compactMap { $0["pid"]?.integerValue }
        #expect(children.count == ProjectionCatalog.all.count)
        for pid in children { kill(pid_t(pid), SIGSTOP) }
        var stopped = true
        defer { if stopped { for pid in children { kill(pid_t(pid), SIGCONT) } } }
        #expect(try await Self.post(writer, lines: Self.lines(id, batch: "unseen", count: 30), key: "unseen").status == 201)
        let compacted = try await writer.post("/v1/compact", #"{"now":"2027-03-01T00:00:00Z","log_days":1}"#)
        #expect(compacted.status == 200, "\(compacted.text)")
        #expect(compacted.json["requests_rolled_up"]?.integerValue == 55, "\(compacted.text)")
        let marker = try await Self.head(writer)
        // The follower holds everything before the marker, not the marker.
        try await Self.caughtUp(follower, to: marker - 1)
        try await Task.sleep(for: .milliseconds(500))
        let waiting = try await follower.get("/v1/status")
        #expect(waiting.json["replication"]?["applied"]?.integerValue == Int64(marker - 1), "\(waiting.text)")

        for pid in children { kill(pid_t(pid), SIGCONT) }
        stopped = false
        try await Self.caughtUp(follower, to: marker)
        let path = "/v1/connections/\(id)/activity?after=\(marker)"
        let mine = try await writer.get(path)
        let theirs = try await follower.get(path)
        #expect(mine.status == 200 && mine.text == theirs.text, "\(mine.text.prefix(400)) vs \(theirs.text.prefix(400))")
        #expect(writer.stop() == 0)
        #expect(follower.stop() == 0)
        #expect(try Self.tail(follower.data) == (try Self.tail(writer.data)))
        try Self.verify(follower.data)
    }

    /// A stream written by an earlier Junction, one message per event (no
    /// `Junction-Layout` header), is refused by a writer of its journal and by a new
    /// follower, both saying how to move on; nothing is written to it.
    @Test func aStreamOfOneMessagePerEventIsRefusedWithHowToMoveOn() async throws {
        let cluster = try await NATSCluster()
        let dir = TemporaryDirectory("old-layout")
        let data = dir.path + "/writer"
        let initialized = try run(Executables.junction, ["init", "--data", data])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        let stat = try run(Executables.junction, ["stat", "--data", data, "--json"])
        let journalID = try #require((try? JSONParser.parse(stat.stdout))?["journal_id"]?.stringValue, "\(stat.output)")
        let stream = try NATSConnection(servers: cluster.urls.split(separator: ",").map(String.init), name: "test").jetStream()
        _ = try stream.ensureStream(.init(name: "JUNCTION", subjects: ["junction.journal"]))
        let published = try stream.publish { queue in
            for seq: UInt64 in 1...3 {
                try [UInt8](repeating: 1, count: 20).withUnsafeBytes { data in
                    try queue.append(subject: "junction.journal", data: data,
                                     headers: [("Junction-Journal", journalID), ("Junction-Epoch", "old"), ("Junction-Batch", "\(seq)-\(seq)")],
                                     messageID: "\(journalID):\(seq)", expectedLastSequence: seq > 1 ? seq - 1 : nil)
                }
            }
        }
        #expect(published.lastSequence == 3)
        let writer = try run(Executables.junction, ["serve", "--data", data, "--replicate", cluster.urls, "--compact-every-hours", "0"])
        #expect(writer.status != 0)
        #expect(writer.stderr.contains("one message per event") && writer.stderr.contains("nats stream rm JUNCTION"), "\(writer.stderr)")
        let follower = try run(Executables.junction, ["follow", "--data", dir.path + "/follower", "--replicate", cluster.urls])
        #expect(follower.status != 0)
        #expect(follower.stderr.contains("one message per event"), "\(follower.stderr)")
        #expect(try stream.streamState("JUNCTION").lastSequence == 3)
    }

    /// A stream with an age limit (`--replicate-max-age-seconds`): once its first events
    /// aged out, a follower from a fresh directory is refused (it needs event 1), and so is
    /// one from a backup older than what the stream holds, each saying to start from a
    /// newer backup; a follower from a newer backup catches up from the stream and holds
    /// the writer's journal byte for byte.
    @Test func aBoundedStreamAndFollowersFromBackups() async throws {
        let cluster = try await NATSCluster()
        let writer = try RunningDaemon(["--replicate", cluster.urls, "--compact-every-hours", "0", "--replicate-max-age-seconds", "3"])
        try await registerSeed(writer)
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        #expect(try await Self.post(writer, lines: Self.lines(id, batch: "early", count: 10), key: "early").status == 201)
        let backups = TemporaryDirectory("backups")
        func backup(_ name: String) throws -> String {
            let dest = backups.path + "/" + name
            let r = try run(Executables.junction, ["backup", "--data", writer.data, dest])
            #expect(r.status == 0, "\(r.output)\(r.stderr)")
            return dest
        }
        let old = try backup("old")
        // What comes after that copy, and everything before, ages out of the stream; then
        // more is written, and backed up.
        #expect(try await Self.post(writer, lines: Self.lines(id, batch: "aged", count: 10), key: "aged").status == 201)
        try await Task.sleep(for: .seconds(4))
        let urls = cluster.urls.split(separator: ",").map(String.init)
        let stream = try NATSConnection(servers: urls, name: "test").jetStream()
        let aged = try stream.streamState("JUNCTION")
        #expect(aged.messages == 0 && aged.lastSequence > 0, "\(aged)")
        #expect(try await Self.post(writer, lines: Self.lines(id, batch: "middle", count: 10), key: "middle").status == 201)
        let recent = try backup("recent")
        #expect(try await Self.post(writer, lines: Self.lines(id, batch: "late", count: 10), key: "late").status == 201)

        let fresh = try Self.runBriefly(["follow", "--data", backups.path + "/fresh", "--replicate", cluster.urls])
        #expect(fresh.status != 0 && fresh.stderr.contains("start this follower from a backup"), "\(fresh.stderr)")
        let tooOld = try Self.runBriefly(["follow", "--data", old, "--replicate", cluster.urls, "--socket", old + "/f.sock"])
        #expect(tooOld.status != 0 && tooOld.stderr.contains("newer backup"), "\(tooOld.stderr)")

        let follower = try RunningDaemon(["--replicate", cluster.urls], initialize: false, command: "follow") { data in
            try? FileManager.default.removeItem(atPath: data)
            try FileManager.default.moveItem(atPath: recent, toPath: data)
        }
        let head = try await Self.head(writer)
        try await Self.caughtUp(follower, to: head)
        #expect(writer.stop() == 0)
        #expect(follower.stop() == 0)
        #expect(try Self.tail(follower.data) == (try Self.tail(writer.data)), "the follower from the backup is not the writer")
    }

    /// `junction ARGUMENTS`, which is expected to stop by itself: its status and standard
    /// error, or (status -1) killed after 30 seconds.
    static func runBriefly(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Executables.junction)
        p.arguments = arguments
        let stderr = Pipe()
        p.standardError = stderr
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            return (-1, "still running after 30 s: " + String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        return (p.terminationStatus, String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// A writer started while the cluster cannot place its stream yet (two of the three
    /// nodes up, and the stream wants three replicas) waits for the cluster instead of
    /// failing, then writes and ships.
    @Test func aWriterWaitsForTheClusterToForm() async throws {
        let cluster = try await NATSCluster(started: 2)
        // The third node comes up while the writer is starting.
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) { try? cluster.restart(2) }
        let writer = try RunningDaemon(["--replicate", cluster.urls, "--compact-every-hours", "0"])
        let log = try String(contentsOfFile: writer.log, encoding: .utf8)
        #expect(log.contains("cannot place the stream yet"), "\(Self.tailOfLog(writer.log))")
        try await registerSeed(writer)
        let head = try await Self.head(writer)
        let status = try await writer.get("/v1/status")
        #expect(head > 0 && status.json["replication"]?["shipped"]?.integerValue == Int64(head), "\(status.text)")
    }

    /// What the ingesting client saw: the batches acknowledged, by key.
    final class Acknowledged: Sendable {
        let keys = Mutex<[String]>([])
    }

    @Test func syncReplicationLosesNothingAcknowledgedThroughANodeKillAndAFailover() async throws {
        let cluster = try await NATSCluster()
        let writer = try RunningDaemon(["--replicate", cluster.urls, "--compact-every-hours", "0"])
        try await registerSeed(writer)
        let follower = try RunningDaemon(["--replicate", cluster.urls], initialize: false, command: "follow")
        let before = try await follower.get("/v1/status")
        #expect(before.json["notifier"] == nil, "a follower runs no notifier: \(before.text)")
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let acknowledged = Acknowledged()
        let target = Atomic<Int>(0)  // 0: the writer, 1: the follower (once promoted)
        let batches = 120
        let ingestion = Task {
            let deadline = Date().addingTimeInterval(120)
            for batch in 0..<batches {
                let key = "b\(batch)"
                // Retried with the same key until acknowledged, against whoever writes.
                while Date() < deadline {
                    let d = target.load(ordering: .sequentiallyConsistent) == 0 ? writer : follower
                    if let reply = try? await Self.post(d, lines: Self.lines(id, batch: key, count: 20), key: key), reply.status == 201 {
                        acknowledged.keys.withLock { $0.append(key) }
                        break
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                    if Task.isCancelled { return }
                }
            }
        }
        while acknowledged.keys.withLock({ $0.count }) < 30 { try await Task.sleep(for: .milliseconds(20)) }
        // One node of three dies: the stream keeps its quorum, ingestion goes on.
        cluster.kill(2)
        let atKill = acknowledged.keys.withLock { $0.count }
        let deadline = Date().addingTimeInterval(30)
        while acknowledged.keys.withLock({ $0.count }) < atKill + 30, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(acknowledged.keys.withLock { $0.count } >= atKill + 30, "ingestion stalled after a NATS node was killed: \(Self.tailOfLog(writer.log))")
        // The writer dies mid-ingestion; the follower is promoted and the client goes on there.
        kill(writer.process.processIdentifier, SIGKILL)
        writer.process.waitUntilExit()
        // The follower may need a while to find the stream again if its consumer went with
        // the killed node.
        let promoted = try run(Executables.junction, ["promote", "--data", follower.data, "--wait-seconds", "90"])
        #expect(promoted.status == 0, "\(promoted.output)\(promoted.stderr)")
        if promoted.status != 0 { ingestion.cancel() }
        target.store(1, ordering: .sequentiallyConsistent)
        await ingestion.value
        #expect(acknowledged.keys.withLock { $0.count } == batches)

        // Every acknowledged batch is there exactly once, and the journal is gapless.
        let events = try Self.tail(follower.data).split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
        let seqs = events.compactMap { $0["seq"]?.integerValue }
        #expect(seqs == Array(1...Int64(seqs.count)), "the journal has gaps or is out of order")
        var perBatch: [String: Int] = [:]
        for e in events where e["event"]?.stringValue == "requestLogged" {
            let url = e["url"]?.stringValue ?? ""
            let batch = url.dropFirst("/orders/".count).split(separator: "-").first.map(String.init) ?? ""
            perBatch[batch, default: 0] += 1
        }
        for key in acknowledged.keys.withLock({ $0 }) {
            #expect(perBatch[key] == 20, "batch \(key): \(perBatch[key] ?? 0) of its 20 entries")
        }
        var status = try await follower.get("/v1/status")
        #expect(status.json["replication"]?["role"]?.stringValue == "writer", "\(status.text)")
        // The promoted writer delivers disconnect callbacks: it runs the notifier now.
        let notifierDeadline = Date().addingTimeInterval(20)
        while status.json["notifier"]?["state"]?.stringValue != "running", Date() < notifierDeadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await follower.get("/v1/status")
        }
        #expect(status.json["notifier"]?["state"]?.stringValue == "running", "\(status.text)")

        // The old writer, started again, finds it was replaced and refuses to write.
        let old = try run(Executables.junction, ["serve", "--data", writer.data, "--replicate", cluster.urls, "--compact-every-hours", "0"])
        #expect(old.status != 0)
        #expect(old.stderr.contains("another writer"), "\(old.stderr)")
        #expect(follower.stop() == 0)
        try Self.verify(follower.data)
    }

    /// Alerts across a failover: the follower replicates the open alert; promoted, its
    /// watcher raises no second one, and resolves the first when the connection recovers.
    @Test func aPromotedFollowerNeitherRepeatsNorForgetsAnOpenAlert() async throws {
        let cluster = try await NATSCluster()
        let writer = try RunningDaemon(["--replicate", cluster.urls, "--compact-every-hours", "0", "--alert-sweep-seconds", "1"])
        try await registerSeed(writer)
        let web = freeLoopbackPort()
        let follower = try RunningDaemon(["--replicate", cluster.urls, "--alert-sweep-seconds", "1", "--web", "127.0.0.1:\(web)"],
                                         initialize: false, command: "follow")
        // A load balancer's checks: /health says the role, /health/writer is 200 on the writer only
        // (the socket and the follower's back office alike).
        #expect(try await writer.get("/health/writer").status == 200)
        let followerHealth = try await follower.get("/health")
        #expect(followerHealth.json["role"]?.stringValue == "follower" && followerHealth.json["takes_writes"] == .bool(false), "\(followerHealth.text)")
        let notWriter = try await follower.get("/health/writer")
        #expect(notWriter.status == 503 && notWriter.header("Retry-After") == "1" && notWriter.json["error_type"] != nil, "\(notWriter.text)")
        #expect(try await GatewayTests.call("http://127.0.0.1:\(web)/health/writer").status == 503)
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        func calls(_ status: Int, _ count: Int) -> [String] {
            (0..<count).map { #"{"connection_id":"\#(id)","method":"GET","url":"/orders/\#($0)","status":\#(status)}"# }
        }
        #expect(try await Self.post(writer, lines: calls(503, 5), key: "failing").status == 201)
        func alerts(_ d: RunningDaemon, open: Bool = false) async throws -> [JSONValue] {
            try await d.get("/v1/alerts?account=3r4s3" + (open ? "&open=1" : "")).json["alerts"]?.arrayValue ?? []
        }
        var deadline = Date().addingTimeInterval(15)
        while try await alerts(writer, open: true).count != 1, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let raised = try await alerts(writer, open: true)
        #expect(raised.count == 1, "no alert on the writer: \(Self.tailOfLog(writer.log))")
        try await Self.caughtUp(follower, to: try await Self.head(writer))
        // The follower's own projections hold it; its watcher decided nothing (it does not write).
        deadline = Date().addingTimeInterval(15)
        while try await alerts(follower, open: true).count != 1, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await alerts(follower, open: true).map { $0["alert_id"] } == raised.map { $0["alert_id"] })
        kill(writer.process.processIdentifier, SIGKILL)
        writer.process.waitUntilExit()
        let promoted = try run(Executables.junction, ["promote", "--data", follower.data, "--wait-seconds", "90"])
        #expect(promoted.status == 0, "\(promoted.output)\(promoted.stderr)")
        #expect(try await follower.get("/health/writer").status == 200)
        #expect(try await GatewayTests.call("http://127.0.0.1:\(web)/health/writer").status == 200)
        #expect(try await follower.get("/health").json["role"]?.stringValue == "writer")
        // Several sweeps of the promoted node's watcher: the connection is still failing, and
        // its alert is open already.
        try await Task.sleep(for: .seconds(3))
        let afterPromotion = try await alerts(follower)
        #expect(afterPromotion.count == 1, "\(afterPromotion)")
        // The connection recovers: the promoted writer resolves the replicated alert.
        #expect(try await Self.post(follower, lines: calls(200, 1), key: "recovered").status == 201)
        deadline = Date().addingTimeInterval(15)
        while try await alerts(follower, open: true).count != 0, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let all = try await alerts(follower)
        #expect(all.count == 1 && all.first?["resolved_state"]?.stringValue == "ok", "\(all)")
        let kinds = try Self.tail(follower.data).split(separator: "\n").compactMap { try JSONParser.parse(Array($0.utf8))["event"]?.stringValue }
        #expect(kinds.filter { $0 == "alertRaised" }.count == 1 && kinds.filter { $0 == "alertResolved" }.count == 1)
        #expect(follower.stop() == 0)
    }
}
