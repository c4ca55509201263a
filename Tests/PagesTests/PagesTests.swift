import Answers
import Domain
import Events
import Foundation
@testable import Pages
@testable import Projections
import Testing

struct PagesTests {
    static let t = Timestamp(rfc3339: "2026-11-29T09:14:03Z")!

    @Test func theLanguageComesFromAcceptLanguageAndFrenchIsTheDefault() {
        #expect(Language.preferred(acceptLanguage: nil) == .fr)
        #expect(Language.preferred(acceptLanguage: "en-GB,en;q=0.9") == .en)
        #expect(Language.preferred(acceptLanguage: "de-DE, en;q=0.5, fr;q=0.8") == .fr)
        #expect(Language.preferred(acceptLanguage: "de, fr;q=0") == .fr)
        #expect(Language.preferred(acceptLanguage: "es") == .fr)
        // The seed's own words.
        #expect(Labels.fr.connections == "CONNEXIONS" && Labels.fr.seeApps == "Voir les apps disponibles")
        #expect(Labels.fr.showActivity == "Afficher l'activité" && Labels.fr.reset == "Réinitialiser")
    }

    /// Indenting changes whitespace only: every token keeps its text (big integers,
    /// exponents, strings with brackets and escapes).
    @Test func indentingABodyKeepsEveryToken() throws {
        let body = #"{"id":12345678901234567890123, "total" : 1e2,"s":"a,{b}:[c] \"q\"","e":{},"l":[ ],"n":[1.50,-0]}"#
        let pretty = JSONIndenter.indent(Array(body.utf8))
        func tokens(_ s: String) -> String {
            var out = "", inString = false, escaped = false
            for c in s {
                if inString {
                    out.append(c)
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                } else if c == "\"" {
                    inString = true
                    out.append(c)
                } else if !c.isWhitespace {
                    out.append(c)
                }
            }
            return out
        }
        #expect(tokens(pretty) == tokens(body))
        #expect(pretty.contains("\n  \"id\": 12345678901234567890123,"))
        #expect(pretty.contains("\"e\": {}"))
        #expect(try JSONParser.parse(Array(pretty.utf8)) == JSONParser.parse(Array(body.utf8)))
    }

    /// What a request carries is shown as text, never as markup.
    @Test func loggedValuesAreEscaped() {
        let chrome = Chrome(language: .en, title: "Logs", userEmail: "o@example.com", csrf: "tok", switchLanguageURL: "/language?lang=fr")
        let entry = LogEntry(seq: 7, time: Self.t, method: .get, resource: "orders<b>", url: "/v1/x?<script>alert(1)</script>",
                             status: 200, durationMicroseconds: 5, requestID: nil, requestBytes: 0, responseBytes: 0)
        let answer = LogEntryAnswer(entry, timeZone: "Europe/Paris")
        let page = LogListPage(
            chrome: chrome, connection: header(), entries: [answer], nextCursor: "abc", filter: .init(resources: ["orders<b>"]),
            knownResources: ["orders<b>"], offsetLabel: "UTC+01:00", editing: false)
        let html = PageRenderer().render(page)
        #expect(!html.contains("<script>alert(1)</script>") && html.contains("&lt;script&gt;"))
        #expect(!html.contains("orders<b>"))
        #expect(html.contains("TIME (\(header().timeZone), UTC"), "the zone's name and its one offset")
        #expect(!html.contains("class=\"offset\""))
        #expect(html.contains("data-seq=\"7\""))
        #expect(html.contains("cursor=abc"))
        #expect(html.contains("<details class=\"filter\" id=\"filter\" open>"))
    }

    /// A page that spans a daylight-saving change shows each row's own offset, and the
    /// header names the zone (Paris left summer time at 01:00 UTC on 2026-10-25).
    @Test func aPageAcrossADaylightSavingChangeShowsEachRowsOffset() {
        var connection = header()
        connection.timeZone = "Europe/Paris"
        let entries = [("2026-10-25T01:30:00Z", 9), ("2026-10-25T00:30:00Z", 8)].map { time, seq in
            LogEntryAnswer(LogEntry(seq: UInt64(seq), time: Timestamp(rfc3339: time)!, method: .get, resource: "orders", url: "/v1/orders",
                                    status: 200, durationMicroseconds: 5, requestID: nil, requestBytes: 0, responseBytes: 0),
                           timeZone: "Europe/Paris")
        }
        let page = LogListPage(
            chrome: Chrome(language: .en, title: "Logs", userEmail: "o@x", csrf: "t", switchLanguageURL: "/"), connection: connection,
            entries: entries, nextCursor: nil, filter: .init(), knownResources: [], offsetLabel: "UTC+01:00", editing: false)
        #expect(page.timeHeader == "TIME (Europe/Paris)")
        #expect(page.rows.map(\.time) == ["2026-10-25 02:30:00", "2026-10-25 02:30:00"], "the same wall time twice")
        #expect(page.rows.map(\.offset) == ["UTC+01:00", "UTC+02:00"])
        let html = PageRenderer().render(page)
        #expect(html.contains("<small class=\"offset\">UTC+01:00</small>") && html.contains("<small class=\"offset\">UTC+02:00</small>"))
        // One side of the change only: the header's offset is every row's.
        let summer = LogListPage(
            chrome: Chrome(language: .en, title: "Logs", userEmail: "o@x", csrf: "t", switchLanguageURL: "/"), connection: connection,
            entries: [entries[1]], nextCursor: nil, filter: .init(), knownResources: [], offsetLabel: "", editing: false)
        #expect(summer.timeHeader == "TIME (Europe/Paris, UTC+02:00)" && summer.rows.first?.offset == nil)
    }

    /// A body that is not UTF-8 is offered in base64 on the detail page: the bytes as sent,
    /// not text with U+FFFD in place of what it could not read.
    @Test func aBodyThatIsNotTextIsShownInBase64() throws {
        let binary: [UInt8] = [0x00, 0xff, 0xfe, 0x80, 0x41, 0xc3]
        let request = RequestLogged(
            connectionID: "c1", requestID: nil, method: .post, resource: "orders", url: "/v1/orders", status: 201,
            durationMicroseconds: 10, requestHeaders: [], requestBody: binary, responseHeaders: [], responseBody: Array("{}".utf8))
        let entry = LogEntry(seq: 5, time: Self.t, method: .post, resource: "orders", url: request.url, status: 201,
                             durationMicroseconds: 10, requestID: nil, requestBytes: 6, responseBytes: 2)
        let answer = LogDetailAnswer(LogDetail(entry: entry, request: request, bodiesExpired: false), timeZone: "UTC")
        let page = LogDetailPage(
            chrome: Chrome(language: .en, title: "Log", userEmail: "o@x", csrf: "t", switchLanguageURL: "/"), connection: header(),
            detail: answer, offsetLabel: "UTC+00:00", backURL: "/")
        #expect(page.request.base64 == "AP/+gEHD" && page.response.base64 == nil)
        let html = PageRenderer().render(page)
        #expect(html.contains("<pre class=\"body\" id=\"request-body-base64\">AP/+gEHD</pre>"))
        #expect(!html.contains("\u{FFFD}"))
    }

    /// Every bar of the chart is a day of the answer, in order, with its count.
    @Test func theChartHasABarADayWithItsCount() {
        var counts = DayCounts()
        counts.add(status: 200)
        counts.add(status: 500)
        let series = ActivitySeries(connectionID: "c1", timeZone: "UTC", days: (0..<30).map { (LocalDay(20_400 + $0), $0 == 29 ? counts : DayCounts()) })
        let page = ActivityPage(chrome: Chrome(language: .fr, title: "A", userEmail: "o@e.x", csrf: "", switchLanguageURL: ""),
                                connection: header(), activity: ActivityAnswer(series))
        #expect(page.bars.count == 30)
        #expect(page.bars.last?.total == 2 && page.bars.last?.errors == 1 && page.bars.last?.hasErrors == true)
        #expect(page.bars.dropLast().allSatisfy { $0.height == 0 })
        let html = PageRenderer().render(page)
        #expect(html.components(separatedBy: "<g class=\"day\"").count == 31)
    }

    func header() -> ConnectionHeader {
        let record = ConnectionRecord(created: ConnectionCreated(
            connectionID: "c1", appID: "ubereats", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: nil,
            scope: "location[orders.read]", customerListID: nil, catalogID: nil, tokenDigest: [], tokenHint: "abcd"), at: Self.t, seq: 4)
        let view = ConnectionView(record: record, app: nil, place: nil, account: nil)
        return ConnectionHeader(ConnectionAnswer(view), Labels.en)
    }
}
