import Answers
import Foundation
import Mustache
@testable import Pages
import Projections
import TestSupport
import Testing

struct HTMLEscapingTests {
    /// Pieces of text: the five characters, plain ASCII, letters of two and three bytes, an
    /// emoji, a combining mark (after a letter, so that the library's Characters and the code
    /// points agree; the case where they do not is the next test's).
    static let pieces = ["<", ">", "&", "\"", "'", "a", "Z", " ", "/", "=", ";", "#", "é", "日", "🍕", "e\u{301}", "\n", "\\", "&amp;"]

    /// Random texts escaped as Mustache's own HTML type does, rendering the same template
    /// with the library's escaper.
    @Test func escapesAsMustachesOwnHTMLType() throws {
        let seed = TestSeed.make()
        var random = SeededGenerator(seed: seed)
        let template = try MustacheTemplate(string: "{{x}}")
        for _ in 0..<2000 {
            let text = (0..<random.below(24)).map { _ in random.pick(Self.pieces) }.joined()
            let library = template.render(["x": text])
            #expect(HTMLEscaping.escape(text) == library, "seed \(seed): \(text.debugDescription)")
        }
    }

    @Test func aTextWithNothingToEscapeIsKept() {
        #expect(HTMLEscaping.escape("") == "")
        #expect(HTMLEscaping.escape("2026-12-04 18:15:42 GET /v1/orders?x=é") == "2026-12-04 18:15:42 GET /v1/orders?x=é")
        #expect(HTMLEscaping.escape("<>&\"'") == "&lt;&gt;&amp;&quot;&#39;")
    }

    /// A `<` with a combining mark after it is one Character, which the library's escaper
    /// does not replace; a browser's tokenizer reads code points and sees a `<`.
    @Test func aLessThanSignBeforeACombiningMarkIsEscapedToo() throws {
        let text = "<\u{338}script"
        #expect(try MustacheTemplate(string: "{{x}}").render(["x": text]) == text)
        #expect(HTMLEscaping.escape(text) == "&lt;\u{338}script")
    }

    /// Every template is rendered with this escaping, in partials and sections too: the
    /// connection's header is a partial, the entries a section.
    @Test func pagesEscapeWithIt() {
        let chrome = Chrome(language: .en, title: "Logs", userEmail: "o@example.com", csrf: "tok", switchLanguageURL: "/language?lang=fr")
        var header = PagesTests().header()
        header.app = "<\u{338}b>App"
        let entry = LogEntry(seq: 7, time: PagesTests.t, method: .get, resource: "orders", url: "/v1/<\u{338}i>",
                             status: 200, durationMicroseconds: 5, requestID: nil, requestBytes: 0, responseBytes: 0)
        let page = LogListPage(
            chrome: chrome, connection: header, entries: [LogEntryAnswer(entry, timeZone: "Europe/Paris")], nextCursor: nil,
            filter: .init(), knownResources: [], offsetLabel: "UTC+01:00", editing: false)
        let html = PageRenderer().render(page)
        #expect(html.contains("&lt;\u{338}b&gt;App"))
        #expect(html.contains("/v1/&lt;\u{338}i&gt;"))
        #expect(!html.contains("<\u{338}"))
    }

    /// The pragma each template is given changes nothing but the escaper: a page renders
    /// byte for byte as the same templates do without it (no line gained or lost around it).
    @Test func thePragmaChangesNothingElse() throws {
        var plain = MustacheLibrary()
        for (name, text) in Templates.all { try plain.register(text, named: name) }
        let chrome = Chrome(language: .fr, title: "Logs & <co>", userEmail: "o'b@example.com", csrf: "t\"ok", switchLanguageURL: "/language?lang=en&x=1")
        let entries = (1...3).map { i in
            LogEntryAnswer(LogEntry(seq: UInt64(i), time: PagesTests.t, method: .post, resource: "orders", url: "/v1/o?a=<\(i)>&b='\"'",
                                    status: 201, durationMicroseconds: 5, requestID: "r&\(i)", requestBytes: 0, responseBytes: 0),
                           timeZone: "Europe/Paris")
        }
        let page = LogListPage(
            chrome: chrome, connection: PagesTests().header(), entries: entries, nextCursor: "c&d",
            filter: .init(resources: ["orders"], search: "<q>"), knownResources: ["orders", "a&b"], offsetLabel: "UTC+01:00", editing: true)
        let expected = try #require(plain.render(page, withTemplate: "logs"))
        #expect(PageRenderer().render(page) == expected)
    }
}
