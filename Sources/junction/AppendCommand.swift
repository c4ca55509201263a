import ArgumentParser
import Domain
import Events
import Foundation
import Journal

struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append NDJSON events from standard input as one all-or-nothing batch.",
        discussion: """
            Every line is parsed and validated before anything is written: a malformed line
            is reported with its number and nothing is appended. Refuses to run while a
            daemon holds the data directory; with --socket, sends the events to that daemon,
            which also checks each against its state (no block of an unknown connection…).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Commit durability: full, nometasync or nosync (nosync: a system crash may lose what was just appended).")
    var durability: Durability = .full

    @Option(help: ArgumentHelp("Send the events to the daemon listening on this socket.", valueName: "PATH"))
    var socket: String?

    @Option(help: "With --socket: bytes per request; each request is one all-or-nothing batch.")
    var batchBytes: Int = 4 << 20

    /// Sends whole lines in requests of about `batchBytes`, in order; stops at the first
    /// refusal, saying what was appended before it.
    private func sendToDaemon(_ input: [UInt8], socket: String) async throws {
        let client = SocketClient(socketPath: socket)
        var start = 0
        var total: Int64 = 0
        var first: Int64?
        var last: Int64 = 0
        while start < input.count {
            var end = min(start + batchBytes, input.count)
            while end < input.count, input[end - 1] != 10 { end += 1 }
            let reply = try await client.send(.post, "/v1/events", body: Array(input[start..<end]), contentType: "application/x-ndjson",
                                              allowErrors: true)
            let v = reply.json ?? .null
            guard reply.status == 201 else {
                let message = v["message"]?.stringValue ?? String(decoding: reply.body, as: UTF8.self)
                let done = total > 0 ? "\(total) events were appended before this batch (\(first!)…\(last))" : "nothing was appended"
                throw CommandFailure("\(reply.status): \(message) (in the batch from byte \(start)); \(done)")
            }
            total += v["count"]?.integerValue ?? 0
            if first == nil { first = v["first_seq"]?.integerValue }
            last = v["last_seq"]?.integerValue ?? last
            start = end
        }
        print("appended \(total) events: \(first ?? 0)…\(last)")
    }

    func run() async throws {
        let data = global.dataDirectory
        let logger = global.makeLogger("junction.append")
        let input = FileHandle.standardInput.readDataToEndOfFile()
        if let socket {
            try await sendToDaemon([UInt8](input), socket: socket)
            return
        }
        let batch: RecordBatch
        do {
            batch = try EventLines.encode(Array(input))
        } catch {
            throw CommandFailure("\(error); nothing was appended")
        }
        guard !batch.isEmpty else { throw CommandFailure("no events on standard input; nothing was appended") }
        do {
            let journal = try data.openJournalForWriting(
                purpose: "junction append", options: Journal.Options(durability: durability), logger: logger)
            defer { journal.close() }
            let range = try journal.appendAndWait(batch)
            print("appended \(batch.count) events: \(range.lowerBound)…\(range.upperBound)")
        } catch let error as JournalError {
            throw CommandFailure("\(error); nothing was appended")
        }
    }
}

/// NDJSON text to encoded events.
enum EventLines {
    struct LineError: Error, CustomStringConvertible {
        let line: Int
        /// The codec's or the hub's value rules' message.
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    /// Parses every non-blank line, checks its values against the hub's rules and encodes
    /// it into one batch; the first bad line throws.
    static func encode(_ input: [UInt8]) throws(LineError) -> RecordBatch {
        var batch = RecordBatch(reservingBytes: input.count)
        var lineNumber = 0
        try input.withUnsafeBufferPointer { buffer in
            Result { () throws(LineError) in
                var start = 0
                while start < buffer.count {
                    var end = start
                    while end < buffer.count, buffer[end] != 10 { end += 1 }
                    lineNumber += 1
                    var lineEnd = end
                    if lineEnd > start, buffer[lineEnd - 1] == 13 { lineEnd -= 1 }
                    let line = UnsafeBufferPointer(rebasing: buffer[start..<lineEnd])
                    if !line.allSatisfy({ $0 == 32 || $0 == 9 }) {
                        let event: Event
                        do throws(NDJSONEventCodec.Error) {
                            event = try NDJSONEventCodec.decode(line: line)
                        } catch {
                            throw LineError(line: lineNumber, message: error.description)
                        }
                        do throws(DomainError) {
                            try ValueRules.validate(event)
                        } catch {
                            throw LineError(line: lineNumber, message: error.description)
                        }
                        do throws(EventEncodingError) {
                            try batch.appendRecord { (out: inout [UInt8]) throws(EventEncodingError) in
                                try BinaryEventCodec.encode(event, into: &out)
                            }
                        } catch {
                            throw LineError(line: lineNumber, message: error.description)
                        }
                    }
                    start = end + 1
                }
            }
        }.get()
        return batch
    }
}
