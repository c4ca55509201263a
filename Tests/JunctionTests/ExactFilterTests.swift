import Events
import Foundation
import TestSupport
import Testing

/// The logs query's exact filters through a real daemon: a status code as well as a class,
/// a least duration, their refusals, and `junction logs --status 422 --min-duration-ms`.
@Suite struct ExactFilterTests {
    @Test func aStatusCodeAndALeastDurationFilterTheLogs() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        // (status, duration in ms) of each entry, oldest first.
        let calls: [(Int, Int)] = [(200, 5), (422, 40), (400, 300), (422, 250), (500, 900), (409, 120), (200, 700)]
        let lines = calls.enumerated().map { i, call in
            #"{"connection_id":"\#(id)","time":"2026-12-01T10:0\#(i):00Z","method":"POST","url":"/orders/\#(i)","status":\#(call.0),"duration_us":\#(call.1 * 1000)}"#
        }
        #expect(try await d.ndjson("/v1/logs", lines).status == 201)
        func urls(_ query: String) async throws -> [String] {
            let r = try await d.get("/v1/connections/\(id)/logs?after=head&" + query)
            #expect(r.status == 200, "\(query): \(r.text)")
            return (r.json["entries"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue }
        }
        #expect(try await urls("status=422") == ["/orders/3", "/orders/1"])
        #expect(try await urls("status=422&status=5xx") == ["/orders/4", "/orders/3", "/orders/1"])
        #expect(try await urls("status=409,2xx") == ["/orders/6", "/orders/5", "/orders/0"])
        #expect(try await urls("min_duration_ms=250") == ["/orders/6", "/orders/4", "/orders/3", "/orders/2"])
        #expect(try await urls("status=4xx&min_duration_ms=200") == ["/orders/3", "/orders/2"])
        // Paged by cursor, one at a time: the same entries.
        var paged: [String] = []
        var cursor: String?
        repeat {
            let r = try await d.get("/v1/connections/\(id)/logs?after=head&limit=1&status=422&status=500" + (cursor.map { "&cursor=\($0)" } ?? ""))
            paged += (r.json["entries"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue }
            cursor = r.json["next_cursor"]?.stringValue
        } while cursor != nil
        #expect(paged == ["/orders/4", "/orders/3", "/orders/1"])
        for bad in ["status=42", "status=600", "status=4xz", "min_duration_ms=-1", "min_duration_ms=soon"] {
            let r = try await d.get("/v1/connections/\(id)/logs?" + bad)
            #expect(r.status == 422 && r.json["error_type"] != nil, "\(bad): \(r.status) \(r.text)")
        }
        let cli = try run(Executables.junction, ["logs", id, "--socket", d.socket, "--status", "422", "--min-duration-ms", "100"])
        #expect(cli.status == 0 && cli.output.contains("/orders/3") && !cli.output.contains("/orders/1"), "\(cli.output)\(cli.stderr)")
        let refused = try run(Executables.junction, ["logs", id, "--socket", d.socket, "--status", "42"])
        #expect(refused.status != 0 && refused.stderr.contains("neither a status class"), "\(refused.stderr)")
        #expect(d.stop() == 0)
    }
}
