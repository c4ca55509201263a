import Domain
import Events
import Ingestion

/// Any bytes given as a `POST /v1/logs` entry: the one-pass reader and the tree parser,
/// which defines what is accepted, agree. The reader takes only what the tree path takes
/// and writes the record of the tree path's request, redacted, byte for byte (the time
/// aside when the entry gives none: each side takes its own now); that record decodes, and
/// reads in place, to the same request. The reader may leave any entry to the tree path
/// (a base64 body, an unknown member set to null, ...): that costs time, not correctness.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = UnsafeBufferPointer(start: data, count: size)
    var batch = RequestLogBatch()
    var scratch = LogEntryReader.Scratch()
    let took = LogEntryReader.append(line, number: 1, to: &batch, scratch: &scratch)
    let tree: (time: Timestamp, request: RequestLogged)
    do {
        tree = try LogEntryParser.parseThroughTree(line, line: 1)
    } catch {
        precondition(!took, "the reader took an entry the tree path refuses (\(error))")
        precondition(batch.isEmpty && batch.records.bytes.isEmpty, "a refusal wrote bytes")
        return 0
    }
    guard took else {
        precondition(batch.isEmpty && batch.records.bytes.isEmpty, "an entry left to the tree path wrote bytes")
        return 0
    }
    let members: [(key: String, value: JSONValue)]
    if case .object(let m)? = try? JSONParser.parse(line) { members = m } else { members = [] }
    let expected: [UInt8]
    do {
        expected = try BinaryEventCodec.encode(Event(time: tree.time, .requestLogged(Redaction.redact(tree.request))))
    } catch {
        fatalError("the tree path's request does not encode: \(error)")
    }
    precondition(batch.count == 1 && batch.connectionIDs == [tree.request.connectionID], "the batch names another connection")
    var record = batch.records[0]
    let hasTime = members.contains { $0.key == "time" && $0.value != .null }
    if !hasTime, record.count >= 10, expected.count >= 10 { record.replaceSubrange(2..<10, with: expected[2..<10]) }
    precondition(record == expected, "the reader's record differs from the tree path's")
    let decoded: Event
    do {
        decoded = try BinaryEventCodec.decode(record)
    } catch {
        fatalError("the reader's record does not decode: \(error)")
    }
    guard case .requestLogged(let request) = decoded.payload else { fatalError("the record is not a request") }
    let inPlace = record.withUnsafeBytes { try? BinaryEventCodec.requestFields($0, reading: .summary).map { String(decoding: $0.url, as: UTF8.self) } }
    precondition(inPlace == request.url, "the record read in place gives another URL")
    return 0
}
