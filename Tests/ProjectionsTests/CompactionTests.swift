import Events
import Foundation
import Journal
import LMDB
import Projections
import TestSupport
import Testing

/// A consistent journal over `days` days: registrations, connections at both levels,
/// blocks, disconnects (some long ago), callback attempts, and requests at random times.
func generatedJournal(seed: UInt64, days: Int64, requests: Int, start: Timestamp) -> [Event] {
    var rng = SeededGenerator(seed: seed)
    func at(_ day: Int64, _ jitter: Int64 = 0) -> Timestamp {
        Timestamp(microseconds: start.microseconds + day * 86_400_000_000 + jitter)
    }
    var events: [Event] = [
        account("acc", zone: "Europe/Paris", at: at(0).rfc3339), account("ind", zone: "Asia/Kolkata", at: at(0).rfc3339),
        location("acc-1", of: "acc", zone: "Europe/Paris", at: at(0).rfc3339),
        location("ind-1", of: "ind", zone: "Asia/Kolkata", at: at(0).rfc3339),
        app("pos", "POS", level: .location, at: at(0).rfc3339), app("bi", "BI", level: .account, at: at(0).rfc3339),
    ]
    var connections: [(id: String, created: Int64, gone: Int64?)] = []
    for i in 0..<12 {
        let created = Int64.random(in: 0..<(days / 2), using: &rng)
        let gone: Int64? = i % 3 == 0 ? Int64.random(in: (created + 1)..<days, using: &rng) : nil
        let id = "k\(i)"
        let place = i % 2 == 0 ? ("acc", Optional("acc-1")) : ("ind", Optional("ind-1"))
        events.append(connect(id, app: i % 4 < 2 ? "pos" : "bi", account: place.0, location: i % 4 < 2 ? place.1 : nil,
                              device: "d\(i)", at: at(created, 1).rfc3339))
        connections.append((id, created, gone))
        if let gone {
            events.append(Event(time: at(gone), .connectionDisconnected(ConnectionStatusChanged(connectionID: id, actor: "owner"))))
            events.append(Event(time: at(gone, 5_000_000), .callbackAttempted(CallbackAttempted(
                connectionID: id, deliveryID: "d", attempt: 1, url: "https://x.example.com/cb", status: 200))))
        } else if i % 3 == 1 {
            let blocked = Int64.random(in: created..<days, using: &rng)
            events.append(Event(time: at(blocked, 2), .connectionBlocked(ConnectionStatusChanged(connectionID: id, actor: "owner"))))
        }
    }
    let statuses: [UInt16] = [200, 201, 304, 404, 422, 500]
    // Resources of the hub, and some outside its list: one only a connection that goes
    // logs, one only the oldest days see, so compaction can remove every entry of them.
    func resource(for c: (id: String, created: Int64, gone: Int64?), day: Int64) -> String {
        if c.gone != nil, Int.random(in: 0..<4, using: &rng) == 0 { return "catalog" }
        if day < days / 5, Int.random(in: 0..<6, using: &rng) == 0 { return "legacy_widgets" }
        return ["orders", "catalogs", "customers", "x-unknown"].randomElement(using: &rng)!
    }
    for _ in 0..<requests {
        let c = connections.randomElement(using: &rng)!
        let last = c.gone ?? days
        let day = Int64.random(in: c.created...max(c.created, last - 1), using: &rng)
        var e = request(c.id, at: at(day, Int64.random(in: 10_000_000..<86_000_000_000, using: &rng)),
                        resource: resource(for: c, day: day),
                        method: [.get, .post, .patch].randomElement(using: &rng)!, status: statuses.randomElement(using: &rng)!)
        if case .requestLogged(var r) = e.payload {
            r.requestBody = Array(repeating: UInt8(ascii: "b"), count: Int.random(in: 0...800, using: &rng))
            if r.status >= 400 { r.responseBody = Array(errorBodies.randomElement(using: &rng)!.utf8) }
            e = Event(time: e.time, .requestLogged(r))
        }
        events.append(e)
    }
    // Roughly in time order, as ingestion gives it (not strictly: stable sort by day).
    return events.enumerated().sorted { ($0.element.time.seconds / 3600, $0.offset) < ($1.element.time.seconds / 3600, $1.offset) }.map(\.element)
}

/// Answers of failed calls: the hub's error body, a code, a long message, nothing readable.
let errorBodies = [
    #"{"error_type":"unprocessable_entity","message":"price must be positive","errors":[{"field":"price","message":"must be positive"}]}"#,
    #"{"error_type":"not_found","message":"no such order"}"#,
    #"{"code":"E_STOCK","message":"out of stock"}"#,
    #"{"message":"\#(String(repeating: "a very long explanation ", count: 6))"}"#,
    "<html>Bad Gateway</html>", "", #"  {"error_type":"too_many_requests"}"#,
]

/// The same events in two data directories: the original and the one compaction runs on.
final class TwinJournals {
    let original = try! Fixture()
    let compacted = try! Fixture()

    func append(_ events: [Event]) throws {
        try original.append(events)
        try compacted.append(events)
    }

    /// Compacts one, and appends the same cutoffs to the other: what live projectors see.
    func compact(policy: RetentionPolicy, now: Timestamp) async throws -> Compactor.Report {
        let report = try await Compactor.run(journal: compacted.journal, policy: policy, now: now, limit: try compacted.journal.head,
                                             chunk: 97, logger: quiet)
        let marker = try compacted.journal.record(report.markerSeq)!
        var batch = RecordBatch()
        batch.append(marker)
        #expect(try original.journal.appendAndWait(batch) == report.markerSeq...report.markerSeq)
        return report
    }

    /// The first difference between projections replayed from each, if any.
    func projectionDifference() throws -> String? {
        for type in ProjectionCatalog.all {
            let a = original.dir.path + "/replay-original/" + type.name
            let b = compacted.dir.path + "/replay-compacted/" + type.name
            try ProjectionBuilder.rebuild(type, journal: original.journal, at: a, logger: quiet)
            try ProjectionBuilder.rebuild(type, journal: compacted.journal, at: b, logger: quiet)
            if let d = try ProjectionBuilder.firstDifference(
                try ProjectionStore(type, at: a, readOnly: true), try ProjectionStore(type, at: b, readOnly: true)) {
                return "\(type.name): \(d)"
            }
        }
        return nil
    }
}

struct CompactionTests {
    static let start = Timestamp(rfc3339: "2025-01-01T00:00:00Z")!

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func replayingTheCompactedJournalGivesTheRetentionViewOfTheOriginal(seed: UInt64) async throws {
        var rng = SeededGenerator(seed: seed &* 7_777)
        let twins = TwinJournals()
        try twins.append(generatedJournal(seed: seed, days: 200, requests: 2500, start: Self.start))
        var lastCut: RetentionApplied?
        for run in 0..<3 {
            let now = Timestamp(microseconds: Self.start.microseconds + Int64.random(in: 120...260, using: &rng) * 86_400_000_000)
            // Each retention sometimes at its edge: nothing kept (0 days) or everything (36,500).
            func days(_ range: ClosedRange<Int>) -> Int {
                switch Int.random(in: 0..<8, using: &rng) {
                case 0: 0
                case 1: 36_500
                default: Int.random(in: range, using: &rng)
                }
            }
            let policy = RetentionPolicy(bodyDays: days(5...40), logDays: days(20...90), disconnectedDays: days(10...60),
                                         tombstoneDays: days(30...120))
            _ = try await twins.compact(policy: policy, now: now)
            lastCut = policy.cutoffs(at: now)
            if run == 1 {
                // Life goes on between runs.
                // (Only for connections never disconnected: a disconnected one logs nothing.)
                let disconnected = Set(generatedJournal(seed: seed, days: 200, requests: 0, start: Self.start).compactMap { e -> String? in
                    if case .connectionDisconnected(let d) = e.payload { return d.connectionID }
                    return nil
                })
                try twins.append(generatedJournal(seed: seed + 100, days: 10, requests: 200,
                                                  start: Timestamp(microseconds: now.microseconds - 5 * 86_400_000_000))
                    .filter { e in
                        guard case .requestLogged(let r) = e.payload else { return false }
                        return !disconnected.contains(r.connectionID)
                    })
            }
        }
        let difference = try twins.projectionDifference()
        #expect(difference == nil, "seed \(seed): \(difference ?? "")")

        // What remains keeps its numbers and order; each record is the original or what
        // compaction may put in its place.
        var original: [UInt64: Event] = [:]
        try twins.original.journal.scan { seq, bytes in
            original[seq] = try BinaryEventCodec.decode(bytes)
            return true
        }
        var kept = 0
        var tombstones = 0
        try twins.compacted.journal.scan { seq, bytes in
            kept += 1
            let now = try BinaryEventCodec.decode(bytes)
            guard let before = original[seq] else {
                Issue.record("event \(seq) is not in the original")
                return true
            }
            switch (before.payload, now.payload) {
            case (.requestLogged(let a), .requestBodiesExpired(var b)):
                // The error summary of a failed call outlives its body.
                let summary = a.status >= 400 ? ErrorSummary.summary(ofBody: a.responseBody) : ""
                #expect(b.errorSummary == (summary.isEmpty ? nil : summary), "event \(seq)")
                b.errorSummary = nil
                #expect(a.withoutBodies == b && before.time == now.time)
            case (.requestLogged(let a), .requestsRolledUp(let b)): #expect(a.connectionID == b.connectionID)
            case (.connectionDisconnected(let a), .connectionTombstoned(let b)):
                #expect(a.connectionID == b.connectionID && before.time == b.disconnectedAt)
                #expect(b.disconnectedAt >= lastCut!.tombstonesBefore, "a tombstone outlived its retention")
                tombstones += 1
            default: #expect(before == now, "event \(seq) changed: \(before.payload) → \(now.payload)")
            }
            return true
        }
        #expect(kept < original.count, "nothing was compacted")
        #expect(try twins.compacted.journal.statistics().eventBytes < twins.original.journal.statistics().eventBytes)
    }

    @Test func theJournalShrinksAndTheLiveProjectionsFollow() async throws {
        let f = try Fixture()
        let events = generatedJournal(seed: 9, days: 120, requests: 3000, start: Self.start)
        try f.append(events)
        let q = try f.queries()
        let before = try q.connection("k1").record.requestCount
        let now = Timestamp(microseconds: Self.start.microseconds + 120 * 86_400_000_000)
        let report = try await Compactor.run(journal: f.journal, policy: RetentionPolicy(), now: now, limit: try f.journal.head, logger: quiet)
        #expect(report.bodiesExpired > 0 && report.requestsRolledUp > 0 && report.bytesFreed > 0)
        try ProjectionBuilder.catchUpLive(data: f.data, journal: f.journal, logger: quiet)
        // Counts survive; old entries are gone from the logs; an expired entry says so.
        #expect(try q.connection("k1").record.requestCount == before)
        var entries: [LogEntry] = []
        var cursor: String?
        repeat {
            let page = try q.logs("k1", limit: 1000, cursor: cursor)
            entries += page.entries
            cursor = page.nextCursor
        } while cursor != nil
        #expect(entries.allSatisfy { $0.time >= RetentionPolicy().cutoffs(at: now).logsBefore })
        // 120 days of traffic, bodies kept 30 and entries 90: some entries are there without their bodies.
        let old = try #require(entries.last(where: { $0.bodiesExpired }), "no entry with expired bodies in \(entries.count)")
        let detail = try q.log("k1", seq: old.seq)
        #expect(detail.bodiesExpired && detail.request.requestBody.isEmpty)
        // Compacting again right away changes nothing but appends its cutoffs.
        let again = try await Compactor.run(journal: f.journal, policy: RetentionPolicy(), now: now, limit: try f.journal.head, logger: quiet)
        #expect(again.bodiesExpired == 0 && again.requestsRolledUp == 0 && again.connectionsTombstoned == 0)
    }
}
