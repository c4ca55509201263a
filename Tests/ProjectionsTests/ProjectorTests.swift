import Events
import Journal
import LMDB
import Projections
import TestSupport
import Testing

struct ProjectorTests {
    @Test func aProjectorStoppedAnywhereResumesToTheSameResultAsOneReplay() throws {
        let f = try Fixture()
        try f.append([account("a", zone: "Europe/Paris"), location("a-1", of: "a", zone: "Europe/Paris"),
                      app("pos", "POS", level: .location), connect("c", app: "pos", account: "a", location: "a-1", at: "2026-01-01T00:00:00Z")])
        var rng = SeededGenerator(seed: 12)
        try f.append((0..<5000).map { i in
            request("c", at: Timestamp(seconds: 1_780_000_000 + Int64(i) * 37), resource: ["orders", "catalogs"].randomElement(using: &rng)!,
                    status: [200, 404, 500].randomElement(using: &rng)!)
        })
        for type in Projections.all {
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

    @Test func unknownKindsAreSkippedAndTheCheckpointMovesOn() throws {
        let f = try Fixture()
        try f.append([account("a", zone: "UTC"), app("bi", "BI", level: .account),
                      connect("c", app: "bi", account: "a", at: "2026-01-01T00:00:00Z")])
        var future = RecordBatch()
        future.append([1, 0xE8, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 42])  // kind 1000 from a newer writer
        _ = try f.journal.appendAndWait(future)
        try f.append([request("c", at: t("2026-02-01T00:00:00Z"))])
        let q = try f.queries()
        #expect(try q.checkpoints() == ["connections": 5, "activity": 5, "logs": 5])
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
