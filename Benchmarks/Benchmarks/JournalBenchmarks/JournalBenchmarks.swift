import Benchmark
import Events
import Foundation
import Journal
import Logging
import Hub

// Appends (durable, fsync'd), the binary codec, and the gateway's token check.

private let logger = Logger(label: "junction.bench") { _ in SwiftLogNoOpLogHandler() }

/// A request as the gateway logs it: an order of about 1 KB, answered 201.
private let sampleRequest = Event(
    time: Timestamp(microseconds: 1_764_000_000_000_000),
    .requestLogged(RequestLogged(
        connectionID: "k2x9q", requestID: "req-000001", method: .post, resource: "orders",
        url: "/locations/3r4s3-1/orders", status: 201, durationMicroseconds: 12_000,
        requestHeaders: [Header("Content-Type", "application/json"), Header("X-Access-Token", "[redacted]")],
        requestBody: Array(#"{"items":[{"sku":"margherita","quantity":2,"price":"11.50"}],"customer":{"name":"Ada"}}"#.utf8)
            + [UInt8](repeating: 0x20, count: 700),
        responseHeaders: [Header("Content-Type", "application/json")],
        responseBody: Array(#"{"id":"o-1","status":"new"}"#.utf8))))

private let encodedRequest = try! BinaryEventCodec.encode(sampleRequest)  // a fixed event of 2026

private func batch(_ records: Int) -> RecordBatch {
    var b = RecordBatch(reservingBytes: records * encodedRequest.count, records: records)
    for _ in 0..<records { b.append(encodedRequest) }
    return b
}

/// One journal for all the append benchmarks, created by the suite's setup and removed
/// by its teardown: the measured closure runs once per sample.
// nonisolated(unsafe): written by setup and teardown only, around the measured closures.
nonisolated(unsafe) private var sharedJournal: Journal?
private let journalPath = NSTemporaryDirectory() + "junction-bench-journal-\(getpid())"
private let tokenPath = NSTemporaryDirectory() + "junction-bench-token-\(getpid())"

private func temporaryJournal() throws -> Journal {
    if let sharedJournal { return sharedJournal }
    try? FileManager.default.removeItem(atPath: journalPath)
    let journal = try Journal.create(at: journalPath, logger: logger)
    sharedJournal = journal
    return journal
}

// The token check needs a writer with a connection; built in the benchmark's setup.
// nonisolated(unsafe): written once by setup before the measured closure reads it.
nonisolated(unsafe) private var tokenFixture: (writer: Writer, token: String)?

let benchmarks: @Sendable () -> Void = {
    Benchmark.teardown = {
        sharedJournal?.close()
        sharedJournal = nil
        try? FileManager.default.removeItem(atPath: journalPath)
    }

    let appends = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .syscalls], maxDuration: .seconds(5), maxIterations: 2_000)

    Benchmark("journal append, 1 record, durable", configuration: appends) { benchmark in
        let journal = try temporaryJournal()
        let one = batch(1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try await journal.append(one)) }
    }

    Benchmark("journal append, batch of 100, durable", configuration: appends) { benchmark in
        let journal = try temporaryJournal()
        let hundred = batch(100)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try await journal.append(hundred)) }
    }

    Benchmark("journal group commit, 64 concurrent appenders of 1 record", configuration: appends) { benchmark in
        let journal = try temporaryJournal()
        let one = batch(1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<64 { group.addTask { blackHole(try await journal.append(one)) } }
                try await group.waitForAll()
            }
        }
    }

    let codec = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))

    Benchmark("codec encode requestLogged", configuration: codec) { benchmark in
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        for _ in benchmark.scaledIterations {
            out.removeAll(keepingCapacity: true)
            try BinaryEventCodec.encode(sampleRequest, into: &out)
            blackHole(out.count)
        }
    }

    Benchmark("codec decode requestLogged", configuration: codec) { benchmark in
        try encodedRequest.withUnsafeBytes { raw in
            for _ in benchmark.scaledIterations { blackHole(try BinaryEventCodec.decode(raw)) }
        }
    }

    Benchmark("codec decode requestLogged, bodies skipped", configuration: codec) { benchmark in
        try encodedRequest.withUnsafeBytes { raw in
            for _ in benchmark.scaledIterations { blackHole(try BinaryEventCodec.decode(raw, bodies: .skip)) }
        }
    }

    Benchmark("codec NDJSON encode requestLogged", configuration: codec) { benchmark in
        var out: [UInt8] = []
        for _ in benchmark.scaledIterations {
            out.removeAll(keepingCapacity: true)
            NDJSONEventCodec.encode(sampleRequest, into: &out)
            blackHole(out.count)
        }
    }

    Benchmark(
        "token check", configuration: codec,
        closure: { benchmark in
            guard let (writer, token) = tokenFixture else { fatalError("no fixture") }
            for _ in benchmark.scaledIterations { blackHole(try writer.checkToken(token)) }
        },
        setup: {
            try? FileManager.default.removeItem(atPath: tokenPath)
            atexit { try? FileManager.default.removeItem(atPath: tokenPath) }
            let directory = tokenPath
            let journal = try Journal.create(at: directory + "/journal", logger: logger)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let writer = try Writer(journal: journal, tokens: try TokenIssuer(keyFile: directory + "/token.key"), logger: logger)
            _ = try await writer.registerAccount(id: "3r4s3", name: "Napoli", timeZone: "Europe/Paris")
            _ = try await writer.registerLocation(id: "3r4s3-1", accountID: "3r4s3", name: "Bastille", timeZone: "Europe/Paris")
            _ = try await writer.registerApp(AppRegistered(
                appID: "pos", name: "POS", level: .location, scope: "location[orders.write]"))
            // A thousand connections, so the lookup is not in a table of one.
            var token = ""
            for i in 0..<1000 {
                let r = try await writer.connect(
                    appID: "pos", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: "till-\(i)", catalogID: nil, customerListID: nil)
                token = r.accessToken
            }
            tokenFixture = (writer, token)
        })
}
