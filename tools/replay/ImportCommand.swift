import ArgumentParser
import Domain
import Events
import Foundation
import Journal

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append an NDJSON export to a journal, in durable batches.",
        discussion: """
            The whole input is parsed and validated first: a bad line is reported with its
            number and nothing is appended. Sequence numbers are given anew by the journal.
            """)

    @OptionGroup var options: ReplayOptions

    @Option(help: ArgumentHelp("Read from this file instead of standard input.", valueName: "FILE"))
    var from: String?

    @Option(help: "Events per commit.")
    var batch: Int = 10_000

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        let logger = options.makeLogger("junction.replay")
        let input: Data
        if let from {
            guard let d = FileManager.default.contents(atPath: from) else { throw ReplayFailure("cannot read \(from)") }
            input = d
        } else {
            input = FileHandle.standardInput.readDataToEndOfFile()
        }
        // Parse everything before writing anything.
        var batches: [RecordBatch] = [RecordBatch()]
        var lineNumber = 0
        for line in input.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = [UInt8](line)
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let event: Event
            do {
                event = try bytes.withUnsafeBufferPointer { try NDJSONEventCodec.decode(line: $0) }
                try ValueRules.validate(event)
            } catch {
                throw ReplayFailure("line \(lineNumber): \(error); nothing was imported")
            }
            if batches[batches.count - 1].count == batch { batches.append(RecordBatch()) }
            try batches[batches.count - 1].appendRecord { try BinaryEventCodec.encode(event, into: &$0) }
        }
        guard !batches[0].isEmpty else { throw ReplayFailure("no events to import") }
        let data = options.dataDirectory
        try reporting {
            let journal = try data.openJournalForWriting(purpose: "junction-replay import", logger: logger)
            defer { journal.close() }
            var total = 0
            var range: ClosedRange<UInt64>?
            for b in batches {
                let r = try journal.appendAndWait(b)
                range = range.map { $0.lowerBound...r.upperBound } ?? r
                total += b.count
            }
            print("imported \(total) events: \(range!.lowerBound)…\(range!.upperBound)")
        }
    }
}
