import ArgumentParser
import Events
import Foundation
import Journal
import Logging

/// Appends batches of request events in a loop and reports each batch on standard output
/// only once its commit is durable, so a test that kills this process at a random moment
/// knows exactly what was acknowledged.
///
/// Each line is `ack FIRST LAST TAG`; every event of the batch carries the request id
/// `TAG/INDEX`.
struct AppendLoop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append-loop",
        abstract: "Append tagged batches in a loop, printing `ack FIRST LAST TAG` after each durable commit.")

    @Option(help: "The data directory (initialized).")
    var data: String

    @Option(name: .customLong("run"), help: "A name for this run, part of every tag.")
    var runName: String

    @Option(help: "Events per batch.")
    var batch: Int = 50

    @Option(help: "Bytes of request body per event.")
    var bodyBytes: Int = 1000

    @Option(help: "Stop after this many batches (0: never).")
    var batches: Int = 0

    @Option(help: "Initial map size in bytes (the map grows by itself).")
    var mapSize: Int = 64 << 20

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        guard bodyBytes >= 0 else { throw ValidationError("--body-bytes must not be negative") }
    }

    func run() throws {
        var logger = Logger(label: "junction.chaos") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let directory = DataDirectory(data)
        var options = Journal.Options()
        options.initialMapSize = mapSize
        let journal = try directory.openJournalForWriting(purpose: "junction-chaos append-loop", options: options, logger: logger)
        let body = Array(repeating: UInt8(ascii: "x"), count: bodyBytes)
        var number = 0
        while batches == 0 || number < batches {
            number += 1
            let tag = "\(runName)-\(number)"
            var records = RecordBatch(reservingBytes: batch * (bodyBytes + 128), records: batch)
            for i in 0..<batch {
                let event = Event(
                    time: Timestamp(seconds: 1_796_000_000 + Int64(number)),
                    .requestLogged(RequestLogged(
                        connectionID: "chaos", requestID: "\(tag)/\(i)", method: .post, resource: "orders",
                        url: "/orders", status: 201, durationMicroseconds: UInt64(i), requestBody: body)))
                try records.appendRecord { try BinaryEventCodec.encode(event, into: &$0) }
            }
            let range = try journal.appendAndWait(records)
            let line = Array("ack \(range.lowerBound) \(range.upperBound) \(tag)\n".utf8)
            // Unbuffered, so what the test reads is exactly what was acknowledged.
            _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        }
        journal.close()
    }
}
