import Domain
import Foundation
import Events
import TestSupport
import Testing

/// The gateway's one target: what has no single meaning is refused, what is kept is
/// normalised, and what the place rules allow names, to a server that resolves the path as
/// RFC 3986 says, no other place.
struct RequestTargetTests {
    static func refused(_ raw: String) -> Bool {
        (try? RequestTarget(validating: raw)) == nil
    }

    @Test(arguments: [
        // A fragment, which an origin-form target may not carry.
        "/v1/locations/3r4s3-2/orders#/v1/locations/3r4s3-1/orders", "/v1/orders#", "/v1/orders?a=1#x",
        // Dot segments in every spelling.
        "/v1/locations/3r4s3-1/../3r4s3-2/orders", "/v1/locations/3r4s3-1/./orders", "/v1/locations/3r4s3-1/%2e%2e/3r4s3-2",
        "/v1/locations/3r4s3-1/%2E%2E/3r4s3-2", "/v1/locations/3r4s3-1/.%2e/3r4s3-2", "/v1/locations/3r4s3-1/%2E./3r4s3-2",
        "/v1/locations/3r4s3-1/%2e/orders", "/v1/locations/3r4s3-1/..", "/v1/locations/3r4s3-1/%2e%2E", "/..", "/.",
        // Encoded slashes and backslashes, raw backslashes, encoded percent signs.
        "/v1/locations/3r4s3-1%2F..%2F3r4s3-2/orders", "/v1/locations/3r4s3-1%2f..%2f3r4s3-2", "/v1/locations/3r4s3-1%5C..%5C3r4s3-2",
        "/v1/locations/3r4s3-1%5c..", "/v1/locations/3r4s3-1\\..\\3r4s3-2", "/v1/locations/3r4s3-1/%252e%252e/3r4s3-2",
        // Empty segments and matrix parameters.
        "/v1/locations//orders", "//v1/orders", "/v1/locations/3r4s3-1/..;/3r4s3-2", "/v1/locations;x=1/3r4s3-2/orders",
        // Not origin-form.
        "*", "http://127.0.0.1/v1/orders", "127.0.0.1:80", "v1/orders", "",
        // Bytes outside RFC 3986, broken escapes.
        "/v1/orders?q=a b", "/v1/ord\u{7F}ers", "/v1/caf\u{E9}", "/v1/orders?x=<a>", "/v1/orders%zz", "/v1/orders%2", "/v1/orders?x=%",
        "/v1/orders?x={}", "/v1/[orders]", "/v1/orders|x", "/v1/orders^", "/v1/`orders`", "/v1/orders\"",
        // Escapes in the path that are not text: a client library sends such a path as `/`.
        "/v1/locations/%FF/orders", "/v1/orders/%95", "/v1/orders/%00", "/v1/orders%0A", "/v1/orders/%C3",
    ])
    func targetsWithMoreThanOneMeaningAreRefused(_ raw: String) {
        #expect(Self.refused(raw), "\(raw) was accepted")
    }

    @Test func keptTargetsAreNormalisedAsRFC3986Says() throws {
        func canonical(_ raw: String) throws -> String { try RequestTarget(validating: raw).text }
        #expect(try canonical("/v1/locations/3r4s3-1/orders?page=2&x=%2e") == "/v1/locations/3r4s3-1/orders?page=2&x=%2e")
        #expect(try canonical("/v1/%6Cocations/3r4s3-1/%6f%72ders") == "/v1/locations/3r4s3-1/orders")
        #expect(try canonical("/v1/orders/%7e%2d%5F%2E1") == "/v1/orders/~-_.1")
        #expect(try canonical("/v1/orders/a%3fb%3a") == "/v1/orders/a%3Fb%3A", "reserved escapes stay, upper case")
        #expect(try canonical("/v1/orders?") == "/v1/orders")
        #expect(try canonical("/v1/orders/") == "/v1/orders/")
        #expect(try canonical("/") == "/")
        #expect(try canonical("/v1/orders/...") == "/v1/orders/...", "three dots are a name, not a dot segment")
        #expect(try canonical("/v1/orders?a=/../b") == "/v1/orders?a=/../b", "the query is not a path")
        let t = try RequestTarget(validating: "/v1/locations/3r4s3-1/orders?page=2")
        #expect(t.path == "/v1/locations/3r4s3-1/orders" && t.query == "page=2")
    }

    /// Random targets made of the pieces attacks are made of: each the gateway keeps is its
    /// own canonical form, and if the rules let a location's (or an account's) connection
    /// make the call, the path a resolving server serves names that location (or that
    /// account's locations) only.
    @Test func whatTheRulesAllowIsWhatAResolvingServerServes() {
        let seed = TestSeed.make()
        var g = SeededGenerator(seed: seed)
        let pieces = [
            "v1", "V1", "locations", "LOCATIONS", "Locations", "%6Cocations", "l%6fcations", "accounts", "%61ccounts", "3r4s3-1",
            "3r4s3-2", "9x8y7-1", "3r4s3", "9x8y7", "%33r4s3-2", "3r4s3-%32", "orders", "%6Frders", ".", "..", "%2e", "%2E", "%2e%2e",
            ".%2E", "%2E.", "...", "a%2Fb", "a%2fb", "%5C", "\\", "", ";x", "..;", "x=1", "%3F", "%23", "#", "?", "?a=1", "%25",
            "%252e", "~", "%7E", "catalogs", "customers", "user", "%", "%2", "%zz", " ", "\u{E9}",
        ]
        let accounts = ["3r4s3-1": "3r4s3", "3r4s3-2": "3r4s3", "9x8y7-1": "9x8y7"]
        let locationScope = try! Scope(parsing: "location[orders.write,catalog.read,customer_list.read]")
        let accountScope = try! Scope(parsing: "account[orders.write,all_catalogs.read,all_customer_lists.read]")
        var kept = 0, allowed = 0
        for _ in 0..<20_000 {
            let raw = "/" + (0..<(1 + g.below(7))).map { _ in g.pick(pieces) }.joined(separator: "/") + (g.chance(0.2) ? "/" : "")
            guard let target = try? RequestTarget(validating: raw) else { continue }
            kept += 1
            #expect((try? RequestTarget(validating: target.text)) == target, "seed \(seed): \(raw) → \(target.text) is not its own canonical form")
            let served = Self.resolvedPath(target.text)
            let servedPlaces = Self.places(served)
            let method = g.pick([HTTPMethod.get, .post, .delete])
            let rule = AccessRule(method: method, path: target.path)
            if rule.refusal(scope: locationScope, connectionAccount: "3r4s3", connectionLocation: "3r4s3-1", accountOf: { accounts[$0] }) == nil {
                allowed += 1
                #expect(servedPlaces.locations.allSatisfy { $0 == "3r4s3-1" } && servedPlaces.accounts.isEmpty,
                        "seed \(seed): \(raw) was allowed for location 3r4s3-1 and a resolving server serves \(served)")
            }
            if rule.refusal(scope: accountScope, connectionAccount: "3r4s3", connectionLocation: nil, accountOf: { accounts[$0] }) == nil {
                allowed += 1
                #expect(servedPlaces.locations.allSatisfy { accounts[$0] == "3r4s3" } && servedPlaces.accounts.allSatisfy { $0 == "3r4s3" },
                        "seed \(seed): \(raw) was allowed for account 3r4s3 and a resolving server serves \(served)")
            }
        }
        // The generator must reach both sides of the rule, or the property says nothing.
        #expect(kept > 1_000 && allowed > 100, "seed \(seed): only \(kept) targets kept, \(allowed) allowed")
    }

    /// The path a server that decodes escapes and resolves dot segments (RFC 3986 §5.2.4)
    /// serves, backslashes read as slashes; the query and a fragment dropped.
    static func resolvedPath(_ target: String) -> String {
        let path = target.prefix { $0 != "?" && $0 != "#" }
        var decoded: [UInt8] = []
        let bytes = Array(path.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 37, i + 2 < bytes.count, let v = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                decoded.append(v)
                i += 3
            } else {
                decoded.append(bytes[i])
                i += 1
            }
        }
        let text = String(decoding: decoded, as: UTF8.self).replacingOccurrences(of: "\\", with: "/")
        var output: [Substring] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            if segment == "." { continue }
            if segment == ".." { _ = output.popLast(); continue }
            output.append(segment)
        }
        return "/" + output.joined(separator: "/")
    }

    /// The places a served path names, case-insensitively (as a router that ignores case).
    static func places(_ path: String) -> (locations: [String], accounts: [String]) {
        let segments = path.split(separator: "/").map(String.init)
        var locations: [String] = [], accounts: [String] = []
        for (i, s) in segments.enumerated() where i + 1 < segments.count {
            let next = segments[i + 1].split(separator: ";").first.map(String.init) ?? ""
            switch s.lowercased().split(separator: ";").first.map(String.init) {
            case "locations": locations.append(next)
            case "accounts": accounts.append(next)
            default: break
            }
        }
        return (locations, accounts)
    }
}

/// The gateway sends a kept target as it is: AsyncHTTPClient rebuilds the request's target
/// from Foundation's `URL` (`URLComponents.percentEncodedPath`, then `?` and `URL.query`),
/// and for every target `RequestTarget` keeps, that rebuild is the target itself.
struct ForwardedTargetTests {
    /// What AsyncHTTPClient 1.37 sends for `url` (its `URL.uri`).
    static func sent(_ url: URL) -> String {
        let path = url.path.isEmpty ? "/" : (URLComponents(url: url, resolvingAgainstBaseURL: true)?.percentEncodedPath ?? url.path)
        return path + (url.query.map { "?" + $0 } ?? "")
    }

    @Test func everyKeptTargetIsSentAsItIs() throws {
        let seed = TestSeed.make()
        var g = SeededGenerator(seed: seed)
        // Every character RFC 3986 allows, escapes of every byte, and the attack pieces.
        let characters = Array("abcXYZ019-._~!$&'()*+,;=:@/?%")
        let pieces = ["locations", "3r4s3-1", "orders", "%2e", "%7E", "%3F", "%23", "%20", "%C3%A9", "%00", "%FF", "?", "=", "&", "@", ":"]
        var kept = 0
        for _ in 0..<20_000 {
            var raw = "/"
            for _ in 0..<(1 + g.below(12)) {
                if g.chance(0.5) {
                    raw += g.pick(pieces)
                } else if g.chance(0.1) {
                    raw += String(format: "%%%02X", g.below(256))
                } else {
                    raw.append(g.pick(characters))
                }
                if g.chance(0.3) { raw += "/" }
            }
            guard let target = try? RequestTarget(validating: raw) else { continue }
            kept += 1
            for base in ["http://127.0.0.1:8080", "http://upstream.example/api"] {
                let url = try #require(URL(string: base + target.text), "seed \(seed): \(target.text) is not a URL")
                let basePath = URLComponents(string: base)?.percentEncodedPath ?? ""
                #expect(Self.sent(url) == basePath + target.text, "seed \(seed): \(raw) is kept as \(target.text), sent as \(Self.sent(url))")
            }
        }
        #expect(kept > 2_000, "seed \(seed): only \(kept) kept")
    }
}
