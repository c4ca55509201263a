@testable import Domain
import Events
import Foundation
import TestSupport
import Testing

@Suite struct ValueRulesTests {
    /// Lines the NDJSON form reads (its syntax is right) whose values the hub refuses.
    @Test(arguments: [
        ("{\"event\":\"appRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"app_id\":\"a\",\"name\":\"A\",\"level\":\"either\",\"scope\":\"account[]\",\"open_url\":\"ftp://x\"}", "open_url: \"ftp://x\" is not an http or https URL"),
        ("{\"event\":\"appRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"app_id\":\"a\",\"name\":\"A\",\"level\":\"either\",\"scope\":\"account[]\",\"disconnect_callback_url\":\"https://example.com:70000/cb\"}", "disconnect_callback_url: \"https://example.com:70000/cb\" is not an http or https URL"),
        ("{\"event\":\"accountRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"account_id\":\"a\",\"name\":\"A\",\"time_zone\":\"Mars/Olympus\"}", "time_zone: \"Mars/Olympus\" is not an IANA time zone"),
        ("{\"event\":\"accountRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"account_id\":\"a\",\"name\":\"A\",\"time_zone\":\"GMT+5\"}", "time_zone: \"GMT+5\" is not an IANA time zone"),
        ("{\"event\":\"locationRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"location_id\":\"b-1\",\"account_id\":\"a\",\"name\":\"A\",\"time_zone\":\"UTC\"}", "location_id: a location id is its account id"),
        ("{\"event\":\"locationRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"location_id\":\"a-\",\"account_id\":\"a\",\"name\":\"A\",\"time_zone\":\"UTC\"}", "location_id: a location id is its account id"),
        ("{\"event\":\"locationRegistered\",\"time\":\"2026-01-01T00:00:00Z\",\"location_id\":\"a-1x\",\"account_id\":\"a\",\"name\":\"A\",\"time_zone\":\"UTC\"}", "location_id: a location id is its account id"),
    ])
    func valuesTheHubDoesNotTakeAreRefusedWithTheirField(line: String, message: String) throws {
        let event = try NDJSONEventCodec.decode(line: line)
        let error = #expect(throws: DomainError.self) { try ValueRules.validate(event) }
        #expect(error?.category == .invalid)
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
        #expect(error?.fields.first?.field == String(message.prefix { $0 != ":" }))
    }

    @Test func goodValuesPass() throws {
        #expect(ValueRules.isLocationID("3r4s3-12", ofAccount: "3r4s3"))
        #expect(!ValueRules.isLocationID("3r4s3-", ofAccount: "3r4s3"))
        #expect(!ValueRules.isLocationID("3r4s-1", ofAccount: "3r4s3"))
        #expect(ValueRules.isHTTPURL("https://app.example.com:8443/open"))
        #expect(ValueRules.isHTTPURL("http://example.com"))
        #expect(!ValueRules.isHTTPURL("https://example.com:0/"))
        #expect(!ValueRules.isHTTPURL("mailto:someone@example.com"))
        #expect(!ValueRules.isHTTPURL("/relative/path"))
        try ValueRules.checkTimeZone("Europe/Paris")
        try ValueRules.checkTimeZone("UTC")
        #expect(throws: DomainError.self) { try ValueRules.checkTimeZone("PST") }
    }
}

@Suite struct ZoneRuleTests {
    @Test func aConnectionsDaysAreCountedInItsPlacesZone() {
        let zones = ["l:3r4s3-1": "Asia/Kolkata", "a:3r4s3": "Europe/Paris"]
        func lookup(_ id: String, _ isLocation: Bool) -> String? { zones[(isLocation ? "l:" : "a:") + id] }
        #expect(ZoneRule.zone(locationID: "3r4s3-1", accountID: "3r4s3", lookup: lookup) == "Asia/Kolkata")
        #expect(ZoneRule.zone(locationID: nil, accountID: "3r4s3", lookup: lookup) == "Europe/Paris")
        #expect(ZoneRule.zone(locationID: "3r4s3-2", accountID: "3r4s3", lookup: lookup) == "UTC")
    }

    @Test func localDaysFollowTheZoneAndItsDaylightSavingChanges() {
        let clock = ZoneClock()
        // 23:30 UTC is already the next day in Kolkata (UTC+05:30).
        let lateUTC = Timestamp(rfc3339: "2026-11-29T23:30:00Z")!
        #expect(LocalDay(clock.day("Asia/Kolkata", at: lateUTC)).description == "2026-11-30")
        #expect(LocalDay(clock.day("UTC", at: lateUTC)).description == "2026-11-29")
        // Before 1970, days are rounded down, not towards zero.
        #expect(clock.day("UTC", at: Timestamp(seconds: -1)) == -1)
        // Paris moves from UTC+01:00 to UTC+02:00 on 2026-03-29 at 01:00 UTC.
        #expect(clock.offset("Europe/Paris", at: Timestamp(rfc3339: "2026-03-29T00:59:59Z")!) == 3600)
        #expect(clock.offset("Europe/Paris", at: Timestamp(rfc3339: "2026-03-29T01:00:00Z")!) == 7200)
        #expect(LocalTime.offsetLabel(19_800) == "UTC+05:30")
        #expect(LocalTime.format(Timestamp(seconds: -1), in: "UTC") == "1969-12-31 23:59:59")
    }
}

@Suite struct RedactionTests {
    @Test func credentialsAreRedactedFromHeadersAndQueries() {
        let request = RequestLogged(
            connectionID: "c", requestID: nil, method: .get, resource: "orders",
            url: "/v1/orders?access_token=secret&page=2&API_KEY=k", status: 200, durationMicroseconds: 1,
            requestHeaders: [Header("X-Access-Token", "tok"), Header("Accept", "application/json")], requestBody: [],
            responseHeaders: [Header("Set-Cookie", "s=1")], responseBody: [])
        let redacted = Redaction.redact(request)
        #expect(redacted.url == "/v1/orders?access_token=[REDACTED]&page=2&API_KEY=[REDACTED]")
        #expect(redacted.requestHeaders == [Header("X-Access-Token", "[REDACTED]"), Header("Accept", "application/json")])
        #expect(redacted.responseHeaders == [Header("Set-Cookie", "[REDACTED]")])
    }

    /// The byte-level checks agree with the Unicode-aware ones they replace on the hot
    /// path: names beyond ASCII still go through Unicode lowercasing.
    @Test func headerNamesAreMatchedByteForByteAndBeyondASCIIByUnicodesRules() {
        for name in ["X-Access-Token", "x_api-key", "Authorization", "X-Session-Id", "MY_SECRET", "Accept", "Content-Type",
                     "User-Agent", "X-Request-Id", "Keyboard"] {
            let unicode = String(String.UnicodeScalarView(name.lowercased().unicodeScalars.filter {
                ("a"..."z").contains($0) || ("0"..."9").contains($0)
            }))
            #expect(Redaction.compact(name) == unicode, "\(name)")
        }
        #expect(Redaction.isSensitive(headerName: "X-To\u{212A}en"), "the Kelvin sign lowercases to k")
        #expect(Redaction.isSensitive(headerName: "X-Api-Key"))
        #expect(!Redaction.isSensitive(headerName: "Content-Type"))
        #expect(Redaction.containsASCII("accesstoken", "token") && !Redaction.containsASCII("tok", "token"))
        #expect(Redaction.containsASCII("abc", "") && Redaction.containsASCII("xxauth", "auth") && !Redaction.containsASCII("autx", "auth"))
    }

    @Test func theResourceIsTheLastKnownSegment() {
        #expect(ResourceName.of(url: "/v1/locations/3r4s3-1/orders?x=1") == "orders")
        #expect(ResourceName.of(url: "/v1/locations/3r4s3-1") == "locations")
        #expect(ResourceName.of(url: "/v1/widgets/3") == "widgets")
        #expect(ResourceName.of(url: "/") == "other")
    }
}

/// Credentials spelt any way a server or a framework would still read as the same name,
/// and token-shaped values under any name, never survive redaction. Randomized: the seed
/// is printed, JUNCTION_TEST_SEED replays it.
@Suite struct RedactionPropertyTests {
    static let names = CredentialSamples.names

    static func spelling(_ name: String, _ rng: inout SeededGenerator) -> String { CredentialSamples.spelling(name, &rng) }

    static func token(_ rng: inout SeededGenerator) -> String { CredentialSamples.token(&rng) }

    @Test func noSpellingOfACredentialNameKeepsItsValue() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<3000 {
            let secret = "s3cr3t" + String(Int.random(in: 100_000...999_999, using: &rng))
            let name = Self.spelling(Self.names.randomElement(using: &rng)!, &rng)
            let other = "page=\(Int.random(in: 1...9, using: &rng))"
            let separator = Bool.random(using: &rng) ? "&" : ";"
            let url: String
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: url = "/v1/orders?\(other)\(separator)\(name)=\(secret)"
            case 1: url = "/v1/orders?\(name)=\(secret)\(separator)\(other)"
            default: url = "/v1/orders?\(other)#\(name)=\(secret)"
            }
            let stored = Redaction.redact(url: url)
            #expect(!stored.contains(secret), "seed \(seed): \(url) was stored as \(stored)")
            #expect(stored.contains("page="), "seed \(seed): \(url) lost what is not a credential: \(stored)")
            var header = Self.names.randomElement(using: &rng)!.replacingOccurrences(of: "_", with: ["-", "_", ""].randomElement(using: &rng)!)
            header = (Bool.random(using: &rng) ? "X-" : "") + header
            if Bool.random(using: &rng) { header = header.uppercased() }
            if Bool.random(using: &rng) { header = " " + header + "\t" }
            let headers = Redaction.redact([Header(header, secret), Header("Accept", "application/json")])
            #expect(headers[0].value == Redaction.marker, "seed \(seed): header \"\(header)\" kept its value")
            #expect(headers[1].value == "application/json")
        }
    }

    @Test func tokenShapedValuesAreRemovedWhateverTheyAreCalled() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<2000 {
            let token = Self.token(&rng)
            let escaped = token.utf8.map { Bool.random(using: &rng) ? String(format: "%%%02X", $0) : String(UnicodeScalar($0)) }.joined()
            let url = [
                "/v1/orders?q=\(token)", "/v1/tokens/\(token)/orders", "/v1/orders?ref=\(escaped)", "/v1/orders#\(token)",
                "/v1/orders;jsessionid=x?note=\(token)&page=1",
            ].randomElement(using: &rng)!
            let stored = Redaction.redact(url: url)
            #expect(!stored.contains(token) && !stored.contains(escaped), "seed \(seed): \(url) was stored as \(stored)")
            let header = Redaction.redact([Header("X-Whatever-\(Int.random(in: 1...99, using: &rng))", "v=\(token)")])
            #expect(header[0].value == Redaction.marker, "seed \(seed): a token-shaped header value was kept")
        }
        // Not every long value is a token: 42 or 44 characters, or a 64-digit digest, stay.
        #expect(Redaction.redact(url: "/v1/x?d=" + String(repeating: "a", count: 64)) == "/v1/x?d=" + String(repeating: "a", count: 64))
        #expect(!Redaction.containsTokenShape(String(repeating: "a", count: 42)))
        #expect(!Redaction.containsTokenShape(String(repeating: "a", count: 44)))
    }

    /// The header check works on the name's bytes where it can; it must say what the
    /// rules say of the compacted name as a String, for any name.
    @Test func headerNamesAreJudgedByTheRulesWhateverTheirSpelling() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        let pieces = ["x", "-", "_", " ", "Api", "KEY", "tok", "en", "Pass", "pwd", "wd", "au", "th", "Cookie", "Set", "\u{212A}",
                      "é", "Sig", "nature", "jwt", "OTP", "7", "Content", "Type", "Accept", "session", "ke", "y",
                      "Sec", "ret", "Cred", "ential", "Bear", "er", "wor", "d", "s", "t", "o", "p"]
        func reference(_ name: String) -> Bool {
            let c = Redaction.compact(name)
            return Redaction.headerNames.contains(c) || c.hasSuffix("key") || c == "pass" || c == "pwd"
                || Redaction.sensitiveParts.contains { Redaction.containsASCII(c, $0) }
        }
        for _ in 0..<5000 {
            let name = (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
            #expect(Redaction.isSensitive(headerName: name) == reference(name), "seed \(seed): header \"\(name)\"")
            let headers = [Header("Accept", "application/json"), Header(name, "v")]
            let redacted = Redaction.redact(headers)
            #expect(redacted[0] == headers[0] && (redacted[1].value == Redaction.marker) == reference(name), "seed \(seed): \"\(name)\"")
        }
        #expect(Redaction.isSensitive(headerName: String(repeating: "a", count: 300) + "token"), "a long name takes the other path")
    }

    @Test func opensTheAppWithItsInstance() {
        #expect(OpenURL.forConnection("https://merchants.ubereats.example/", connectionID: "ab12c")
            == "https://merchants.ubereats.example/?app_instance_id=ab12c")
        #expect(OpenURL.forConnection("https://app.example/open?lang=fr#top", connectionID: "ab12c")
            == "https://app.example/open?lang=fr&app_instance_id=ab12c#top")
        #expect(OpenURL.forConnection("https://app.example/?", connectionID: "a b") == "https://app.example/?app_instance_id=a%20b")
    }
}
