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
