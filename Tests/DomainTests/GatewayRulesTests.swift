import Domain
import Events
import Testing

struct GatewayRulesTests {
    static let locationScope = try! Scope(parsing: "location[orders.write,catalog.read]")
    static let accountScope = try! Scope(parsing: "account[customer_list.read,all_catalogs.write]")
    static let accounts = ["3r4s3-1": "3r4s3", "3r4s3-2": "3r4s3", "9x8y7-1": "9x8y7"]

    func refusal(_ method: HTTPMethod, _ path: String, _ scope: Scope, location: String?) -> String? {
        AccessRule(method: method, path: path).refusal(
            scope: scope, connectionAccount: "3r4s3", connectionLocation: location, accountOf: { Self.accounts[$0] })
    }

    @Test func aLocationTokenReachesItsLocationWithinItsScope() {
        #expect(refusal(.get, "/v1/locations/3r4s3-1/orders", Self.locationScope, location: "3r4s3-1") == nil)
        #expect(refusal(.post, "/v1/locations/3r4s3-1/orders", Self.locationScope, location: "3r4s3-1") == nil)
        #expect(refusal(.get, "/v1/locations/3r4s3-1", Self.locationScope, location: "3r4s3-1") == nil)
        #expect(refusal(.get, "/v1/catalogs/psmlf/products", Self.locationScope, location: "3r4s3-1") == nil)
        #expect(refusal(.put, "/v1/catalogs/psmlf/products/1", Self.locationScope, location: "3r4s3-1")?.contains("catalog.write") == true)
        #expect(refusal(.get, "/v1/locations/3r4s3-2/orders", Self.locationScope, location: "3r4s3-1")?.contains("3r4s3-2") == true)
        #expect(refusal(.get, "/v1/customer_lists/x/customers", Self.locationScope, location: "3r4s3-1") != nil)
        #expect(refusal(.get, "/v1/accounts/3r4s3", Self.locationScope, location: "3r4s3-1") != nil)
        #expect(refusal(.get, "/v1/user", Self.locationScope, location: "3r4s3-1")?.contains("profile") == true)
    }

    @Test func anAccountTokenReachesItsAccountsLocationsOnly() {
        #expect(refusal(.get, "/v1/customer_lists/x/customers", Self.accountScope, location: nil) == nil)
        #expect(refusal(.post, "/v1/customer_lists/x/customers", Self.accountScope, location: nil) != nil)
        #expect(refusal(.put, "/v1/catalogs/c/products/2", Self.accountScope, location: nil) == nil, "all_catalogs covers every catalog")
        #expect(refusal(.get, "/v1/locations/3r4s3-2/customers", Self.accountScope, location: nil) == nil)
        #expect(refusal(.get, "/v1/locations/9x8y7-1/customers", Self.accountScope, location: nil) != nil)
        #expect(refusal(.get, "/v1/accounts/9x8y7/customers", Self.accountScope, location: nil) != nil)
        #expect(refusal(.get, "/v1/orders", Self.accountScope, location: nil)?.contains("orders.read") == true)
    }

    /// The hub's paths name the caller's own place in the singular: a location's token
    /// reaches its location that way, never its account's paths.
    @Test func theSingularPlaceIsTheConnectionsOwn() {
        #expect(refusal(.get, "/v1/location/orders", Self.locationScope, location: "3r4s3-1") == nil)
        #expect(refusal(.get, "/v1/account/customer_lists", Self.locationScope, location: "3r4s3-1") != nil)
        #expect(refusal(.get, "/v1/ACCOUNT/orders", Self.locationScope, location: "3r4s3-1") != nil)
        #expect(refusal(.get, "/v1/account/customer_lists/x/customers", Self.accountScope, location: nil) == nil)
        #expect(refusal(.get, "/v1/location/customers", Self.accountScope, location: nil) != nil)
    }

    @Test func rateLimitsCountOnRoundWindows() {
        var limits = RateLimits(limits: .init(perMinute: 3, perHour: 5, perDay: 100))
        let t0 = Timestamp(rfc3339: "2026-11-29T09:14:50Z")!
        func at(_ seconds: Int64) -> Timestamp { Timestamp(microseconds: t0.microseconds + seconds * 1_000_000) }
        #expect((0..<3).map { limits.admit("c", at: at($0)).admitted } == [true, true, true])
        let refused = limits.admit("c", at: at(5))
        #expect(!refused.admitted && refused.limit == 3 && refused.remaining == 0)
        #expect(refused.reset == Timestamp(rfc3339: "2026-11-29T09:15:00Z")!)
        #expect(limits.admit("other", at: at(5)).admitted, "limits are per connection")
        // The next round minute opens the minute window; the hour's 5 (the refused call
        // counted: it was logged) then decide.
        let hour = limits.admit("c", at: at(10))
        #expect(hour.admitted && hour.limit == 5 && hour.remaining == 0)
        #expect(!limits.admit("c", at: at(11)).admitted)
        #expect(limits.admit("c", at: Timestamp(rfc3339: "2026-11-29T10:00:00Z")!).admitted)
        // Replayed calls count in the windows they fall in.
        var rebuilt = RateLimits(limits: .init(perMinute: 2, perHour: 10, perDay: 10))
        rebuilt.record("c", at: at(-3600))
        rebuilt.record("c", at: at(1))
        rebuilt.record("c", at: at(2))
        #expect(!rebuilt.admit("c", at: at(3)).admitted)
    }

    @Test func theHeavyEndpointsAreTheHubsThree() {
        for path in ["/v1/catalogs/c1", "/v1/locations/3r4s3-1/orders", "/v1/location/orders", "/v1/accounts/3r4s3/orders",
                     "/v1/customer_lists/cl1/customers", "/v1/CATALOGS/c1", "/catalogs/c1"] {
            #expect(HeavyEndpoint.matches(method: .get, path: path), "\(path)")
        }
        for (method, path) in [(HTTPMethod.get, "/v1/orders/o1"), (.get, "/v1/catalogs"), (.get, "/v1/catalogs/c1/products"),
                               (.get, "/v1/customer_lists/cl1"), (.get, "/v1/customers/cu1"), (.post, "/v1/location/orders"),
                               (.put, "/v1/catalogs/c1"), (.get, "/v1/user")] {
            #expect(!HeavyEndpoint.matches(method: method, path: path), "\(method) \(path)")
        }
    }

    /// The eleventh heavy call of a round minute is refused, with the heavy window's
    /// numbers, while an ordinary call passes; heavy calls count in the three windows too,
    /// and replayed ones in the heavy window.
    @Test func heavyCallsHaveAMinuteWindowOfTheirOwn() {
        var limits = RateLimits(limits: .init(perMinute: 500, perHour: 2_500, perDay: 10_000, heavyPerMinute: 10))
        let t0 = Timestamp(rfc3339: "2026-11-29T09:14:00Z")!
        func at(_ seconds: Int64) -> Timestamp { Timestamp(microseconds: t0.microseconds + seconds * 1_000_000) }
        let admitted = (0..<10).map { limits.admit("c", at: at(Int64($0)), heavy: true) }
        #expect(admitted.allSatisfy(\.admitted) && admitted.last?.limit == 10 && admitted.last?.remaining == 0)
        let eleventh = limits.admit("c", at: at(20), heavy: true)
        #expect(!eleventh.admitted && eleventh.limit == 10 && eleventh.reset == Timestamp(rfc3339: "2026-11-29T09:15:00Z")!)
        let ordinary = limits.admit("c", at: at(21))
        #expect(ordinary.admitted && ordinary.limit == 500 && ordinary.remaining == 500 - 12, "\(ordinary)")
        #expect(limits.admit("c", at: at(60), heavy: true).admitted, "the next round minute opens the heavy window")
        var rebuilt = RateLimits()
        for s in 0..<10 { rebuilt.record("c", at: at(Int64(s)), heavy: true) }
        #expect(!rebuilt.admit("c", at: at(30), heavy: true).admitted)
        #expect(rebuilt.admit("c", at: at(30)).admitted)
    }

    @Test func aMethodOverrideIsReadOnAPostOnly() throws {
        #expect(try MethodOverride.effective(method: .post, overrides: ["PUT"]) == .put)
        #expect(try MethodOverride.effective(method: .post, overrides: ["delete"]) == .delete)
        #expect(try MethodOverride.effective(method: .post, overrides: []) == .post)
        #expect(try MethodOverride.effective(method: .get, overrides: []) == .get)
        for (method, values) in [(HTTPMethod.get, ["PUT"]), (.put, ["DELETE"]), (.post, ["TRACE"]), (.post, ["PUT", "PATCH"])] {
            #expect(throws: MethodOverride.Refusal.self, "\(method) \(values)") { try MethodOverride.effective(method: method, overrides: values) }
        }
    }
}
