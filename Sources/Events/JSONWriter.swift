/// Writes compact JSON text into a byte buffer, with members in the order they are given.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    public init() {}

    /// Starts an object (as a member value if `key` is given).
    public mutating func beginObject(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    public mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    public mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func string(_ key: String?, _ value: String) {
        prefix(key)
        JSONWriter.appendString(value, to: &bytes)
    }

    /// Writes the member only when `value` is not nil (canonical form omits absent fields).
    public mutating func string(_ key: String, ifPresent value: String?) {
        if let value { string(key, value) }
    }

    public mutating func integer(_ key: String?, _ value: Int64) {
        prefix(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func unsigned(_ key: String?, _ value: UInt64) {
        prefix(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func bool(_ key: String?, _ value: Bool) {
        prefix(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null(_ key: String?) {
        prefix(key)
        bytes.append(contentsOf: "null".utf8)
    }

    public mutating func value(_ key: String?, _ value: JSONValue) {
        prefix(key)
        JSONWriter.appendValue(value, to: &bytes)
    }

    /// Writes already-serialised JSON text as a member value.
    public mutating func raw(_ key: String?, _ json: some Sequence<UInt8>) {
        prefix(key)
        bytes.append(contentsOf: json)
    }

    /// Writes the RFC 3339 text of a timestamp.
    public mutating func timestamp(_ key: String?, _ value: Timestamp) {
        prefix(key)
        bytes.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func prefix(_ key: String?) {
        if let last = needsComma.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
        }
        if let key {
            JSONWriter.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a JSON string literal, escaping what RFC 8259 requires.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString(utf8: $0, to: &out) }
    }

    /// Appends valid UTF-8 bytes as a JSON string literal.
    public static func appendString(utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + utf8.count + 2)
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        for (k, c) in utf8.enumerated() where c < 0x20 || c == 0x22 || c == 0x5C {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k]))
            runStart = k + 1
            out.append(UInt8(ascii: "\\"))
            switch c {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            default:
                out.append(contentsOf: [UInt8(ascii: "u"), 48, 48, hexDigits[Int(c >> 4)], hexDigits[Int(c & 15)]])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        out.append(UInt8(ascii: "\""))
    }

    /// Appends the compact JSON text of `value`.
    public static func appendValue(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .number(let d): out.append(contentsOf: "\(d)".utf8)
        case .string(let s): appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, member) in members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendValue(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `[[name, value], …]` under `key`: headers as the NDJSON form and the API write them.
    public mutating func headers(_ key: String, _ headers: [Header]) {
        beginArray(key)
        for h in headers {
            beginArray()
            string(nil, h.name)
            string(nil, h.value)
            endArray()
        }
        endArray()
    }
}
