import ArgumentParser
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

    func run() async throws {
        let data = global.dataDirectory
        let logger = global.makeLogger("junction.append")
        let input = FileHandle.standardInput.readDataToEndOfFile()
        if let socket {
            let reply = try await SocketClient(socketPath: socket).send(.post, "/v1/events", body: [UInt8](input), contentType: "application/x-ndjson")
            let v = reply.json ?? .null
            print("appended \(v["count"]?.integerValue ?? 0) events: \(v["first_seq"]?.integerValue ?? 0)…\(v["last_seq"]?.integerValue ?? 0)")
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
            let lock = try data.lockForWriting(purpose: "junction append")
            let journal = try data.openJournalForWriting(lock, options: Journal.Options(durability: durability), logger: logger)
            let range = try journal.appendAndWait(batch)
            journal.close()
            withExtendedLifetime(lock) {}
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
        let error: NDJSONEventCodec.Error
        var description: String { "line \(line): \(error)" }
    }

    /// Parses every non-blank line and encodes it into one batch; the first bad line throws.
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
                        do throws(NDJSONEventCodec.Error) {
                            let event = try NDJSONEventCodec.decode(line: line)
                            batch.appendRecord { BinaryEventCodec.encode(event, into: &$0) }
                        } catch {
                            throw LineError(line: lineNumber, error: error)
                        }
                    }
                    start = end + 1
                }
            }
        }.get()
        return batch
    }
}
