import Events

/// Any bytes given to the JSON parser either throw or give a value whose serialization
/// parses to the same value; values the event parser accepts round-trip through both
/// the NDJSON and the binary form. This is the path every ingested line takes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(buffer) else { return 0 }
    let serialized = value.serialized
    guard let reparsed = try? JSONParser.parse(serialized) else {
        fatalError("a parsed value does not parse after serialization: \(String(decoding: serialized, as: UTF8.self))")
    }
    precondition(reparsed == value, "JSON round trip changed the value")
    guard let event = try? NDJSONEventCodec.decode(value) else { return 0 }
    let line = NDJSONEventCodec.encode(event)
    guard let again = try? NDJSONEventCodec.decode(line: line) else { fatalError("the NDJSON form does not decode: \(line)") }
    precondition(again == event, "NDJSON round trip changed the event: \(line)")
    guard let fromBinary = try? BinaryEventCodec.decode(try BinaryEventCodec.encode(event)) else {
        fatalError("the binary form does not decode: \(line)")
    }
    precondition(fromBinary == event, "binary round trip changed the event: \(line)")
    return 0
}
