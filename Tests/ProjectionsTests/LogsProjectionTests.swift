import Events
@testable import Projections
import TestSupport
import Testing

struct LogsProjectionTests {
    static let resources = ["orders", "customers", "catalogs", "inventories", "deliveries", "callback"]
    static let statuses: [UInt16] = [200, 201, 304, 400, 401, 404, 422, 429, 500, 503]

    /// A journal of requests for three connections, their times out of order with their
    /// sequence numbers (and some equal), as real ingestion can give.
    private func seeded(seed: UInt64, count: Int) throws -> (Fixture, [LogEntrySketch]) {
        let f = try Fixture()
        try f.append([
            account("a", zone: "Europe/Paris"), app("bi", "BI", level: .account),
            connect("c1", app: "bi", account: "a", at: "2026-01-01T00:00:00Z"),
            connect("c2", app: "bi", account: "a", at: "2026-01-01T00:00:00Z"),
            connect("c3", app: "bi", account: "a", at: "2026-01-01T00:00:00Z"),
        ])
        var rng = SeededGenerator(seed: seed)
        var sketches: [LogEntrySketch] = []
        var events: [Event] = []
        for _ in 0..<count {
            let connection = ["c1", "c1", "c2", "c3"].randomElement(using: &rng)!
            let time = Timestamp(seconds: 1_780_000_000 + Int64.random(in: 0..<500_000, using: &rng) / 10 * 10)
            var e = request(connection, at: time, resource: Self.resources.randomElement(using: &rng)!,
                            method: HTTPMethod.allCases.randomElement(using: &rng)!,
                            status: Self.statuses.randomElement(using: &rng)!)
            if case .requestLogged(var r) = e.payload {
                r.durationMicroseconds = UInt64.random(in: 0...900_000, using: &rng)
                if r.status >= 400 { r.responseBody = Array(errorBodies.randomElement(using: &rng)!.utf8) }
                e = Event(time: e.time, .requestLogged(r))
            }
            events.append(e)
        }
        let range = try f.append(events)
        for (seq, e) in zip(range, events) {
            guard case .requestLogged(let r) = e.payload else { continue }
            sketches.append(LogEntrySketch(seq: seq, time: e.time, connection: r.connectionID, resource: r.resource,
                                           method: r.method, status: r.status, duration: r.durationMicroseconds,
                                           error: r.status >= 400 ? ErrorSummary.summary(ofBody: r.responseBody) : nil))
        }
        return (f, sketches)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func filteredPagesMatchABruteForceFilterNewestFirst(seed: UInt64) throws {
        let (f, all) = try seeded(seed: seed, count: 3000)
        let q = try f.queries()
        var rng = SeededGenerator(seed: seed * 7919)
        for round in 0..<60 {
            // Each dimension ticked or not on its own: every one of the 8 kinds of filter.
            var filter = LogFilter()
            if rng.chance(0.5) { filter.resources = Set(Self.resources.shuffled(using: &rng).prefix(rng.below(3) + 1)) }
            if rng.chance(0.5) { filter.methods = Set(HTTPMethod.allCases.shuffled(using: &rng).prefix(rng.below(3) + 1)) }
            if rng.chance(0.5) {
                filter.statusClasses = Set([StatusClass.success, .redirection, .clientError, .serverError].shuffled(using: &rng).prefix(2))
            }
            // The exact filters, read from the entries: a status code, a least duration.
            if rng.chance(0.3) { filter.statuses = Set(Self.statuses.shuffled(using: &rng).prefix(rng.below(2) + 1)) }
            if rng.chance(0.3) { filter.minDurationMicroseconds = UInt64.random(in: 0...800_000, using: &rng) }
            if round % 4 == 2 {
                filter.since = Timestamp(seconds: 1_780_000_000 + Int64.random(in: 0..<200_000, using: &rng))
                filter.until = Timestamp(seconds: filter.since!.seconds + Int64.random(in: 0..<300_000, using: &rng))
            }
            if round % 10 == 9 { filter = LogFilter() }
            let connection = ["c1", "c2", "c3"][round % 3]
            // An error group of the connection (most often one it has), with the other filters.
            if round % 5 == 3, let failed = all.filter({ $0.connection == connection && $0.error != nil }).randomElement(using: &rng) {
                filter.errorGroup = ErrorGroupKey(failed.entry)
            }
            let expected = all.filter { $0.connection == connection && filter.matches($0.entry) }
                .sorted { ($0.time, $0.seq) > ($1.time, $1.seq) }
                .map(\.seq)
            let limit = Int.random(in: 1...40, using: &rng)
            var got: [UInt64] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try q.logs(connection, filter: filter, limit: limit, cursor: cursor)
                #expect(page.entries.count <= limit)
                for e in page.entries { #expect(filter.matches(e)) }
                got += page.entries.map(\.seq)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10_000
            #expect(got == expected, "round \(round), filter \(filter), limit \(limit)")
        }
    }

    /// An exact filter that matches only old entries: a page stops after reading
    /// `scanBudget` entries, says so, and its cursor goes on from there; followed to the
    /// end, the pages hold exactly what a brute force finds.
    @Test func anExactFilterStopsAtItsBudgetAndGoesOnFromThere() throws {
        let f = try Fixture()
        try f.append([account("a", zone: "UTC"), app("bi", "BI", level: .account), connect("c1", app: "bi", account: "a", at: "2026-01-01T00:00:00Z")])
        let count = LogsProjection.scanBudget + 5_000
        var events: [Event] = []
        for i in 0..<count {
            // The three oldest answered 418; the rest 400.
            events.append(request("c1", at: Timestamp(seconds: 1_780_000_000 + Int64(i)), resource: "orders", method: .get,
                                  status: i < 3 ? 418 : 400))
        }
        let range = try f.append(events)
        let q = try f.queries()
        let filter = LogFilter(statuses: [418])
        let first = try q.logs("c1", filter: filter, limit: 10, cursor: nil)
        #expect(first.entries.isEmpty && first.scanLimited && first.nextCursor != nil)
        var got: [UInt64] = []
        var cursor = first.nextCursor
        while let c = cursor {
            let page = try q.logs("c1", filter: filter, limit: 10, cursor: c)
            got += page.entries.map(\.seq)
            cursor = page.nextCursor
        }
        #expect(got == Array(range.prefix(3)).reversed())
        // A class given with the code: the indexes select 4xx and the code adds nothing new.
        let both = try q.logs("c1", filter: LogFilter(statusClasses: [.clientError], statuses: [418]), limit: 5, cursor: nil)
        #expect(both.entries.map(\.seq) == Array(range.suffix(5).reversed()) && !both.scanLimited)
    }

    /// The error groups of each connection are the failed calls grouped by a brute force:
    /// counts, first and last times; the ids go back and forth; an account's are its
    /// connections'.
    @Test(arguments: [UInt64(4), 5])
    func errorGroupsMatchABruteForceGrouping(seed: UInt64) throws {
        let (f, all) = try seeded(seed: seed, count: 3000)
        let q = try f.queries()
        for connection in ["c1", "c2", "c3"] {
            var expected: [ErrorGroupKey: [LogEntrySketch]] = [:]
            for s in all where s.connection == connection && s.error != nil { expected[ErrorGroupKey(s.entry)!, default: []].append(s) }
            let groups = try q.errorGroups(connection)
            #expect(groups.count == expected.count, "seed \(seed) \(connection)")
            for g in groups {
                let members = expected[g.key] ?? []
                #expect(g.count == members.count, "seed \(seed) \(g.key)")
                #expect(g.firstTime == members.map(\.time).min() && g.lastTime == members.map(\.time).max(), "seed \(seed) \(g.key)")
                #expect(ErrorGroupKey(id: g.key.id) == g.key)
            }
            #expect(groups == groups.sorted(by: ErrorGroup.newestFirst))
            // The summaries the bodies give: the hub's type, a code, 80 characters of a message, or nothing.
            #expect(Set(groups.map(\.key.error)).isSubset(of: ["unprocessable_entity", "not_found", "E_STOCK", "too_many_requests", "",
                                                               String(String(repeating: "a very long explanation ", count: 6).prefix(80))]))
        }
        let account = try q.errorGroups(account: "a")
        #expect(account.count == (try ["c1", "c2", "c3"].map { try q.errorGroups($0).count }.reduce(0, +)))
        #expect(throws: ProjectionError.self) { _ = try q.errorGroups(account: "nope") }
    }

    /// A text is searched in the URL, the request id and both bodies; a page reads at most
    /// `textScanBudget` entries and goes on from there.
    @Test func aTextSearchReadsTheBodiesWithinItsBudget() throws {
        let f = try Fixture()
        try f.append([account("a", zone: "UTC"), app("bi", "BI", level: .account), connect("c1", app: "bi", account: "a", at: "2026-01-01T00:00:00Z")])
        let count = LogsProjection.textScanBudget + 1_500
        var events: [Event] = []
        for i in 0..<count {
            var e = request("c1", at: Timestamp(seconds: 1_780_000_000 + Int64(i)))
            if case .requestLogged(var r) = e.payload {
                // The order number a ticket shows, in a response body now and then.
                if i % 1000 == 7 { r.responseBody = Array(#"{"order":{"id":"ord_\#(i)","ticket":"T-4242"}}"#.utf8) }
                if i == 3 { r.requestBody = Array(#"{"note":"T-4242 again"}"#.utf8) }
                e = Event(time: e.time, .requestLogged(r))
            }
            events.append(e)
        }
        let range = try f.append(events)
        let q = try f.queries()
        var got: [UInt64] = []
        var cursor: String?
        var limited = 0
        repeat {
            let page = try q.logs("c1", filter: LogFilter(text: "T-4242"), limit: 50, cursor: cursor)
            #expect(page.scanned <= LogsProjection.textScanBudget)
            if page.scanLimited { limited += 1 }
            got += page.entries.map(\.seq)
            cursor = page.nextCursor
        } while cursor != nil
        let matching: [Int] = (0..<count).filter { $0 % 1000 == 7 || $0 == 3 }
        let expected: [UInt64] = matching.map { range.lowerBound + UInt64($0) }.reversed()
        #expect(got == expected)
        #expect(limited >= 1)
        // Within the other filters: an error group that none of them are in finds none.
        let none = try q.logs("c1", filter: LogFilter(statusClasses: [.serverError], text: "T-4242"), limit: 50)
        #expect(none.entries.isEmpty)
    }

    @Test func unknownResourcesMatchNothingAndBadCursorsAreRefused() throws {
        let (f, _) = try seeded(seed: 9, count: 50)
        let q = try f.queries()
        #expect(try q.logs("c1", filter: LogFilter(resources: ["pizzas"])).entries.isEmpty)
        #expect(try q.logs("c1", filter: LogFilter(resources: ["pizzas", "orders"])).entries.allSatisfy { $0.resource == "orders" })
        let error = #expect(throws: ProjectionError.self) { _ = try q.logs("c1", cursor: "not-a-cursor") }
        #expect(error?.isInvalid == true)
        #expect(throws: ProjectionError.self) { _ = try q.logs("nope") }
    }

    @Test func entryDetailComesFromTheJournal() throws {
        let (f, all) = try seeded(seed: 4, count: 20)
        let q = try f.queries()
        let first = all.first { $0.connection == "c2" }!
        let detail = try q.log("c2", seq: first.seq)
        #expect(detail.entry.seq == first.seq)
        #expect(detail.request.requestBody == Array("{\"a\":1}".utf8))
        #expect(detail.entry.requestBytes == 7)
        // An entry of another connection is not this connection's.
        let other = all.first { $0.connection == "c1" }!
        #expect(throws: ProjectionError.self) { _ = try q.log("c2", seq: other.seq) }
    }
}

/// What a brute-force filter needs to know of a logged request.
struct LogEntrySketch {
    let seq: UInt64
    let time: Timestamp
    let connection: String
    let resource: String
    let method: HTTPMethod
    let status: UInt16
    var duration: UInt64 = 0
    var error: String?

    var entry: LogEntry {
        LogEntry(seq: seq, time: time, method: method, resource: resource, url: "/\(resource)", status: status,
                 durationMicroseconds: duration, requestBytes: 7, responseBytes: 2, error: error)
    }
}

/// A log row written from a request's bytes (what projectors write) reads back as the entry
/// written from the decoded event.
struct LogRowTests {
    @Test func aRowFromBytesIsTheRowOfTheDecodedEntry() throws {
        let seed = TestSeed.make()
        var gen = RandomEvents(seed: seed, maxBodyBytes: 500)
        var rows = 0
        for _ in 0..<3000 {
            let event = gen.event()
            let request: RequestLogged
            let expired: Bool
            switch event.payload {
            case .requestLogged(let r): (request, expired) = (r, false)
            case .requestBodiesExpired(let r): (request, expired) = (r, true)
            default: continue
            }
            var entry = LogEntry(
                seq: 7, time: event.time, method: request.method, resource: request.resource, url: request.url,
                status: request.status, durationMicroseconds: request.durationMicroseconds, requestID: request.requestID,
                requestBytes: request.requestBodyLength, responseBytes: request.responseBodyLength)
            entry.bodiesExpired = expired
            if ErrorSummary.failed(request.status) {
                entry.error = expired ? request.errorSummary ?? "" : ErrorSummary.summary(ofBody: request.responseBody)
            }
            var fromEntry: [UInt8] = []
            entry.encode(into: &fromEntry)
            guard let fromBytes = event.withRequestFields({ fields in
                var row: [UInt8] = []
                LogEntry.encode(fields, error: ErrorSummary.of(fields), into: &row)
                return row
            }) else { continue }
            #expect(fromBytes == fromEntry, "seed \(seed): \(event)")
            #expect(try fromBytes.withUnsafeBytes { try LogEntry(seq: 7, decoding: $0) } == entry, "seed \(seed)")
            rows += 1
        }
        #expect(rows > 300, "seed \(seed)")
    }
}
