import Domain
import Events
import Journal
import Foundation
@testable import Ingestion
import TestSupport
import Testing

/// The one-pass reader of `POST /v1/logs` entries against the parser's tree path, which
/// defines what is accepted: on random entries, some well formed and some broken in one of
/// many ways, the reader takes exactly the entries the tree path accepts (bar those it
/// leaves to it, base64 bodies) and writes the record the tree path's request, redacted,
/// is encoded to, byte for byte.
@Suite struct LogEntryReaderTests {
    @Test func writesTheRecordOfExactlyWhatTheTreePathAccepts() throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var rng = SeededGenerator(seed: seed)
        var accepted = 0, refused = 0
        // One scratch for every line, as a batch uses it: nothing may leak from one to the next.
        var scratch = LogEntryReader.Scratch()
        for n in 0..<4000 {
            let (line, hasTime) = Self.entry(&rng)
            let bytes = Array(line.utf8)
            var batch = RequestLogBatch()
            let took = bytes.withUnsafeBufferPointer { LogEntryReader.append($0, number: 1, to: &batch, scratch: &scratch) }
            let tree = Result { try bytes.withUnsafeBufferPointer { try LogEntryParser.parseThroughTree($0, line: 1) } }
            switch (took, tree) {
            case (true, .success(let t)):
                accepted += 1
                let expected = try BinaryEventCodec.encode(Event(time: t.time, .requestLogged(Redaction.redact(t.request))))
                var record = batch.records[0]
                #expect(batch.count == 1 && batch.connectionIDs == [t.request.connectionID], "seed \(seed), entry \(n): \(line)")
                // Without a time in the entry each side takes its own now: bytes 2..<10.
                if !hasTime, record.count >= 10, expected.count >= 10 { record.replaceSubrange(2..<10, with: expected[2..<10]) }
                #expect(record == expected, "seed \(seed), entry \(n): \(line)")
            case (false, .failure):
                refused += 1
                #expect(batch.isEmpty && batch.records.bytes.isEmpty, "seed \(seed), entry \(n): a refusal wrote bytes")
            case (true, .failure(let error)):
                Issue.record("seed \(seed), entry \(n): the reader took what the tree path refuses (\(error)): \(line)")
            case (false, .success):
                if Self.hasBase64Body(bytes) { continue }  // left to the tree path
                Issue.record("seed \(seed), entry \(n): the reader gave up on an entry the tree path takes: \(line)")
            }
        }
        // Both kinds in numbers, or the comparison proves little.
        #expect(accepted > 1000, "seed \(seed)")
        #expect(refused > 500, "seed \(seed)")
    }

    @Test func anEntryLeftToTheTreePathKeepsItsError() throws {
        let line = Array(#"{"connection_id":"c1","method":"GET","url":"/v1/orders","status":200,"colour":"red"}"#.utf8)
        var batch = RequestLogBatch()
        var scratch = LogEntryReader.Scratch()
        #expect(!line.withUnsafeBufferPointer { LogEntryReader.append($0, number: 3, to: &batch, scratch: &scratch) })
        do {
            _ = try line.withUnsafeBufferPointer { try LogEntryParser.append($0, number: 3, to: &batch, &scratch) }
            Issue.record("an unknown member was accepted")
        } catch {
            #expect((error as? LogEntryError)?.description == "line 3: colour: unknown member")
        }
        #expect(batch.isEmpty)
    }

    /// Whether the entry gives a body in base64 (its member name perhaps escaped).
    static func hasBase64Body(_ line: [UInt8]) -> Bool {
        guard case .object(let members)? = try? JSONParser.parse(line) else { return false }
        return members.contains { $0.key.hasSuffix("_base64") && $0.value != .null }
    }

    // MARK: Random entries

    /// A JSON text for `s`, some characters escaped at random (as \uXXXX or short forms).
    static func json(_ s: String, _ rng: inout SeededGenerator) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += rng.chance(0.5) ? "\\t" : "\\u0009"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            case _ where scalar.value > 0xFFFF && rng.chance(0.5):
                let v = scalar.value - 0x10000
                out += String(format: "\\u%04x\\u%04X", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
            case _ where scalar.value <= 0xFFFF && rng.chance(0.05): out += String(format: "\\u%04x", scalar.value)
            case "/" where rng.chance(0.3): out += "\\/"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static let texts = ["", "a", "orders", "é", "日本", "😀", "a\"b", "back\\slash", "line\nbreak", "tab\there",
                        "{\"id\":1,\"items\":[\"x\",\"y\"]}", "Bearer abc.def", "ctl\u{1}"]
    static let token = "Ab3_Ab3-Ab3_Ab3-Ab3_Ab3-Ab3_Ab3-Ab3_Ab3-Ab3"
    static let urls = ["/v1/locations/l1/orders", "/v1/catalogs?page=2", "/v1/customers/42", "/", "/v1/menus/é",
                       "/v1/orders?access_token=x&page=1", "/v1/callback/\(token)", "/v1/a;b%41?x=1#t=\(token)"]

    static func entry(_ rng: inout SeededGenerator) -> (String, hasTime: Bool) {
        var members: [(String, String)] = []
        func text() -> String { json(rng.pick(texts), &rng) }
        func headers() -> String {
            let pairs = (0..<rng.below(4)).map { _ in (rng.pick(["Content-Type", "Authorization", "X-Id", "é", "Set-Cookie", "x_api_key"]), rng.pick(texts + [token])) }
            if rng.chance(0.5) {
                return "[" + pairs.map { "[\(json($0.0, &rng)),\(json($0.1, &rng))]" }.joined(separator: ",") + "]"
            }
            return "{" + pairs.map { "\(json($0.0, &rng)):\(json($0.1, &rng))" }.joined(separator: ",") + "}"
        }
        func body() -> String {
            rng.pick([text(), "{\"a\": [1, 2.5e3, true, null]}", "[]", "12", "-0.5", "true", "\"\"", "null"])
        }
        // Mostly good values, sometimes one a rule refuses.
        func either(_ good: [String], _ bad: [String]) -> String { rng.chance(0.93) ? rng.pick(good) : rng.pick(bad) }
        members.append(("connection_id", json(either(["c1", "conn_2"], ["bad id", ""]), &rng)))
        members.append(("method", json(either(["GET", "POST", "PATCH", "DELETE"], ["get", "FETCH"]), &rng)))
        members.append(("url", json(either(urls, [""]), &rng)))
        members.append(("status", either(["200", "201", "404", "599", "100"], ["99", "600", "200.0", "2e2", "\"200\""])))
        let hasTime = rng.chance(0.8)
        if hasTime {
            members.append(("time", json(either(["2026-11-29T09:14:03Z", "2026-11-29T09:14:03.123456Z",
                                                 "2026-11-29T10:14:03+01:00"], ["yesterday"]), &rng)))
        }
        if rng.chance(0.5) { members.append(("resource", json(either(["orders", "catalogs"], [""]), &rng))) }
        if rng.chance(0.4) { members.append(("request_id", rng.chance(0.9) ? text() : "7")) }
        if rng.chance(0.6) { members.append(("duration_us", either(["0", "1250", "9223372036854775807"], ["-1", "1.5"]))) }
        if rng.chance(0.7) { members.append(("request_headers", rng.chance(0.95) ? headers() : rng.pick(["\"x\"", "[[\"a\"]]", "{\"a\":1}"]))) }
        if rng.chance(0.7) { members.append(("response_headers", headers())) }
        if rng.chance(0.7) { members.append(("request_body", body())) }
        if rng.chance(0.7) { members.append(("response_body", body())) }
        if rng.chance(0.15) { members.append(("response_body_base64", json(either(["aGVsbG8=", ""], ["not base64!"]), &rng))) }
        if rng.chance(0.1) { members.append(("request_body_base64", json("AAEC/w==", &rng))) }
        if rng.chance(0.2) { members.append(("event", json(either(["requestLogged"], ["appRegistered"]), &rng))) }
        if rng.chance(0.1) { members.append(("seq", rng.pick(["12", "{\"x\":[]}", "\"s\""]))) }
        // Absent by null, or given twice (with null once, which does not count).
        if rng.chance(0.15) { members.append((rng.pick(["request_id", "resource", "time", "event", "request_body"]), "null")) }
        if rng.chance(0.05), let m = members.randomElement(using: &rng) { members.append(m) }
        if rng.chance(0.03) { members.append(("colour", "\"red\"")) }
        if rng.chance(0.03) { members.removeAll { $0.0 == rng.pick(["connection_id", "method", "url", "status"]) } }
        members.shuffle(using: &rng)
        var line = "{" + members.map { "\(json($0.0, &rng)):\(rng.chance(0.1) ? " " : "")\($0.1)" }
            .joined(separator: rng.chance(0.1) ? " , " : ",") + "}"
        // Broken JSON, or something after it.
        if rng.chance(0.04) { line = String(line.dropLast(rng.below(5) + 1)) }
        if rng.chance(0.03) { line += rng.pick([" ", "x", " {}", "\t"]) }
        if rng.chance(0.02) { line = rng.pick(["[]", "\"entry\"", "null", "{}", "12"]) }
        return (line, hasTime && line.contains("\"time\""))
    }
}
