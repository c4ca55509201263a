import Events
import TestSupport
import Testing

struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-11-29T09:14:03Z", Int64(1_795_943_643_000_000)),
        ("2026-03-29T01:59:59.5+00:00", Int64(1_774_749_599_500_000)),
        ("2024-02-29T12:00:00.000001-05:30", Int64(1_709_227_800_000_001)),
        ("1969-12-31T23:59:59.999999Z", Int64(-1)),
    ])
    func parses(text: String, micros: Int64) {
        #expect(Timestamp(rfc3339: text)?.microseconds == micros)
    }

    @Test(arguments: ["", "2026-02-30T00:00:00Z", "2026-11-29 09:14:03", "2026-11-29T24:00:00Z",
                      "2026-11-29T09:14:03.1234567Z", "2026-11-29T09:14:03+2:00", "2026-11-29T09:14:03Zjunk",
                      "0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T12:00:00Z", "9999-12-31T00:00:00Z"])
    func refuses(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func formatsAndParsesBack() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<20_000 {
            let t = Timestamp(microseconds: Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &rng))
            #expect(Timestamp(rfc3339: t.rfc3339) == t)
        }
        #expect(Timestamp(microseconds: 1_795_943_643_000_001).rfc3339 == "2026-11-29T09:14:03.000001Z")
    }
}

struct ScopeTests {
    @Test(arguments: [
        "location[orders.write,customer_list.read]", "account[customer_list.read],profile",
        "account[all_customer_lists.read,all_catalogs.read],profile_with_email", "location[]",
    ])
    func parsesAndPrintsBack(text: String) throws {
        #expect(try Scope(parsing: text).description == text)
    }

    @Test(arguments: ["either[orders.read]", "location[orders]", "location[orders.read,orders.read]",
                      "location[orders.read],admin", "location", "[orders.read]", "location[pizzas.read]"])
    func refuses(text: String) {
        #expect(throws: Scope.ParseError.self) { _ = try Scope(parsing: text) }
    }
}

struct JSONParserTests {
    @Test func parsesEscapesAndSurrogates() throws {
        let value = try JSONParser.parse(#"{"a":"\u00e9\ud83c\udf55\n\"","b":[1,-2.5e3,true,null],"c":{}}"#)
        #expect(value["a"] == .string("é🍕\n\""))
        #expect(value["b"] == .array([.integer(1), .number(-2500), .bool(true), .null]))
        #expect(value["c"] == .object([]))
    }

    @Test(arguments: ["", "{", "{\"a\"}", "[1,]", "01", "\"\\ud800\"", "\"a\nb\"", "tru", "{} {}", "1e999", "\"\\x\""])
    func refusesMalformed(text: String) {
        #expect(throws: JSONParser.Error.self) { _ = try JSONParser.parse(text) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Error.self) { _ = try JSONParser.parse(deep) }
    }

    /// The parser scans strings eight bytes at a time and decodes escapes in place; it must
    /// agree, on values and on errors, with a byte-at-a-time reading of RFC 8259.
    @Test func stringsAgreeWithAByteAtATimeReading() {
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("é".utf8), Array("🍕".utf8), Array("abcdefghijklmnopq".utf8), [0xFF], [0xC3], [0x80],
            Array("\"".utf8), Array("\\".utf8), Array("\\n".utf8), Array("\\\"".utf8), Array("\\/".utf8),
            Array("\\u".utf8), Array("\\u00e9".utf8), Array("\\ud83c".utf8), Array("\\udf55".utf8), Array("\\u12".utf8),
            Array("u".utf8), Array("0".utf8), Array("D".utf8), Array("x".utf8), Array(" ".utf8), [0x01], [0x1F], [0x7F],
        ]
        var rng = SeededGenerator(seed: 20261129)
        var accepted = 0
        for _ in 0..<20_000 {
            var input: [UInt8] = [0x22]
            for _ in 0..<Int.random(in: 0...24, using: &rng) { input += pieces.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { input.append(0x22) }
            let expected = ReferenceJSONString.parse(input)
            let actual = Result { () throws(JSONParser.Error) in try JSONParser.parse(input) }
            switch (actual, expected) {
            case (.success(.string(let a)), .success(let e)):
                #expect(a == e, "\(input)")
                accepted += 1
            case (.failure(let a), .failure(let e)):
                #expect(ReferenceJSONString.Failure(offset: a.offset, message: a.message) == e, "\(input)")
            default:
                Issue.record("\(input): parser \(actual), reference \(expected)")
            }
        }
        #expect(accepted > 500, "too few valid strings generated to mean anything")
    }

    @Test func writerOutputParsesBack() throws {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<2000 {
            let scalars = (0..<Int.random(in: 0...20, using: &rng)).compactMap { _ in
                Unicode.Scalar(UInt32.random(in: 0...0x1F6FF, using: &rng))
            }
            let s = String(String.UnicodeScalarView(scalars))
            var out: [UInt8] = []
            JSONWriter.appendString(s, to: &out)
            #expect(try JSONParser.parse(out) == .string(s))
        }
    }
}

/// RFC 8259's string grammar read one byte at a time, with the parser's error messages and
/// offsets: the reference for `JSONParser`'s word-at-a-time scanning.
enum ReferenceJSONString {
    struct Failure: Error, Equatable {
        var offset: Int
        var message: String
    }

    static func parse(_ b: [UInt8]) -> Result<String, Failure> {
        func fail(_ at: Int, _ message: String) -> Result<String, Failure> {
            .failure(Failure(offset: at, message: message))
        }
        var i = 1
        var out: [UInt8] = []
        func hex(_ at: Int) -> UInt32? {
            switch b[at] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b[at] - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b[at] - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b[at] - 55)
            default: nil
            }
        }
        func hex4() -> Result<UInt32, Failure> {
            guard b.count - i >= 4 else { return .failure(.init(offset: i, message: "truncated unicode escape")) }
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let d = hex(i) else { return .failure(.init(offset: i, message: "invalid hex digit in unicode escape")) }
                v = v << 4 | d
                i += 1
            }
            return .success(v)
        }
        while true {
            guard i < b.count else { return fail(i, "unterminated string") }
            let c = b[i]
            if c == 0x22 { break }
            if c < 0x20 { return fail(i, "control character in a string") }
            i += 1
            if c != 0x5C { out.append(c); continue }
            guard i < b.count else { return fail(i, "unterminated escape") }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar: UInt32
                switch hex4() { case .success(let v): scalar = v; case .failure(let f): return .failure(f) }
                if (0xD800...0xDBFF).contains(scalar) {
                    guard b.count - i >= 6, b[i] == 0x5C, b[i + 1] == UInt8(ascii: "u") else { return fail(i, "unpaired surrogate") }
                    i += 2
                    let low: UInt32
                    switch hex4() { case .success(let v): low = v; case .failure(let f): return .failure(f) }
                    guard (0xDC00...0xDFFF).contains(low) else { return fail(i, "unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    return fail(i, "unpaired surrogate")
                }
                out += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
            default:
                return fail(i - 1, "invalid escape")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { return fail(0, "invalid UTF-8 in a string") }
        i += 1
        while i < b.count, [0x20, 0x0A, 0x0D, 0x09].contains(b[i]) { i += 1 }
        guard i == b.count else { return fail(i, "unexpected text after the JSON value") }
        return .success(s)
    }
}
