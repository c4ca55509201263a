import Foundation
import Answers
import Domain
import Events
import Projections
import Testing

/// An answer written as the API's JSON and read back is the same answer, and writing it
/// again gives the same bytes: the command line renders a daemon's reply exactly as it
/// renders what it read itself.
@Suite struct AnswersTests {
    let t = Timestamp(rfc3339: "2026-11-29T09:14:03Z")!

    @Test func aLogsPageRoundTripsThroughItsJSON() throws {
        let entries = (0..<3).map { i in
            var e = LogEntry(seq: UInt64(10 - i), time: Timestamp(microseconds: t.microseconds - Int64(i) * 60_000_000), method: .post,
                             resource: "orders", url: "/v1/orders/\(i)", status: i == 2 ? 503 : 201, durationMicroseconds: 1500,
                             requestID: i == 0 ? nil : "r-\(i)", requestBytes: 12, responseBytes: 0)
            e.bodiesExpired = i == 1
            return e
        }
        let answer = LogsPageAnswer(LogsPage(entries: entries, nextCursor: "abc"), timeZone: "Asia/Kolkata")
        var w = JSONWriter()
        answer.writeJSON(&w)
        let again = try LogsPageAnswer(json: w.bytes)
        #expect(again == answer)
        #expect(again.entries[0].localTime == "2026-11-29T14:44:03.000000+05:30")
        var w2 = JSONWriter()
        again.writeJSON(&w2)
        #expect(w2.bytes == w.bytes)
    }

    @Test func aLogDetailKeepsItsBodiesAsJSONDocuments() throws {
        let request = RequestLogged(
            connectionID: "c1", requestID: "r-1", method: .put, resource: "catalogs", url: "/v1/catalogs/psmlf", status: 200,
            durationMicroseconds: 900, requestHeaders: [Header("Accept", "application/json")], requestBody: Array(#"{"a":[1,2]}"#.utf8),
            responseHeaders: [], responseBody: Array("plain text".utf8))
        let entry = LogEntry(seq: 4, time: t, method: .put, resource: "catalogs", url: request.url, status: 200,
                             durationMicroseconds: 900, requestID: "r-1", requestBytes: 11, responseBytes: 10)
        let answer = LogDetailAnswer(LogDetail(entry: entry, request: request, bodiesExpired: false), timeZone: "UTC")
        #expect(answer.request.body == Array(#"{"a":[1,2]}"#.utf8))
        #expect(answer.response.body == Array(#""plain text""#.utf8))
        var w = JSONWriter()
        answer.writeJSON(&w)
        let again = try LogDetailAnswer(json: w.bytes)
        #expect(again == answer)
        #expect(LogDetailAnswer.bodyJSON([]) == Array("null".utf8))
    }

    @Test func bodiesThatAreNotTextTravelAsBase64() throws {
        let t = Timestamp(rfc3339: "2026-11-20T10:00:00Z")!
        let binary: [UInt8] = [0x00, 0xff, 0xfe, 0x80, 0x41, 0xc3]
        let request = RequestLogged(
            connectionID: "c1", requestID: nil, method: .post, resource: "orders", url: "/v1/orders", status: 201,
            durationMicroseconds: 10, requestHeaders: [], requestBody: binary, responseHeaders: [], responseBody: [])
        let entry = LogEntry(seq: 5, time: t, method: .post, resource: "orders", url: request.url, status: 201,
                             durationMicroseconds: 10, requestID: nil, requestBytes: 6, responseBytes: 0)
        let answer = LogDetailAnswer(LogDetail(entry: entry, request: request, bodiesExpired: false), timeZone: "UTC")
        #expect(answer.request.body == Array("null".utf8))
        #expect(answer.request.bodyBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init) == binary)
        #expect(answer.response.bodyBase64 == nil)
        #expect(LogDetailAnswer.bodyJSON(binary) == nil)
        var w = JSONWriter()
        answer.writeJSON(&w)
        #expect(try LogDetailAnswer(json: w.bytes) == answer)
    }

    @Test func activityAndCompactionRoundTrip() throws {
        var counts = DayCounts()
        counts.add(status: 200)
        counts.add(status: 404)
        counts.add(status: 500)
        let series = ActivitySeries(connectionID: "c1", timeZone: "Europe/Paris", days: [(LocalDay(20_000), counts), (LocalDay(20_001), DayCounts())])
        let activity = ActivityAnswer(series)
        #expect(activity.total == 3 && activity.days[0].errors == 2)
        var w = JSONWriter()
        activity.writeJSON(&w)
        #expect(try ActivityAnswer(json: w.bytes) == activity)

        var report = Compactor.Report()
        report.limit = 90
        report.bodiesExpired = 4
        report.bytesBefore = 1000
        report.bytesAfter = 400
        report.markerSeq = 91
        let compaction = CompactionAnswer(report)
        #expect(compaction.bytesFreed == 600)
        var c = JSONWriter()
        compaction.writeJSON(&c)
        #expect(try CompactionAnswer(json: c.bytes) == compaction)
        #expect(compaction.summary.contains("600 bytes freed (1000 → 400)"))
    }

    @Test func repliesThatAreNotTheDocumentedShapeAreNamed() {
        let error = #expect(throws: AnswerError.self) { _ = try LogsPageAnswer(json: Array(#"{"time_zone":"UTC","entries":[{"seq":"x"}]}"#.utf8)) }
        #expect(error?.description.contains("entries[0].seq") == true)
        #expect(throws: AnswerError.self) { _ = try ConnectionsAnswer(json: Array("not json".utf8)) }
    }
}
