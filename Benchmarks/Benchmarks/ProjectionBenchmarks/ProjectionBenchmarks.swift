import Benchmark
import Events
import Foundation
import Journal
import Logging
import Projections

// Each projector's apply rate, the replay of all three, and the queries the Connections
// page makes, on a journal of 100,000 requests over 8 connections (the busiest holding
// half of them).

private let logger = Logger(label: "junction.bench") { _ in SwiftLogNoOpLogHandler() }
private let requestCount = 100_000

/// A data directory with the journal written and the projections built.
private struct Fixture {
    let data: DataDirectory
    let busiest: String
    let events: Int
}

// nonisolated(unsafe): written once by the suite's setup before any measured closure.
nonisolated(unsafe) private var fixture: Fixture?

private let fixturePath = NSTemporaryDirectory() + "junction-bench-projections-\(getpid())"

private func makeFixture() throws -> Fixture {
    try? FileManager.default.removeItem(atPath: fixturePath)
    // The fixture (about 100 MB) goes when the process ends.
    atexit { try? FileManager.default.removeItem(atPath: fixturePath) }
    let data = DataDirectory(fixturePath)
    let journal = try data.initialize(logger: logger)
    let start = Timestamp(microseconds: 1_761_955_200_000_000)  // 2025-11-01T00:00:00Z
    var setup: [Event] = [
        Event(time: start, .accountRegistered(AccountRegistered(accountID: "3r4s3", name: "Napoli", timeZone: "Europe/Paris"))),
        Event(time: start, .locationRegistered(LocationRegistered(
            locationID: "3r4s3-1", accountID: "3r4s3", name: "Bastille", timeZone: "Europe/Paris"))),
        Event(time: start, .appRegistered(AppRegistered(appID: "pos", name: "POS", level: .location, scope: "location[orders.write]"))),
    ]
    let connections = (0..<8).map { "c\($0)xyz" }
    for id in connections {
        setup.append(Event(time: start, .connectionCreated(ConnectionCreated(
            connectionID: id, appID: "pos", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: id,
            scope: "location[orders.write]", customerListID: nil, catalogID: nil,
            tokenDigest: [UInt8](repeating: 1, count: 32), tokenHint: "abcd"))))
    }
    var batch = RecordBatch()
    for e in setup { try batch.appendRecord { try BinaryEventCodec.encode(e, into: &$0) } }
    _ = try journal.appendAndWait(batch)
    let methods: [HTTPMethod] = [.get, .post, .patch, .get]
    let resources = ["orders", "catalogs", "customers", "locations"]
    let body = [UInt8](repeating: 0x61, count: 600)
    batch = RecordBatch()
    for i in 0..<requestCount {
        // Half the traffic on the first connection, the rest spread; 30 days of it.
        let connection = i % 2 == 0 ? connections[0] : connections[1 + i % 7]
        let event = Event(
            time: Timestamp(microseconds: start.microseconds + Int64(i) * 25_000_000),
            .requestLogged(RequestLogged(
                connectionID: connection, requestID: "r\(i)", method: methods[i % 4], resource: resources[i % 4],
                url: "/locations/3r4s3-1/\(resources[i % 4])/\(i)", status: i % 13 == 0 ? 422 : 200,
                durationMicroseconds: 9_000, requestBody: body)))
        try batch.appendRecord { try BinaryEventCodec.encode(event, into: &$0) }
        if batch.count == 5_000 {
            _ = try journal.appendAndWait(batch)
            batch.removeAll()
        }
    }
    if !batch.isEmpty { _ = try journal.appendAndWait(batch) }
    for type in ProjectionCatalog.all {
        try ProjectionBuilder.rebuild(type, journal: journal, at: data.projectionPath(type.name), logger: logger)
    }
    let events = try journal.statistics().count
    journal.close()
    return Fixture(data: data, busiest: connections[0], events: events)
}

private func rebuild(_ types: [any Projection.Type], _ benchmark: Benchmark) throws {
    guard let f = fixture else { fatalError("no fixture") }
    let journal = try f.data.openJournalForReading(logger: logger)
    defer { journal.close() }
    let scratch = f.data.root + "/scratch"
    for _ in benchmark.scaledIterations {
        for type in types {
            blackHole(try ProjectionBuilder.rebuild(type, journal: journal, at: scratch + "/" + type.name, logger: logger))
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.setup = {
        if fixture == nil { fixture = try makeFixture() }
    }

    // One iteration is a whole rebuild of 100k events: throughput × 100k = events/s.
    let rebuilds = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(10), maxIterations: 5)
    for type in ProjectionCatalog.all {
        Benchmark("project \(type.name), \(requestCount / 1000)k requests", configuration: rebuilds) { benchmark in
            try rebuild([type], benchmark)
        }
    }
    Benchmark("replay all projections, \(requestCount / 1000)k requests", configuration: rebuilds) { benchmark in
        try rebuild(ProjectionCatalog.all, benchmark)
    }

    let queries = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 20_000)

    func withQueries(_ body: (Queries, Fixture) throws -> Void) throws {
        guard let f = fixture else { fatalError("no fixture") }
        let q = try Queries(data: f.data, logger: logger)
        defer { q.close() }
        try body(q, f)
    }

    Benchmark("logs page of 50, newest, 50k entries", configuration: queries) { benchmark in
        try withQueries { q, f in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try q.logs(f.busiest, limit: 50)) }
        }
    }

    Benchmark("logs page of 50, 2 methods × 1 status class", configuration: queries) { benchmark in
        try withQueries { q, f in
            let filter = LogFilter(methods: [.get, .post], statusClasses: [.success])
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try q.logs(f.busiest, filter: filter, limit: 50)) }
        }
    }

    Benchmark("logs page of 50, by cursor 20 pages deep", configuration: queries) { benchmark in
        try withQueries { q, f in
            var cursor: String?
            for _ in 0..<20 { cursor = try q.logs(f.busiest, limit: 50, cursor: cursor).nextCursor }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try q.logs(f.busiest, limit: 50, cursor: cursor)) }
        }
    }

    Benchmark("activity, 30 days", configuration: queries) { benchmark in
        try withQueries { q, f in
            let now = Timestamp(microseconds: 1_764_460_800_000_000)  // 2025-11-30
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try q.activity(f.busiest, days: 30, now: now)) }
        }
    }
}
