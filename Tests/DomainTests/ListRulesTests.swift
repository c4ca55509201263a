import Domain
import Events
import Testing

/// Catalogs and customer lists: registered under a place, offered to the connections of
/// that place, refused to others'.
@Suite struct ListRulesTests {
    let t = Timestamp(rfc3339: "2026-11-29T09:00:00Z")!

    func world() throws -> HubState {
        var s = HubState()
        s.apply(try s.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris", at: t))
        s.apply(try s.registerAccount(id: "9z9z9", name: "Other", timeZone: "Europe/Paris", at: t))
        for n in 1...2 {
            s.apply(try s.registerLocation(id: "3r4s3-\(n)", accountID: "3r4s3", name: "Napoli \(n)", timeZone: "Europe/Paris", at: t))
        }
        s.apply(try s.registerApp(AppRegistered(
            appID: "pos", name: "POS", level: .location, scope: "location[catalog.read,customer_list.read]"), at: t))
        for (id, location, name) in [("cat-a", nil, "Carte"), ("cat-1", "3r4s3-1", "Carte 1"), ("cat-2", "3r4s3-2", "Carte 2")] {
            s.apply(try s.decide(.catalogRegistered(ListRegistered(id: id, accountID: "3r4s3", locationID: location, name: name)), at: t))
        }
        s.apply(try s.decide(.customerListRegistered(ListRegistered(id: "cl-a", accountID: "3r4s3", name: "Clients")), at: t))
        return s
    }

    func created(_ id: String, location: String, catalog: String?) -> ConnectionCreated {
        ConnectionCreated(
            connectionID: id, appID: "pos", accountID: "3r4s3", locationID: location, scope: "location[catalog.read]",
            catalogID: catalog, tokenDigest: Array(repeating: UInt8(id.utf8.count), count: 32), tokenHint: "abcd")
    }

    @Test func aPlaceIsOfferedItsAccountsListsAndItsOwn() throws {
        let s = try world()
        #expect(s.catalogs(account: "3r4s3", location: "3r4s3-1").map(\.id) == ["cat-a", "cat-1"])
        #expect(s.catalogs(account: "3r4s3", location: nil).map(\.id) == ["cat-a"])
        #expect(s.customerLists(account: "3r4s3", location: "3r4s3-2").map(\.id) == ["cl-a"])
        #expect(s.catalogs(account: "9z9z9", location: nil).isEmpty)
    }

    @Test func registrationsNeedTheirPlaceAndAFreeID() throws {
        let s = try world()
        #expect(throws: DomainError.conflict("catalog \"cat-a\" is already registered (catalog_id)")) {
            _ = try s.decide(.catalogRegistered(ListRegistered(id: "cat-a", accountID: "3r4s3", name: "Again")), at: t)
        }
        // A customer list may take an id a catalog has: they are different things.
        _ = try s.decide(.customerListRegistered(ListRegistered(id: "cat-a", accountID: "3r4s3", name: "Clients A")), at: t)
        #expect(throws: DomainError.notFound("location \"3r4s3-1\" is not one of account \"9z9z9\"'s")) {
            _ = try s.decide(.catalogRegistered(ListRegistered(id: "x", accountID: "9z9z9", locationID: "3r4s3-1", name: "X")), at: t)
        }
        #expect(throws: DomainError.notFound("account \"nope\" is not registered")) {
            _ = try s.decide(.customerListRegistered(ListRegistered(id: "x", accountID: "nope", name: "X")), at: t)
        }
        let unnamed = #expect(throws: DomainError.self) {
            _ = try s.decide(.catalogRegistered(ListRegistered(id: "y", accountID: "3r4s3", name: "")), at: t)
        }
        #expect(unnamed?.fields.first?.field == "name")
    }

    @Test func anotherPlacesListIsRefusedAndAnUnregisteredIDIsTakenAsBefore() throws {
        var s = try world()
        let refused = #expect(throws: DomainError.self) { _ = try s.connect(created("c1", location: "3r4s3-1", catalog: "cat-2"), at: t) }
        #expect(refused?.fields.first?.field == "catalog_id", "\(String(describing: refused))")
        s.apply(try s.connect(created("c1", location: "3r4s3-1", catalog: "cat-1"), at: t))
        #expect(s.connections["c1"]?.catalogID == "cat-1")
        s.apply(try s.connect(created("c2", location: "3r4s3-2", catalog: "hub-only"), at: t))
        let switched = #expect(throws: DomainError.self) { _ = try s.reconnect("c1", catalogID: "cat-2", customerListID: nil, at: t) }
        #expect(switched?.fields.first?.field == "catalog_id")
        s.apply(try s.reconnect("c1", catalogID: "cat-a", customerListID: "cl-a", at: t))
        #expect(s.connections["c1"]?.catalogID == "cat-a" && s.connections["c1"]?.customerListID == "cl-a")
    }

    @Test func anInstallURLBelongsToAnOAuthClient() throws {
        let s = try world()
        let bare = #expect(throws: DomainError.self) {
            _ = try s.registerApp(AppRegistered(appID: "till", name: "Till", level: .location, scope: "location[orders.read]",
                                                installURL: "https://till.example/install"), at: t)
        }
        #expect(bare?.fields.first?.field == "install_url")
        let notHTTP = #expect(throws: DomainError.self) {
            _ = try s.registerApp(AppRegistered(appID: "till", name: "Till", level: .location, scope: "location[orders.read]",
                                                redirectURIs: ["https://till.example/cb"], installURL: "javascript:alert(1)"), at: t)
        }
        #expect(notHTTP?.fields.first?.field == "install_url")
        _ = try s.registerApp(AppRegistered(appID: "till", name: "Till", level: .location, scope: "location[orders.read]",
                                            redirectURIs: ["https://till.example/cb"], installURL: "https://till.example/install"), at: t)
        #expect(InstallURL.with("https://till.example/install?x=1#top", place: "3r4s3-1", account: "3r4s3")
                == "https://till.example/install?x=1&location_id=3r4s3-1#top")
        #expect(InstallURL.with("https://till.example/install", place: "all", account: "3r4s3")
                == "https://till.example/install?account_id=3r4s3")
    }
}
