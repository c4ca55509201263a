import Domain
import Events
import Projections
import TestSupport
import Testing

struct ActivityProjectionTests {
    /// Each request's UTC time and the local day it belongs to.
    static let paris: [(String, String)] = [
        ("2026-03-28T22:59:59Z", "2026-03-28"),  // 23:59:59 +01:00
        ("2026-03-28T23:30:00Z", "2026-03-29"),  // 00:30 +01:00, the day clocks go forward
        ("2026-03-29T21:59:00Z", "2026-03-29"),  // 23:59 +02:00
        ("2026-03-29T22:00:00Z", "2026-03-30"),  // 00:00 +02:00
        ("2026-10-24T22:30:00Z", "2026-10-25"),  // 00:30 +02:00, the day clocks go back
        ("2026-10-25T22:59:00Z", "2026-10-25"),  // 23:59 +01:00 (a 25-hour day)
        ("2026-10-25T23:00:00Z", "2026-10-26"),
    ]

    static let kolkata: [(String, String)] = [
        ("2026-11-01T18:29:59Z", "2026-11-01"),  // 23:59:59 +05:30
        ("2026-11-01T18:30:00Z", "2026-11-02"),  // 00:00 +05:30
        ("2026-11-01T00:00:00Z", "2026-11-01"),  // 05:30
    ]

    @Test func requestsLandOnTheirLocalDayAcrossDaylightSaving() throws {
        let f = try Fixture()
        try f.append([
            account("acc", zone: "Asia/Kolkata"),
            location("acc-1", of: "acc", zone: "Europe/Paris"),
            app("pos", "POS", level: .location),
            app("bi", "BI", level: .account),
            connect("paris", app: "pos", account: "acc", location: "acc-1", at: "2026-01-01T00:00:00Z"),
            connect("india", app: "bi", account: "acc", at: "2026-01-01T00:00:00Z"),
        ])
        try f.append(Self.paris.map { request("paris", at: t($0.0)) })
        try f.append(Self.kolkata.enumerated().map { i, r in request("india", at: t(r.0), status: i == 0 ? 500 : 200) })
        let q = try f.queries()

        func counts(_ id: String, ending: String, days: Int) throws -> [String: UInt32] {
            let series = try q.activity(id, days: days, now: t(ending))
            #expect(series.days.count == days)
            return Dictionary(uniqueKeysWithValues: series.days.filter { $0.counts.total > 0 }.map { ($0.day.description, $0.counts.total) })
        }
        var expectedParis: [String: UInt32] = [:]
        for (_, day) in Self.paris { expectedParis[day, default: 0] += 1 }
        #expect(try counts("paris", ending: "2026-10-27T12:00:00Z", days: 240) == expectedParis)
        #expect(try counts("india", ending: "2026-11-02T12:00:00Z", days: 30) == ["2026-11-01": 2, "2026-11-02": 1])
        let india = try q.activity("india", days: 30, now: t("2026-11-02T12:00:00Z"))
        #expect(india.timeZone == "Asia/Kolkata")
        let first = india.days.first { $0.day.description == "2026-11-01" }!.counts
        #expect(first.count(.serverError) == 1 && first.count(.success) == 1)
        // The series ends on the local day of `now`: 20:00 UTC is already the 3rd in Kolkata.
        #expect(try q.activity("india", days: 1, now: t("2026-11-02T20:00:00Z")).days.map(\.day.description) == ["2026-11-03"])
    }

    @Test func aThirtyDaySeriesIsZeroFilledOldestFirst() throws {
        let f = try Fixture()
        try f.append([
            account("a", zone: "UTC"), app("bi", "BI", level: .account),
            connect("c", app: "bi", account: "a", at: "2026-01-01T00:00:00Z"),
            request("c", at: t("2026-05-10T10:00:00Z")), request("c", at: t("2026-05-10T11:00:00Z")),
            request("c", at: t("2026-04-01T10:00:00Z")),
        ])
        let series = try f.queries().activity("c", now: t("2026-05-20T00:00:00Z"))
        #expect(series.days.count == 30)
        #expect(series.days.first?.day.description == "2026-04-21")
        #expect(series.days.last?.day.description == "2026-05-20")
        #expect(series.total == 2)
        #expect(series.days.filter { $0.counts.total == 0 }.count == 29)
    }
}
