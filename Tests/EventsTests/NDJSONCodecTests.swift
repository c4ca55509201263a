import Events
import TestSupport
import Testing

struct NDJSONCodecTests {
    @Test(arguments: GoldenVectors.cases.map(\.name))
    func goldenLines(name: String) throws {
        let golden = GoldenVectors.cases.first { $0.name == name }!
        #expect(NDJSONEventCodec.encode(golden.event) == golden.ndjson)
        #expect(try NDJSONEventCodec.decode(line: golden.ndjson) == golden.event)
    }

    @Test func randomEventsRoundTripThroughText() throws {
        var gen = RandomEvents(seed: 11, maxBodyBytes: 64 << 10)
        for _ in 0..<3000 {
            let event = gen.event()
            let line = NDJSONEventCodec.encode(event, seq: 12)
            #expect(!line.contains("\n"))
            #expect(try NDJSONEventCodec.decode(line: line) == event)
        }
    }

    @Test func seqIsWrittenFirstAndIgnoredOnInput() throws {
        let event = GoldenVectors.cases[0].event
        let line = NDJSONEventCodec.encode(event, seq: 77)
        #expect(line.hasPrefix("{\"seq\":77,\"event\":\"connectionBlocked\""))
        #expect(try NDJSONEventCodec.decode(line: line) == event)
    }

    @Test(arguments: [
        ("{\"event\":\"connectionBlocked\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c\"}", "actor: missing"),
        ("{\"event\":\"nope\",\"time\":\"2026-01-01T00:00:00Z\"}", "event: unknown event \"nope\""),
        ("{\"event\":\"connectionBlocked\",\"time\":\"yesterday\",\"connection_id\":\"c\",\"actor\":\"a\"}", "time: \"yesterday\" is not an RFC 3339 time"),
        ("{\"event\":\"connectionBlocked\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c\",\"actor\":\"a\",\"colour\":1}", "colour: unknown member"),
        ("{\"event\":\"connectionBlocked\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":5,\"actor\":\"a\"}", "connection_id: expected a string, found number"),
        ("{\"event\":\"connectionBlocked\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c c\",\"actor\":\"a\"}", "connection_id: \"c c\" is not an id"),
        ("{\"event\":\"appRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"app_id\":\"a\",\"name\":\"A\",\"level\":\"location\",\"scope\":\"location[orders.fly]\"}", "scope: invalid scope \"location[orders.fly]\": unknown right \"fly\""),
        ("{\"event\":\"appRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"app_id\":\"a\",\"name\":\"A\",\"level\":\"both\",\"scope\":\"location[]\"}", "level: must be account, location or either"),
        ("{\"event\":\"requestLogged\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c\",\"method\":\"BREW\",\"resource\":\"orders\",\"url\":\"/\",\"status\":200}", "method: unknown HTTP method \"BREW\""),
        ("{\"event\":\"requestLogged\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c\",\"method\":\"GET\",\"resource\":\"orders\",\"url\":\"/\",\"status\":999}", "status: must be an HTTP status from 100 to 599"),
        ("{\"event\":\"connectionCreated\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c\",\"app_id\":\"a\",\"account_id\":\"x\",\"scope\":\"account[]\",\"token_digest\":\"abc\",\"token_hint\":\"1\"}", "token_digest: must be the SHA-256"),
        ("{\"event\":\"connectionCreated\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c\",\"app_id\":\"a\",\"account_id\":\"x\",\"device_id\":\"a b\",\"scope\":\"account[]\",\"token_digest\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"token_hint\":\"1\"}", "device_id: \"a b\" is not a device id"),
        ("{\"event\":\"connectionReconnected\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c\"}", "a reconnect names a catalog_id or a customer_list_id"),
        ("{\"event\":\"connectionBlocked\",\"time\":\"2026-01-01T00:00:00Z\",\"connection_id\":\"c\",\"actor\":\"a\",\"actor\":\"b\"}", "actor: member given more than once"),
        ("[1,2]", "expected a JSON object, found array"),
        ("{\"event\":", "malformed JSON: unexpected end of input"),
    ])
    func invalidLinesNameTheirFault(line: String, message: String) {
        let error = #expect(throws: NDJSONEventCodec.Error.self) { _ = try NDJSONEventCodec.decode(line: line) }
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
    }

    @Test func eventsOfUnknownKindsRoundTripVerbatim() throws {
        let event = Event(time: Timestamp(seconds: 5), .unknown(kind: 1000, payload: [0, 1, 2, 0xFF]))
        let line = NDJSONEventCodec.encode(event)
        #expect(line == #"{"event":"unknown","time":"1970-01-01T00:00:05.000000Z","kind":1000,"payload_base64":"AAEC/w=="}"#)
        #expect(try NDJSONEventCodec.decode(line: line) == event)
        let known = #"{"event":"unknown","time":"1970-01-01T00:00:05Z","kind":9,"payload_base64":""}"#
        #expect(throws: NDJSONEventCodec.Error.self) { _ = try NDJSONEventCodec.decode(line: known) }
    }

    @Test func headersMayBeAnObjectAndNullMeansAbsent() throws {
        let line = """
            {"event":"requestLogged","time":"2026-01-01T00:00:00+02:00","connection_id":"c","request_id":null,\
            "method":"get","resource":"orders","url":"/orders","status":200,"request_headers":{"A":"1","B":"2"}}
            """
        let event = try NDJSONEventCodec.decode(line: line)
        guard case .requestLogged(let r) = event.payload else { Issue.record("wrong kind"); return }
        #expect(r.requestHeaders == [Header("A", "1"), Header("B", "2")])
        #expect(r.requestID == nil)
        #expect(r.method == .get)
        #expect(event.time == Timestamp(rfc3339: "2025-12-31T22:00:00Z"))
    }
}
