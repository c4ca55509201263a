import Events
import Foundation
import Projections
import TestSupport
import Testing

/// The health of a connection through the daemon: its fourth projector, the socket's
/// answer and the command line, at a given `now`.
@Suite struct HealthTests {
    @Test func aConnectionWhoseLastFiveCallsFailedIsFailingAndRecovers() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        func log(_ minute: Int, _ status: Int, duration: Int = 40_000) -> String {
            #"{"connection_id":"\#(id)","time":"2026-12-01T10:\#(String(format: "%02d", minute)):00Z","method":"GET","url":"/orders/\#(minute)","status":\#(status),"duration_us":\#(duration)}"#
        }
        #expect(try await d.ndjson("/v1/logs", (0..<10).map { log($0, 200) } + (10..<15).map { log($0, 503) }).status == 201)
        let failing = try await d.get("/v1/connections/\(id)/health?after=head&now=2026-12-01T10:20:00Z")
        #expect(failing.status == 200, "\(failing.text)")
        #expect(failing.json["state"]?.stringValue == "failing", "\(failing.text)")
        #expect(failing.json["last_error"]?["status"]?.integerValue == 503 && failing.json["last_error"]?["url"]?.stringValue == "/orders/14")
        #expect(failing.json["last_success"]?["url"]?.stringValue == "/orders/9")
        #expect(failing.json["last_hour"]?["calls"]?.integerValue == 15 && failing.json["last_hour"]?["errors"]?.integerValue == 5)
        let hours = failing.json["hours"]?.arrayValue ?? []
        #expect(hours.count == 48 && hours.last?["by_class"]?.arrayValue?.compactMap(\.integerValue) == [0, 10, 0, 0, 5], "\(hours.last ?? .null)")
        #expect(hours.last?["p50_us"]?.integerValue != nil)
        // The connection's calls succeed again: no longer failing (5 errors in 20 calls: degraded).
        #expect(try await d.ndjson("/v1/logs", (20..<25).map { log($0, 200) }).status == 201)
        let later = try await d.get("/v1/connections/\(id)/health?after=head&now=2026-12-01T10:30:00Z")
        #expect(later.json["state"]?.stringValue == "degraded", "\(later.text)")
        let cli = try run(Executables.junction, ["health", id, "--socket", d.socket, "--now", "2026-12-01T10:30:00Z"])
        #expect(cli.status == 0 && cli.output.contains("degraded") && cli.output.contains("/orders/14"), "\(cli.output)\(cli.stderr)")
        #expect(try await d.post("/v1/connections/\(id)/block", "{}").status == 200)
        #expect(try await d.get("/v1/connections/\(id)/health?after=head").json["state"]?.stringValue == "blocked")
        #expect(try await d.get("/v1/connections/nope/health").status == 404)
        #expect(try await d.get("/v1/connections/\(id)/health?now=yesterday").status == 422)
        #expect(d.stop() == 0)
    }
}
