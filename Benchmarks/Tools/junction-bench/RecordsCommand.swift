import ArgumentParser
import Foundation
import Journal
import Logging

/// Dumps every stored record of a journal, in order, as a u32 little-endian length and the
/// bytes: the workload both append loops (Swift and C) replay.
struct RecordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "records", abstract: "Dump a journal's records, length-prefixed.")

    @Option(help: "The journal directory (the LMDB environment).")
    var journal: String

    @Option(help: "The output file.")
    var out: String

    func run() throws {
        let journal = try Journal.open(at: journal, readOnly: true, logger: Logger(label: "junction.bench"))
        defer { journal.close() }
        FileManager.default.createFile(atPath: out, contents: nil)
        guard let file = FileHandle(forWritingAtPath: out) else { throw ValidationError("cannot write \(out)") }
        defer { try? file.close() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 << 20)
        var records = 0
        var bytes = 0
        try journal.scan { _, value in
            var length = UInt32(value.count).littleEndian
            withUnsafeBytes(of: &length) { buffer.append(contentsOf: $0) }
            buffer.append(contentsOf: value)
            records += 1
            bytes += value.count
            if buffer.count > 4 << 20 {
                file.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
            return true
        }
        file.write(Data(buffer))
        printJSON { w in
            w.integer("records", Int64(records))
            w.integer("bytes", Int64(bytes))
        }
    }
}

/// Reads a file written by `records` into batches of `size` records.
func readBatches(_ path: String, size: Int) throws -> (batches: [RecordBatch], records: Int, bytes: Int) {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
    var batches: [RecordBatch] = []
    var batch = RecordBatch()
    var records = 0
    var bytes = 0
    data.withUnsafeBytes { raw in
        var i = 0
        while i + 4 <= raw.count {
            let length = Int(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian)
            i += 4
            batch.append(UnsafeRawBufferPointer(rebasing: raw[i..<i + length]))
            i += length
            records += 1
            bytes += length
            if batch.count == size {
                batches.append(batch)
                batch = RecordBatch()
            }
        }
    }
    if !batch.isEmpty { batches.append(batch) }
    return (batches, records, bytes)
}
