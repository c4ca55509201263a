import Events

/// Any bytes given to the binary decoder either throw or give an event whose encoding
/// decodes to the same event; with bodies skipped, it accepts the same records. The
/// in-place reader of requests (what projectors apply) refuses what the decoder refuses,
/// with the same error, and reads the fields it decodes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    for mode in [BinaryEventCodec.Bodies.summary, .counting, .decode] { compareRequestFields(bytes, mode) }
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

/// ``BinaryEventCodec/requestFields(_:reading:)`` against ``BinaryEventCodec/decode(_:bodies:)``.
private func compareRequestFields(_ bytes: UnsafeRawBufferPointer, _ mode: BinaryEventCodec.Bodies) {
    let decoded = Result { () throws(EventDecodingError) in try BinaryEventCodec.decode(bytes, bodies: mode) }
    let read = Result { () throws(EventDecodingError) in try BinaryEventCodec.requestFields(bytes, reading: mode).map(described) }
    switch (decoded, read) {
    case (.failure(let a), .failure(let b)):
        precondition(a == b, "\(mode): the decoder says \(a), the request reader \(b)")
    case (.success(let event), .success(let fields)):
        let expected = event.withRequestFields(described)
        precondition(fields == expected, "\(mode): the request reader read \(fields ?? "nil"), the decoder \(expected ?? "nil")")
    case (.failure(let error), .success(let fields)):
        // Only a record of another kind, whose fields the reader leaves unread.
        precondition(fields == nil, "\(mode): the decoder refuses (\(error)) what the request reader reads")
    case (.success(let event), .failure(let error)):
        fatalError("\(mode): the request reader refuses (\(error)) what the decoder reads: \(event)")
    }
}

private func described(_ f: RequestFields) -> String {
    func text(_ b: UnsafeBufferPointer<UInt8>?) -> String { b.map { "\(Array($0))" } ?? "none" }
    return "\(f.time.microseconds) \(text(f.connectionID)) \(text(f.requestID)) \(f.method) \(text(f.resource)) "
        + "\(text(f.url)) \(f.status) \(f.durationMicroseconds) \(f.requestBodyLength) \(f.responseBodyLength) \(f.bodiesExpired)"
}
