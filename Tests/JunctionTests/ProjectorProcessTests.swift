import Events
import Foundation
import Journal
import Projections
import TestSupport
import Testing

/// Starts a program with its output discarded.
func start(_ executable: String, _ arguments: [String]) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    return p
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}

struct ProjectorProcessTests {
    @Test func projectorsKilledAtRandomWhileTheJournalGrowsEndAsOneReplay() throws {
        let dir = TemporaryDirectory("projector-kill")
        let data = try initialized(dir)
        let chaosConnection = #"{"event":"connectionCreated","time":"2026-11-01T09:03:00Z","connection_id":"chaos","app_id":"pos1","account_id":"3r4s3","location_id":"3r4s3-1","device_id":"caisse-2","scope":"location[orders.write]","token_digest":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","token_hint":"beef"}"#
        #expect(try run(Executables.junction, ["append", "--data", data], input: lines(sampleLines + [chaosConnection])).status == 0)
        let appender = try start(Executables.chaos, ["append-loop", "--data", data, "--run", "grow", "--batch", "25", "--body-bytes", "300", "--batches", "1500"])
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        var kills: [String: Int] = [:]
        // Each projector killed 22 times, every one while the journal grows.
        for round in 0..<(22 * ProjectionCatalog.names.count) {
            let name = ProjectionCatalog.names[round % ProjectionCatalog.names.count]
            let projector = try start(Executables.junction, ["project", name, "--data", data])
            Thread.sleep(forTimeInterval: Double.random(in: 0.02...0.25, using: &rng))
            kill(projector.processIdentifier, SIGKILL)
            projector.waitUntilExit()
            if projector.terminationReason == .uncaughtSignal { kills[name, default: 0] += 1 }
        }
        appender.terminate()
        appender.waitUntilExit()
        for name in ProjectionCatalog.names { #expect(kills[name, default: 0] >= 20, "\(name) killed \(kills[name, default: 0]) times") }

        let journal = try DataDirectory(data).openJournalForReading(logger: quiet)
        defer { journal.close() }
        let head = try journal.head
        #expect(head > 500, "the journal barely grew")
        // Let each projector finish the job, then stop it with SIGTERM: it must stop cleanly.
        for name in ProjectionCatalog.names {
            let projector = Process()
            projector.executableURL = URL(fileURLWithPath: Executables.junction)
            projector.arguments = ["project", name, "--data", data, "--log-level", "info"]
            let pipe = Pipe()
            projector.standardError = pipe
            let started = LineCounter()
            pipe.fileHandleForReading.readabilityHandler = { handle in
                if String(decoding: handle.availableData, as: UTF8.self).contains("projector started") { started.add(Data([10])) }
            }
            try projector.run()
            let store = try ProjectionStore(ProjectionCatalog.type(named: name)!, at: DataDirectory(data).projectionPath(name), readOnly: true)
            #expect(eventually(within: 30) { started.count > 0 }, "\(name) did not start")
            #expect(try eventually(within: 60) { try store.checkpoint() == head }, "\(name) did not catch up")
            projector.terminate()
            projector.waitUntilExit()
            #expect(projector.terminationReason == .exit && projector.terminationStatus == 0, "\(name) did not stop cleanly")
        }
        let verify = try run(Executables.path("junction-replay"), ["verify", "--data", data])
        #expect(verify.status == 0, "\(verify.output)\(verify.stderr)")
        #expect(verify.output.split(separator: "\n").count == ProjectionCatalog.all.count)
        #expect(verify.output.split(separator: "\n").allSatisfy { $0.hasSuffix("identical to a replay up to event \(head)") })
        // No request counted twice, none missed: the counters agree with the journal.
        var chaosRequests: UInt64 = 0
        try journal.scan { _, bytes in
            if case .requestLogged(let r) = try BinaryEventCodec.decode(bytes).payload, r.connectionID == "chaos" { chaosRequests += 1 }
            return true
        }
        let queries = try Queries(data: DataDirectory(data), logger: quiet)
        #expect(try queries.connection("chaos").record.requestCount == chaosRequests)
        let total = try queries.activity("chaos", days: 3660, now: Timestamp(seconds: 1_796_100_000)).total
        #expect(total == chaosRequests)
        var paged: UInt64 = 0
        var cursor: String?
        repeat {
            let page = try queries.logs("chaos", limit: 1000, cursor: cursor)
            paged += UInt64(page.entries.count)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(paged == chaosRequests)
    }

    @Test func theCommandLineAnswersFromProjections() throws {
        let dir = TemporaryDirectory("cli-queries")
        let data = try initialized(dir)
        #expect(try run(Executables.junction, ["append", "--data", data], input: lines(sampleLines)).status == 0)
        let list = try run(Executables.junction, ["connections", "--data", data, "--location", "3r4s3-1"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.output.contains("Caisse Pro"))
        let logs = try run(Executables.junction, ["logs", "c1", "--data", data, "--resource", "orders", "--resource", "catalogs",
                                                  "--method", "POST", "--method", "GET", "--json"])
        let page = try JSONParser.parse(logs.stdout)
        guard case .array(let entries)? = page["entries"] else { Issue.record("no entries: \(logs.output)"); return }
        #expect(entries.map { $0["seq"] } == [.integer(6), .integer(5)])
        #expect(entries.first?["local_time"] == .string("2026-11-01T10:05:00.000000+01:00"))
        let body = try run(Executables.junction, ["log", "c1", "6", "--data", data, "--response"])
        #expect(body.output == "{\"categories\":[]}\n")
        let activity = try run(Executables.junction, ["activity", "c1", "--data", data, "--now", "2026-11-02T00:00:00Z", "--json"])
        #expect(try JSONParser.parse(activity.stdout)["total"] == .integer(2))
        let bad = try run(Executables.junction, ["logs", "c1", "--data", data, "--method", "BREW"])
        #expect(bad.status != 0 && bad.stderr.contains("unknown HTTP method"))
        let missing = try run(Executables.junction, ["log", "c1", "999", "--data", data])
        #expect(missing.status != 0 && missing.stderr.contains("not found"))
    }

    @Test func replayRebuildsAtAPointInTimeAndExportsAndImports() throws {
        let dir = TemporaryDirectory("replay")
        let data = try initialized(dir)
        let block = #"{"event":"connectionBlocked","time":"2026-11-02T09:00:00Z","connection_id":"c1","actor":"owner"}"#
        #expect(try run(Executables.junction, ["append", "--data", data], input: lines(sampleLines + [block])).status == 0)
        let replay = Executables.path("junction-replay")
        let before = try run(replay, ["rebuild", "--data", data, "--at", "2026-11-02T08:59:59Z"])
        #expect(before.status == 0, "\(before.stderr)")
        let then = try run(Executables.junction, ["connections", "--data", data, "--projections", data + "/rebuild", "--json"])
        #expect(then.output.contains("\"status\":\"active\"") && !then.output.contains("blocked"), "\(then.output)")
        let now = try run(Executables.junction, ["connections", "--data", data, "--json"])
        #expect(now.output.contains("\"status\":\"blocked\""))
        let exported = try run(replay, ["export", "--data", data])
        let copy = dir.path + "/copy"
        #expect(try run(Executables.junction, ["init", "--data", copy]).status == 0)
        let imported = try run(replay, ["import", "--data", copy], input: exported.stdout)
        #expect(imported.status == 0 && imported.output == "imported 7 events: 1…7\n", "\(imported.stderr)")
        #expect(try run(replay, ["export", "--data", copy]).stdout == exported.stdout)
        let broken = try run(replay, ["import", "--data", copy], input: Array("{\"event\":1}\n".utf8))
        #expect(broken.status != 0 && broken.stderr.contains("line 1"))
    }
}
