import Events
import Journal
import LMDB
import Projections
import TestSupport
import Testing

struct ProjectorTests {
    /// A reader waiting for a checkpoint (the daemon's `?after=`, compaction, a follower)
    /// is woken by the projector's commit through a second store opened read-only, as the
    /// daemon opens it; a wait for what nobody applies ends at its deadline with the
    /// checkpoint as it is; a cancelled wait ends at once.
    @Test func aCheckpointWaiterIsWokenByTheProjectorsCommit() async throws {
        let f = try Fixture()
        try f.append([account("a", zone: "Europe/Paris"), app("bi", "BI", level: .account),
                      connect("c", app: "bi", account: "a", at: "2026-01-01T00:00:00Z")])
        try f.append((0..<200).map { i in request("c", at: Timestamp(seconds: 1_780_000_000 + Int64(i)), resource: "orders", status: 200) })
        let path = f.dir.path + "/live/connections"
        let store = try ProjectionStore(ConnectionsProjection.self, at: path, readOnly: false)
        let reader = try ProjectionStore(ConnectionsProjection.self, at: path, readOnly: true)
        let head = try f.journal.head
        let projector = try Projector(journal: f.journal, store: store, type: ConnectionsProjection.self, logger: quiet, batchSize: 50)
        let waiting = Task { try await reader.checkpoint(reaching: head, by: .now + .seconds(60)) }
        try await Task.sleep(for: .milliseconds(50))
        try projector.catchUp()
        #expect(try await waiting.value == head)

        let start = ContinuousClock.now
        #expect(try await reader.checkpoint(reaching: head + 1, by: .now + .milliseconds(300)) == head)
        #expect(ContinuousClock.now - start >= .milliseconds(300))

        let cancelled = Task { try await reader.checkpoint(reaching: head + 1, by: .now + .seconds(60)) }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        #expect(try await cancelled.value == head)
        #expect(ContinuousClock.now - start < .seconds(30), "the cancelled wait ran to its deadline")
    }

    @Test func aProjectorStoppedAnywhereResumesToTheSameResultAsOneReplay() throws {
        let f = try Fixture()
        try f.append([account("a", zone: "Europe/Paris"), location("a-1", of: "a", zone: "Europe/Paris"),
                      app("pos", "POS", level: .location), connect("c", app: "pos", account: "a", location: "a-1", at: "2026-01-01T00:00:00Z")])
        var rng = SeededGenerator(seed: 12)
        try f.append((0..<5000).map { i in
            request("c", at: Timestamp(seconds: 1_780_000_000 + Int64(i) * 37), resource: ["orders", "catalogs"].randomElement(using: &rng)!,
                    status: [200, 404, 500].randomElement(using: &rng)!)
        })
        for type in ProjectionCatalog.all {
            let live = f.dir.path + "/stepwise/" + type.name
            // Many projector lifetimes, each applying a few small batches.
            var checkpoint: UInt64 = 0
            while checkpoint < (try f.journal.head) {
                let store = try ProjectionStore(type, at: live, readOnly: false)
                let projector = try Projector(journal: f.journal, store: store, type: type, logger: quiet,
                                              batchSize: Int.random(in: 1...700, using: &rng))
                for _ in 0..<Int.random(in: 1...3, using: &rng) { _ = try projector.step() }
                checkpoint = try store.checkpoint()
            }
            let replayed = f.dir.path + "/replayed/" + type.name
            try ProjectionBuilder.rebuild(type, journal: f.journal, at: replayed, logger: quiet)
            let difference = try ProjectionBuilder.firstDifference(
                try ProjectionStore(type, at: live, readOnly: true), try ProjectionStore(type, at: replayed, readOnly: true))
            #expect(difference == nil, "\(type.name): \(difference ?? "")")
        }
    }

    /// The concurrent rebuild (one reader, the projections applying its batches on threads
    /// of their own, each stream's values written together) against a projector applying
    /// one event per transaction, on requests out of time order with a retention between.
    @Test func aConcurrentRebuildGivesWhatOneEventAtATimeGives() throws {
        let seed = TestSeed.make()
        let f = try Fixture()
        try f.append([account("a", zone: "Europe/Paris"), app("bi", "BI", level: .account),
                      connect("c1", app: "bi", account: "a", at: "2026-01-01T00:00:00Z"),
                      connect("c2", app: "bi", account: "a", at: "2026-01-01T00:00:00Z")])
        var rng = SeededGenerator(seed: seed)
        let base: Int64 = 1_780_000_000
        var events: [Event] = []
        for i in 0..<3000 {
            if i == 2000 {
                let cut = Timestamp(seconds: base + 30_000)
                events.append(Event(time: Timestamp(seconds: base + 90_000), .retentionApplied(RetentionApplied(
                    bodiesBefore: Timestamp(seconds: base + 60_000), logsBefore: cut, disconnectedBefore: cut, tombstonesBefore: cut))))
            }
            // Mostly in time order, a fifth of them up to a day early.
            let late = rng.chance(0.2) ? Int64.random(in: 0..<86_400, using: &rng) : 0
            events.append(request(["c1", "c2"].randomElement(using: &rng)!, at: Timestamp(seconds: base + Int64(i) * 40 - late),
                                  resource: ["orders", "catalogs", "customers"].randomElement(using: &rng)!,
                                  method: HTTPMethod.allCases.randomElement(using: &rng)!,
                                  status: [200, 201, 404, 500].randomElement(using: &rng)!))
        }
        try f.append(events)
        let head = try f.journal.head
        let rebuilt = try ProjectionBuilder.rebuildConcurrently(
            ProjectionCatalog.all.map { ($0, f.dir.path + "/concurrent/" + $0.name) }, journal: f.journal, logger: quiet)
        #expect(rebuilt.map(\.checkpoint) == Array(repeating: head, count: ProjectionCatalog.all.count), "seed \(seed)")
        for type in ProjectionCatalog.all {
            let single = f.dir.path + "/single/" + type.name
            let store = try ProjectionStore(type, at: single, readOnly: false, syncingEachCommit: false)
            try Projector(journal: f.journal, store: store, type: type, logger: quiet, batchSize: 1).catchUp()
            let difference = try ProjectionBuilder.firstDifference(
                try ProjectionStore(type, at: f.dir.path + "/concurrent/" + type.name, readOnly: true),
                try ProjectionStore(type, at: single, readOnly: true))
            #expect(difference == nil, "\(type.name), seed \(seed): \(difference ?? "")")
        }
    }

    @Test func unknownKindsAreSkippedAndTheCheckpointMovesOn() throws {
        let f = try Fixture()
        try f.append([account("a", zone: "UTC"), app("bi", "BI", level: .account),
                      connect("c", app: "bi", account: "a", at: "2026-01-01T00:00:00Z")])
        var future = RecordBatch()
        future.append([1, 0xE8, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 42])  // kind 1000 from a newer writer
        _ = try f.journal.appendAndWait(future)
        try f.append([request("c", at: t("2026-02-01T00:00:00Z"))])
        let q = try f.queries()
        #expect(try q.checkpoints() == ["connections": 5, "activity": 5, "logs": 5, "health": 5])
        #expect(try q.connection("c").record.requestCount == 1)
    }

    @Test func aDifferenceIsReportedWithItsPlace() throws {
        let f = try Fixture()
        try f.append([account("a", zone: "UTC"), app("bi", "BI", level: .account),
                      connect("c", app: "bi", account: "a", at: "2026-01-01T00:00:00Z"), request("c", at: t("2026-02-01T00:00:00Z"))])
        let a = f.dir.path + "/a"
        let b = f.dir.path + "/b"
        try ProjectionBuilder.rebuild(LogsProjection.self, journal: f.journal, at: a, logger: quiet)
        try ProjectionBuilder.rebuild(LogsProjection.self, journal: f.journal, at: b, upTo: 3, logger: quiet)
        let difference = try ProjectionBuilder.firstDifference(
            try ProjectionStore(LogsProjection.self, at: a, readOnly: true), try ProjectionStore(LogsProjection.self, at: b, readOnly: true))
        #expect(difference != nil)
    }

    @Test func anUnbuiltProjectionIsExplained() throws {
        let f = try Fixture()
        let error = #expect(throws: ProjectionError.self) { _ = try Queries(data: f.data, logger: quiet) }
        #expect(error?.description.contains("has not been built") == true)
    }
}
