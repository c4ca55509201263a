import Events
import Foundation
import Journal
import Projections
import TestSupport
import Testing

/// Copies a stopped data directory (journal, projections, key).
func copyDataDirectory(_ from: String, _ to: String) throws {
    try FileManager.default.copyItem(atPath: from, toPath: to)
    try? FileManager.default.removeItem(atPath: to + "/LOCK")
}

/// The journal's records other than the cutoffs compaction appends (a run killed just
/// after appending them appends them again when restarted).
func recordsWithoutMarkers(_ data: String) throws -> [UInt64: [UInt8]] {
    let journal = try DataDirectory(data).openJournalForReading(logger: quiet)
    defer { journal.close() }
    var out: [UInt64: [UInt8]] = [:]
    try journal.scan { seq, bytes in
        if try BinaryEventCodec.header(of: bytes).kind != Event.Kind.retentionApplied.rawValue { out[seq] = Array(bytes) }
        return true
    }
    return out
}

@Suite(.serialized)
struct CompactionProcessTests {
    static let end = "2026-11-29T00:00:00Z"

    /// A 90-day loadgen journal with bodies.
    static func sample(_ dir: TemporaryDirectory, events: Int = 12_000) throws -> String {
        let data = try initialized(dir)
        let sample = try run(Executables.loadgen, ["--seed", "4", "--events", "\(events)", "--days", "90", "--end", end])
        #expect(try run(Executables.junction, ["append", "--data", data], input: sample.stdout).status == 0)
        return data
    }

    @Test func compactionKilledAtRandomEndsAsOneUninterruptedRun() throws {
        let dir = TemporaryDirectory("compact-kill")
        // Enough work that the kills land inside it on a fast machine too: 12,000 events in
        // chunks of 40 took 0.3 s on one, and only 6 of 20 runs were still at work when
        // killed; 24,000 in chunks of 10 take about 1 s there.
        let base = try Self.sample(dir, events: 24_000)
        // Bring the projections up to date once, so every run may compact everything.
        #expect(try run(Executables.junction, ["connections", "--data", base]).status == 0)
        let whole = dir.path + "/whole"
        let killed = dir.path + "/killed"
        try copyDataDirectory(base, whole)
        try copyDataDirectory(base, killed)
        // Small transactions: many moments to be killed in.
        let args = ["--now", Self.end, "--body-days", "10", "--log-days", "30", "--disconnected-days", "20", "--chunk", "10"]
        let started = ContinuousClock.now
        let once = try run(Executables.junction, ["compact", "--data", whole] + args)
        #expect(once.status == 0, "\(once.stderr)")
        // Kills spread over the first part of what one whole run takes: each killed run
        // leaves less to do, and a kill after the work is done tests nothing.
        let oneRun = ContinuousClock.now - started
        let oneRunSeconds = Double(oneRun.components.seconds) + Double(oneRun.components.attoseconds) / 1e18
        let latest = min(0.25, max(0.03, oneRunSeconds / 8))
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        var kills = 0
        for _ in 0..<20 {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: Executables.junction)
            child.arguments = ["compact", "--data", killed] + args
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0.01...latest, using: &rng))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            if child.terminationReason == .uncaughtSignal { kills += 1 }
        }
        print("compaction: \(kills) of 20 runs killed, one whole run \(oneRun)")
        #expect(kills >= 10, "seed \(seed): compaction finished before it could be killed: \(kills) kills (one run: \(oneRun))")
        let last = try run(Executables.junction, ["compact", "--data", killed] + args)
        #expect(last.status == 0, "\(last.stderr)")
        let a = try recordsWithoutMarkers(whole)
        let b = try recordsWithoutMarkers(killed)
        #expect(a.count == b.count && a == b, "the killed runs left another journal than one run")
        let verify = try run(Executables.path("junction-replay"), ["verify", "--data", killed])
        #expect(verify.status == 0, "\(verify.output)")
    }

    @Test func compactionFreesMostOfTheExpiredBodiesAndTheCopyShrinks() throws {
        let dir = TemporaryDirectory("compact-bytes")
        let data = try Self.sample(dir)
        let cutoff = RetentionPolicy().cutoffs(at: Timestamp(rfc3339: Self.end)!).bodiesBefore
        var expiredBodyBytes = 0
        do {
            let journal = try DataDirectory(data).openJournalForReading(logger: quiet)
            try journal.scan { _, bytes in
                let event = try BinaryEventCodec.decode(bytes, bodies: .skip)
                if case .requestLogged(let r) = event.payload, event.time < cutoff { expiredBodyBytes += r.requestBodyLength + r.responseBodyLength }
                return true
            }
            journal.close()
        }
        #expect(expiredBodyBytes > 1_000_000)
        let copy = dir.path + "/copy"
        let compacted = try run(Executables.junction, ["compact", "--data", data, "--now", Self.end, "--copy", copy, "--json"])
        #expect(compacted.status == 0, "\(compacted.stderr)")
        let report = try JSONParser.parse(Array(compacted.stdout.prefix { $0 != 10 }))
        let freed = Int(report["bytes_freed"]?.integerValue ?? 0)
        #expect(Double(freed) >= 0.8 * Double(expiredBodyBytes), "freed \(freed) of \(expiredBodyBytes) expired body bytes")
        let size = { (p: String) in (try FileManager.default.attributesOfItem(atPath: p)[.size] as! NSNumber).intValue }
        let original = try size(data + "/journal/data.mdb")
        let copied = try size(copy + "/journal/data.mdb")
        #expect(Double(original - copied) >= 0.8 * Double(expiredBodyBytes), "copy \(copied) vs original \(original)")
        // The copy is a working data directory.
        let stat = try run(Executables.junction, ["connections", "--data", copy, "--all"])
        #expect(stat.status == 0, "\(stat.stderr)")
        let verify = try run(Executables.path("junction-replay"), ["verify", "--data", data])
        #expect(verify.status == 0, "\(verify.output)")
    }

    /// A daemon can stop after answering a compaction and before its projectors apply the
    /// marker: the live projections then hold events as they were before the rewrite, and
    /// verify compares them as they will be once caught up, leaving them as they are.
    @Test func verifyComparesAProjectionBehindACompactionAsItWillBe() async throws {
        let dir = TemporaryDirectory("verify-behind")
        let data = try Self.sample(dir, events: 3000)
        #expect(try run(Executables.junction, ["connections", "--data", data]).status == 0)
        let head: UInt64
        do {
            let journal = try DataDirectory(data).openJournalForWriting(purpose: "the test's compaction", logger: quiet)
            defer { journal.close() }
            let reached = try journal.head
            let report = try await Compaction.run(
                journal: journal, projectors: .running(slowestCheckpoint: { _, _ in reached }, patience: .zero),
                policy: RetentionPolicy(bodyDays: 10, logDays: 30, disconnectedDays: 20, tombstoneDays: 365),
                now: Timestamp(rfc3339: Self.end)!, logger: quiet)
            #expect(report.requestsRolledUp > 0 && report.bodiesExpired > 0, "\(report)")
            head = reached
        }
        let verify = try run(Executables.path("junction-replay"), ["verify", "--data", data])
        #expect(verify.status == 0, "\(verify.output)\(verify.stderr)")
        for name in ProjectionCatalog.names {
            #expect(verify.output.contains("\(name): identical to a replay up to event \(head + 1) (its projector was at \(head)"),
                    "\(verify.output)")
            let store = try ProjectionStore(try #require(ProjectionCatalog.type(named: name)), at: DataDirectory(data).projectionPath(name), readOnly: true)
            #expect(try store.checkpoint() == head, "verify wrote to the live \(name) projection")
        }
    }

    @Test func theDaemonCompactsOnRequestWhileIngestionGoesOn() async throws {
        let d = try RunningDaemon(["--compact-every-hours", "0"])
        try await registerSeed(d)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = c.json["connection_id"]?.stringValue ?? ""
        // Old traffic to compact, then fresh traffic during the compaction.
        let old = (0..<2000).map { i in
            #"{"connection_id":"\#(id)","time":"2026-0\#(1 + i % 6)-1\#(i % 10)T12:00:00Z","method":"POST","url":"/orders","status":201,"request_body":"\#(String(repeating: "o", count: 500))"}"#
        }
        #expect(try await d.ndjson("/v1/logs", old).status == 201)
        let ingest = Task {
            var acknowledged = 0
            for batch in 0..<40 {
                let lines = (0..<25).map { #"{"connection_id":"\#(id)","method":"GET","url":"/orders/\#(batch)-\#($0)","status":200}"# }
                if try await d.ndjson("/v1/logs", lines).status == 201 { acknowledged += 25 }
            }
            return acknowledged
        }
        let compacted = try await d.post("/v1/compact", #"{"now":"2026-11-29T00:00:00Z"}"#)
        #expect(compacted.status == 200, "\(compacted.text)")
        #expect((compacted.json["requests_rolled_up"]?.integerValue ?? 0) > 0 || (compacted.json["bodies_expired"]?.integerValue ?? 0) > 0)
        let acknowledged = try await ingest.value
        #expect(acknowledged == 1000)
        // Up to the current local day: the fresh requests are timed now, and a fixed `now`
        // leaves them out once the location's day has moved past it.
        let activity = try await d.get("/v1/connections/\(id)/activity?days=3660&after=head")
        // Every request still counts, old ones through their day roll-ups.
        #expect(activity.json["total"]?.integerValue ?? 0 >= 3000, "\(activity.text)")
        #expect(d.stop() == 0)
    }
}
