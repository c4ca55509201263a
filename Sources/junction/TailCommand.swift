import ArgumentParser
import Events
import Journal

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print journal events as NDJSON, from a sequence number on.",
        discussion: "Reads beside a running daemon. Events of kinds this build does not know are skipped.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The first sequence number to print.")
    var from: UInt64 = 1

    @Flag(help: "Keep waiting for new events after the head.")
    var follow = false

    func run() async throws {
        let logger = global.makeLogger("junction.tail")
        let journal: Journal
        do {
            journal = try global.dataDirectory.openJournalForReading(logger: logger)
        } catch let error as JournalError {
            throw CommandFailure(error.description)
        }
        defer { journal.close() }
        var out = OutputBuffer()
        for try await chunk in journal.tail(from: from, follow: follow) {
            try chunk.forEach { seq, bytes in
                let event: Event
                do {
                    event = try BinaryEventCodec.decode(bytes)
                } catch {
                    out.flush()
                    throw CommandFailure("event \(seq) cannot be decoded: \(error)")
                }
                if case .unknown = event.payload { return }
                out.withBytes { buffer in
                    NDJSONEventCodec.encode(event, seq: seq, into: &buffer)
                    buffer.append(10)
                }
            }
            out.flush()
        }
    }
}
