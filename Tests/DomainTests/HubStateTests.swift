import Domain
import Events
import Testing

/// The hub's rules on their own, without a journal or a daemon.
@Suite struct HubStateTests {
    let t = Timestamp(rfc3339: "2026-11-29T09:00:00Z")!

    /// An account with one location and three apps, one per level.
    func world() throws -> HubState {
        var s = HubState()
        s.apply(try s.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris", at: t))
        s.apply(try s.registerLocation(id: "3r4s3-1", accountID: "3r4s3", name: "Napoli Centre", timeZone: "Europe/Paris", at: t))
        for (id, level, scope) in [("ubereats", ConnectionLevel.location, "location[orders.write]"),
                                   ("bi", .account, "account[all_catalogs.read]"), ("loyalty", .either, "account[customer_list.read]")] {
            s.apply(try s.registerApp(AppRegistered(appID: id, name: id.capitalized, level: level, scope: scope), at: t))
        }
        return s
    }

    func connect(_ s: inout HubState, app: String, location: String?, device: String? = nil, id: String) throws {
        guard case .new(let scope) = try s.planConnect(appID: app, accountID: "3r4s3", locationID: location, deviceID: device) else {
            Issue.record("expected a new connection")
            return
        }
        s.apply(try s.connect(ConnectionCreated(
            connectionID: id, appID: app, accountID: "3r4s3", locationID: location, deviceID: device, scope: scope,
            tokenDigest: Array(repeating: UInt8(id.utf8.count), count: 32), tokenHint: "abcd"), at: t))
    }

    @Test func registrationsAreRefusedTwiceAndUnderUnknownAccounts() throws {
        let s = try world()
        #expect(throws: DomainError.conflict("account \"3r4s3\" is already registered")) {
            _ = try s.registerAccount(id: "3r4s3", name: "Again", timeZone: "UTC", at: t)
        }
        #expect(throws: DomainError.notFound("account \"zz\" is not registered")) {
            _ = try s.registerLocation(id: "zz-1", accountID: "zz", name: "L", timeZone: "UTC", at: t)
        }
        let badID = #expect(throws: DomainError.self) {
            _ = try s.registerLocation(id: "3r4s3-x", accountID: "3r4s3", name: "L", timeZone: "UTC", at: t)
        }
        #expect(badID?.fields.map(\.field) == ["location_id"])
        let badScope = #expect(throws: DomainError.self) {
            _ = try s.registerApp(AppRegistered(appID: "pos", name: "POS", level: .location, scope: "account[orders.read]"), at: t)
        }
        #expect(badScope?.category == .invalid && badScope?.fields.first?.field == "scope")
    }

    @Test func appsConnectOnlyAtTheirLevelAndScopesTakeThePlacesLevel() throws {
        var s = try world()
        #expect(throws: DomainError.self) { try connect(&s, app: "ubereats", location: nil, id: "c1") }
        #expect(throws: DomainError.self) { try connect(&s, app: "bi", location: "3r4s3-1", id: "c1") }
        try connect(&s, app: "loyalty", location: "3r4s3-1", id: "c2")
        #expect(s.connections["c2"]?.scope == "location[customer_list.read]")
        #expect(HubState.levelMismatch(s.apps["ubereats"]!, location: nil) != nil)
        #expect(HubState.levelMismatch(s.apps["loyalty"]!, location: nil) == nil)
    }

    @Test func connectingAgainFindsTheSameInstanceUnlessTheDeviceDiffers() throws {
        var s = try world()
        try connect(&s, app: "ubereats", location: "3r4s3-1", id: "c1")
        guard case .existing(let id, _) = try s.planConnect(appID: "ubereats", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: nil) else {
            Issue.record("expected the existing connection")
            return
        }
        #expect(id == "c1")
        try connect(&s, app: "ubereats", location: "3r4s3-1", device: "tablet-2", id: "c2")
        #expect(throws: DomainError.self) {
            _ = try s.planConnect(appID: "ubereats", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: "no spaces")
        }
        // Once disconnected, the instance is free again.
        s.apply(try s.decide(.connectionDisconnected(ConnectionStatusChanged(connectionID: "c1", actor: "owner")), at: t))
        guard case .new = try s.planConnect(appID: "ubereats", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: nil) else {
            Issue.record("a disconnected instance must not be given back")
            return
        }
    }

    @Test func statusesAllowOnlyTheirCommands() throws {
        var s = try world()
        try connect(&s, app: "ubereats", location: "3r4s3-1", id: "c1")
        func change(_ make: (ConnectionStatusChanged) -> Event.Payload) throws {
            s.apply(try s.decide(make(ConnectionStatusChanged(connectionID: "c1", actor: "owner")), at: t))
        }
        #expect(throws: DomainError.conflict("connection \"c1\" is not blocked")) { try change(Event.Payload.connectionUnblocked) }
        try change(Event.Payload.connectionBlocked)
        #expect(s.connections["c1"]?.status == .blocked)
        #expect(s.verdict(forDigest: s.connections["c1"]!.tokenDigest) == .blocked)
        #expect(throws: DomainError.conflict("connection \"c1\" is already blocked")) { try change(Event.Payload.connectionBlocked) }
        try change(Event.Payload.connectionUnblocked)
        guard case .valid(let owner) = s.verdict(forDigest: s.connections["c1"]!.tokenDigest) else {
            Issue.record("an unblocked token is valid")
            return
        }
        #expect(owner.connectionID == "c1" && owner.locationID == "3r4s3-1")
        try change(Event.Payload.connectionDisconnected)
        #expect(s.verdict(forDigest: s.connections["c1"]!.tokenDigest) == .revoked)
        #expect(s.refusalToLog(connection: "c1") != nil)
        #expect(throws: DomainError.self) { try change(Event.Payload.connectionBlocked) }
        #expect(throws: DomainError.self) { try change(Event.Payload.connectionDisconnected) }
        #expect(throws: DomainError.notFound("connection \"nope\" not found")) {
            _ = try s.decide(.connectionBlocked(ConnectionStatusChanged(connectionID: "nope", actor: "owner")), at: t)
        }
        #expect(s.verdict(forDigest: Array(repeating: 9, count: 32)) == .revoked)
    }

    @Test func compactionRecordsAndEmptyReconnectsAreRefused() throws {
        var s = try world()
        try connect(&s, app: "ubereats", location: "3r4s3-1", id: "c1")
        let rollup = Event(time: t, .requestsRolledUp(RequestsRolledUp(
            connectionID: "c1", day: 1, total: 1, byClass: [0, 1, 0, 0, 0], firstTime: t, lastTime: t)))
        let refused = #expect(throws: DomainError.self) { try s.check(rollup) }
        #expect(refused?.category == .invalid && refused?.message.contains("compaction only") == true)
        let empty = #expect(throws: DomainError.self) { _ = try s.reconnect("c1", catalogID: nil, customerListID: nil, at: t) }
        #expect(empty?.fields.map(\.field) == ["catalog_id", "customer_list_id"])
        _ = try s.reconnect("c1", catalogID: "psmlf", customerListID: nil, at: t)
    }
}
