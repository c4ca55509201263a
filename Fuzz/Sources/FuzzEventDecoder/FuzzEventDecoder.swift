import Events

/// Any bytes given to the binary decoder either throw or give an event whose encoding
/// decodes to the same event; with bodies skipped, it accepts the same records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let event = try? BinaryEventCodec.decode(bytes) else { return 0 }
    // What the decoder read, the encoder must write: their range checks are one.
    guard let encoded = try? BinaryEventCodec.encode(event) else {
        fatalError("an event decoded from \(size) bytes cannot be encoded: \(event)")
    }
    guard let again = try? BinaryEventCodec.decode(encoded) else {
        fatalError("an event decoded from \(size) bytes does not decode after encoding: \(event)")
    }
    precondition(again == event, "round trip changed the event: \(event) became \(again)")
    guard (try? BinaryEventCodec.decode(bytes, bodies: .skip)) != nil else {
        fatalError("decodes with bodies but not without: \(event)")
    }
    // The NDJSON form reads back as the same event, or is refused: the text parser also
    // checks meaning (a scope's grammar, an id's alphabet) that the storage decoder
    // leaves to the writer, so a record no writer produced may not pass it.
    // (Only for times the text form can show: an unknown kind's time is not range-checked,
    // and readers that write text skip such events.)
    guard event.time.isWithinTextRange else { return 0 }
    let line = NDJSONEventCodec.encode(event)
    if let fromText = try? NDJSONEventCodec.decode(line: line) {
        precondition(fromText == event, "NDJSON round trip changed the event: \(line)")
    }
    return 0
}
