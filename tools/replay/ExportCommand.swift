import ArgumentParser
import Events
import Foundation
import Journal

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the journal as canonical NDJSON (events of unknown kinds included, as base64).")

    @OptionGroup var options: ReplayOptions

    @Option(help: "The first sequence number to export.")
    var from: UInt64 = 1

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE"))
    var out: String?

    func run() throws {
        let logger = options.makeLogger("junction.replay")
        let journal = try reporting { try options.dataDirectory.openJournalForReading(logger: logger) }
        defer { journal.close() }
        let handle: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil) , let h = FileHandle(forWritingAtPath: out) else {
                throw ReplayFailure("cannot write \(out)")
            }
            handle = h
        } else {
            handle = .standardOutput
        }
        var next = from
        var buffer: [UInt8] = []
        var count = 0
        while true {
            let chunk = try reporting { try journal.readChunk(from: next, maxRecords: 4096) }
            guard let last = chunk.lastSequenceNumber else { break }
            try chunk.forEach { seq, bytes in
                let event: Event
                do {
                    event = try BinaryEventCodec.decode(bytes)
                } catch {
                    throw ReplayFailure("event \(seq) cannot be decoded: \(error)")
                }
                // An unknown kind whose time the text form cannot write cannot be exported
                // verbatim: it is skipped, and said.
                if case .unknown(let kind, _) = event.payload, !event.time.isWithinTextRange {
                    FileHandle.standardError.write(Data("skipped event \(seq): unknown kind \(kind) with a time outside 0001-9999\n".utf8))
                    return
                }
                NDJSONEventCodec.encode(event, seq: seq, into: &buffer)
                buffer.append(10)
                count += 1
            }
            handle.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
            guard last < .max else { break }  // the last number there can be
            next = last + 1
        }
        if out != nil {
            try handle.close()
            FileHandle.standardError.write(Data("exported \(count) events to \(out!)\n".utf8))
        }
    }
}
