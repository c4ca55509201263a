/// A strict JSON parser (RFC 8259) over UTF-8 bytes, reporting the byte offset of the
/// first error.
public struct JSONParser {
    /// Malformed JSON: what was expected and where.
    public struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { "\(message) at byte \(offset + 1)" }
    }

    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    public static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// Members of the outermost object whose values' byte ranges are wanted, and those found.
    private var wanted: Set<String> = []
    private var ranges: [String: Range<Int>] = [:]
    /// Where strings with escapes are decoded: made at the first such string, or given by
    /// the caller to be used again across many parses.
    private var scratch: DecodingBuffer?

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses one JSON value filling all of `bytes` (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.i == bytes.count else { throw parser.fail("unexpected text after the JSON value") }
        return value
    }

    /// Parses like ``parse(_:)``, also giving where the values of the outermost object's
    /// members named in `members` lie in `bytes`: their text exactly as it was sent (null
    /// values left out; of a member given twice, the last).
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, recordingRangesOf members: Set<String>
    ) throws(Error) -> (value: JSONValue, ranges: [String: Range<Int>]) {
        var parser = JSONParser(bytes)
        parser.wanted = members
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.i == bytes.count else { throw parser.fail("unexpected text after the JSON value") }
        return (value, parser.ranges)
    }

    public static func parse(_ bytes: [UInt8]) throws(Error) -> JSONValue {
        try bytes.withUnsafeBufferPointer { b in Result { () throws(Error) in try parse(b) } }.get()
    }

    public static func parse(_ text: String) throws(Error) -> JSONValue {
        var text = text
        return try text.withUTF8 { b in Result { () throws(Error) in try parse(b) } }.get()
    }

    private func fail(_ message: String) -> Error { Error(offset: i, message: message) }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(Error) -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Error) {
        let n = word.utf8CodeUnitCount
        guard bytes.count - i >= n else { throw fail("unexpected end of input") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        i += n
    }

    private mutating func enter() throws(Error) {
        depth += 1
        guard depth <= JSONParser.maximumDepth else { throw fail("nesting deeper than \(JSONParser.maximumDepth)") }
    }

    private mutating func parseObject() throws(Error) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            let start = i
            let value = try parseValue()
            members.append((key, value))
            // A null stands for an absent member: the range kept is that of the value given.
            if depth == 1, !wanted.isEmpty, value != .null, wanted.contains(key) { ranges[key] = start..<i }
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of input in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws(Error) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func parseString() throws(Error) -> String {
        String(decoding: try parseCheckedStringBytes(), as: UTF8.self)
    }

    /// A string's bytes, escapes decoded and checked to be UTF-8, where
    /// ``parseStringBytes()`` leaves them.
    private mutating func parseCheckedStringBytes() throws(Error) -> UnsafeBufferPointer<UInt8> {
        let start = i
        var highBits: UInt64 = 0
        let text = try parseStringBytes(highBits: &highBits)
        // Text sent as ASCII is valid UTF-8 however it is escaped (a `\u` escape decodes
        // to a whole scalar): only text with other bytes is checked, most strings not.
        guard highBits == 0 || UTF8Validation.isValid(text) else {
            throw Error(offset: start, message: "invalid UTF-8 in a string")
        }
        return text
    }

    /// A string's bytes, escapes decoded, not yet checked to be UTF-8: a slice of the
    /// input, or of the scratch buffer (valid until the next string). `highBits` gets the
    /// high bits of the bytes read as they were sent: zero if they are all ASCII.
    private mutating func parseStringBytes(highBits: inout UInt64) throws(Error) -> UnsafeBufferPointer<UInt8> {
        i += 1
        // Fast path: no escapes, so the bytes between the quotes are the string.
        let k = nextSpecialByte(from: i, highBits: &highBits)
        guard k < bytes.count else { i = k; throw fail("unterminated string") }
        if bytes[k] == UInt8(ascii: "\"") {
            let text = UnsafeBufferPointer(rebasing: bytes[i..<k])
            i = k + 1
            return text
        }
        if bytes[k] < 0x20 { i = k; throw fail("control character in a string") }
        // Escapes: decoded into the parser's scratch buffer, runs of plain bytes copied
        // whole (bodies logged as JSON strings are mostly such runs between escaped
        // quotes). Decoding never lengthens text (an escape of n bytes gives at most n), so
        // a buffer the size of the input holds any of its strings.
        if scratch == nil { scratch = DecodingBuffer() }
        let out = scratch!.room(for: bytes.count)
        // The run before the first escape is already scanned.
        out.update(from: bytes.baseAddress! + i, count: k - i)
        var o = k - i
        i = k
        while true {
            copyPlainRun(to: out, at: &o, highBits: &highBits)
            guard i < bytes.count else { throw fail("unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw fail("control character in a string") }
            i += 1
            guard i < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[i]
            i += 1
            let decoded: UInt8
            switch e {
            case UInt8(ascii: "\""): decoded = 0x22
            case UInt8(ascii: "\\"): decoded = 0x5C
            case UInt8(ascii: "/"): decoded = 0x2F
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                for byte in UTF8.encode(try unicodeEscape())! {
                    out[o] = byte
                    o += 1
                }
                continue
            default:
                i -= 1
                throw fail("invalid escape")
            }
            out[o] = decoded
            o += 1
        }
        i += 1
        return UnsafeBufferPointer(start: out, count: o)
    }

    /// After `\uXXXX`'s `u`: the scalar, joining a surrogate pair.
    private mutating func unicodeEscape() throws(Error) -> Unicode.Scalar {
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard bytes.count - i >= 6, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate")
            }
            i += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw fail("unpaired surrogate")
        }
        guard let u = Unicode.Scalar(scalar) else { throw fail("invalid unicode escape") }
        return u
    }

    /// Copies the bytes from `i` up to the next quote, backslash or control character (or
    /// the end of input) to `out + o`, moving both on: eight bytes at a time, each word
    /// stored whole and the part past the run written over next. That stays in the
    /// buffer: `o` is behind `i` (decoding never lengthens text), and the buffer is as
    /// long as the input. The run's high bits go into `highBits`.
    @inline(__always)
    private mutating func copyPlainRun(to out: UnsafeMutablePointer<UInt8>, at o: inout Int, highBits: inout UInt64) {
        let base = bytes.baseAddress!
        while bytes.count - i >= 8 {
            let raw = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(out + o).storeBytes(of: raw, as: UInt64.self)
            let word = UInt64(littleEndian: raw)
            let found = Self.specialBytes(word)
            if found != 0 {
                let run = found.trailingZeroBitCount >> 3
                highBits |= Self.highBits(of: word, firstBytes: run)
                i += run
                o += run
                return
            }
            highBits |= word & 0x8080_8080_8080_8080
            i += 8
            o += 8
        }
        while i < bytes.count {
            let c = base[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { return }
            highBits |= UInt64(c & 0x80)
            out[o] = c
            i += 1
            o += 1
        }
    }

    /// The high bits of the first `count` (0…7) bytes of `word` (little-endian).
    @inline(__always)
    private static func highBits(of word: UInt64, firstBytes count: Int) -> UInt64 {
        word & 0x8080_8080_8080_8080 & ((1 &<< UInt64(count &* 8)) &- 1)
    }

    /// The high bit set in each byte of `word` that may be a quote, backslash or control
    /// character: the lowest one set is exact (only bytes above a match can be flagged
    /// falsely).
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word) & 0x8080_8080_8080_8080
    }

    /// The first quote, backslash or control character at or after `from`, or the end of
    /// input. Eight bytes at a time: in each test the lowest flagged byte is exact (only
    /// bytes above a match can be flagged falsely), so the lowest of all is the answer.
    /// The high bits of the bytes before it go into `highBits`.
    @inline(__always)
    private func nextSpecialByte(from: Int, highBits: inout UInt64) -> Int {
        let base = bytes.baseAddress!
        var j = from
        while j + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
            let found = Self.specialBytes(word)
            if found != 0 {
                let run = found.trailingZeroBitCount >> 3
                highBits |= Self.highBits(of: word, firstBytes: run)
                return j + run
            }
            highBits |= word & 0x8080_8080_8080_8080
            j += 8
        }
        while j < bytes.count {
            let c = base[j]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { return j }
            highBits |= UInt64(c & 0x80)
            j += 1
        }
        return j
    }

    private mutating func hex4() throws(Error) -> UInt32 {
        guard bytes.count - i >= 4 else { throw fail("truncated unicode escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
            default: throw fail("invalid hex digit in unicode escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func parseNumber() throws(Error) -> JSONValue {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        var isInteger = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if isInteger, let v = Int64(text) { return .integer(v) }
        guard let d = Double(text), d.isFinite else {
            i = start
            throw fail("number out of range")
        }
        return .number(d)
    }

    @inline(__always)
    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}

// MARK: Reading without a tree

extension JSONParser {
    /// Reads the one JSON value filling `bytes` (surrounding whitespace allowed) with
    /// `body`, which takes it apart with the reading calls below instead of building a
    /// tree. `body` returns nil to give up, and so does this when text follows the value.
    /// The reading calls accept exactly what ``parse(_:)`` accepts and give the same
    /// strings and numbers; each returns nil or false, having consumed an unknown part of
    /// the value, when the next value is not of the kind asked for.
    ///
    /// `buffer`, when given, is where strings with escapes are decoded: one buffer used for
    /// many lines makes no allocation per line once it has grown to their size.
    public static func read<R>(
        _ bytes: UnsafeBufferPointer<UInt8>, buffer: DecodingBuffer? = nil, _ body: (inout JSONParser) throws(Error) -> R?
    ) throws(Error) -> R? {
        var parser = JSONParser(bytes)
        parser.scratch = buffer
        guard let result = try body(&parser) else { return nil }
        parser.skipWhitespace()
        guard parser.i == bytes.count else { return nil }
        return result
    }

    /// The next byte that is not whitespace, not consumed (`{`, `[`, `"`, …: what kind of
    /// value comes); nil at the end.
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return i < bytes.count ? bytes[i] : nil
    }

    /// Reads an object, giving `member` each member's name to read its value (with one
    /// reading call). False when the next value is not an object, or `member` gives up.
    public mutating func readObject(_ member: (String, inout JSONParser) throws(Error) -> Bool) throws(Error) -> Bool {
        try readObjectNamedBytes { (name: UnsafeBufferPointer<UInt8>, p: inout JSONParser) throws(Error) -> Bool in
            try member(String(decoding: name, as: UTF8.self), &p)
        }
    }

    /// Reads an array, `element` reading each of its values. False when the next value is
    /// not an array, or `element` gives up.
    public mutating func readArray(_ element: (inout JSONParser) throws(Error) -> Bool) throws(Error) -> Bool {
        guard peek() == UInt8(ascii: "[") else { return false }
        try enter()
        defer { depth -= 1 }
        i += 1
        if peek() == UInt8(ascii: "]") {
            i += 1
            return true
        }
        while true {
            guard try element(&self) else { return false }
            guard let next = peek() else { throw fail("unexpected end of input in an array") }
            if next == UInt8(ascii: ",") { i += 1; continue }
            if next == UInt8(ascii: "]") { i += 1; return true }
            throw fail("expected ',' or ']'")
        }
    }

    /// Consumes `null` if it comes next.
    public mutating func readNull() throws(Error) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// A string value, as the tree would hold it.
    public mutating func readString() throws(Error) -> String? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        return try parseString()
    }

    /// A string value's UTF-8 bytes (checked like a string's), without making a `String`
    /// of ASCII text.
    public mutating func readStringBytes() throws(Error) -> [UInt8]? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        return Array(try parseCheckedStringBytes())
    }

    /// Where a string value's bytes are: in the input, when it has no escapes, or appended
    /// to the caller's buffer, decoded.
    public enum StringBytes: Hashable, Sendable {
        case input(Range<Int>)
        case decoded(Range<Int>)
    }

    /// A string value's UTF-8 bytes (checked like a string's), left where they lie when
    /// they need no decoding, else appended to `decoded`; no `String` is made.
    public mutating func readStringBytes(decodingInto decoded: inout [UInt8]) throws(Error) -> StringBytes? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        let text = try parseCheckedStringBytes()
        if let base = bytes.baseAddress, let at = text.baseAddress, at >= base, at <= base + bytes.count {
            let offset = at - base
            return .input(offset..<offset + text.count)
        }
        let first = decoded.count
        decoded.append(contentsOf: text)
        return .decoded(first..<decoded.count)
    }

    /// Reads an object like ``readObject(_:)``, giving `member` each member's name as UTF-8
    /// bytes (checked), valid until the next string is read: names are matched without
    /// making a `String` of each.
    public mutating func readObjectNamedBytes(
        _ member: (UnsafeBufferPointer<UInt8>, inout JSONParser) throws(Error) -> Bool
    ) throws(Error) -> Bool {
        guard peek() == UInt8(ascii: "{") else { return false }
        try enter()
        defer { depth -= 1 }
        i += 1
        if peek() == UInt8(ascii: "}") {
            i += 1
            return true
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseCheckedStringBytes()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            guard try member(key, &self) else { return false }
            guard let next = peek() else { throw fail("unexpected end of input in an object") }
            if next == UInt8(ascii: ",") { i += 1; continue }
            if next == UInt8(ascii: "}") { i += 1; return true }
            throw fail("expected ',' or '}'")
        }
    }

    /// An integer value (a number without fraction or exponent that fits in 64 bits).
    public mutating func readInteger() throws(Error) -> Int64? {
        guard let c = peek(), c == UInt8(ascii: "-") || isDigit(c) else { return nil }
        guard case .integer(let value) = try parseNumber() else { return nil }
        return value
    }

    /// Any value, as a tree, with where its text lies in the input.
    public mutating func readValue() throws(Error) -> (value: JSONValue, text: Range<Int>) {
        skipWhitespace()
        let start = i
        let value = try parseValue()
        return (value, start..<i)
    }

    /// The input's bytes in `range` (from ``readValue()``).
    public func text(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[range])
    }
}

/// Room where a parser decodes strings with escapes, kept across parses by a caller that
/// reads many texts (an NDJSON batch) so that each does not allocate its own.
///
/// Not `Sendable`: one reader uses it at a time.
public final class DecodingBuffer {
    private var pointer: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    public init() {
        capacity = 0
        pointer = .allocate(capacity: 1)
    }

    deinit { pointer.deallocate() }

    /// At least `count` bytes; what an earlier call held is not kept.
    fileprivate func room(for count: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity < count {
            pointer.deallocate()
            capacity = Swift.max(count, capacity * 2)
            pointer = .allocate(capacity: capacity)
        }
        return pointer
    }
}
