import Events
import Foundation
import Journal
import Projections
import TestSupport
import Testing

/// The fan-out of the hub's events is a projection of the journal: it equals a brute force
/// over random connections, places, scopes, lists, callbacks and events; and it equals
/// itself after a replay and after compaction.
struct HubEventFanOutTests {
    /// What a connection is to the brute force: written out plainly, apart from the code.
    struct Model {
        var account: String
        var location: String?
        var resources: Set<String>
        var status = "active"
        var catalog: String?
        var customerList: String?
        var events: Set<String>?
        var waiting: [String] = []
    }

    static let pairs = ["catalog.create", "catalog.update", "catalog.delete", "customer.create", "customer.update",
                        "delivery.create", "delivery.update", "inventory.patch", "inventory.update", "location.update",
                        "order.create", "order.update"]
    static let scopes = ["orders.read", "orders.write", "customer_list.read", "catalog.read", "all_catalogs.read",
                         "all_customer_lists.read", "inventory.write"]

    /// A random journal, and the waiting events the brute force expects of each connection.
    static func generate(seed: UInt64) -> (events: [Event], expected: [String: [String]]) {
        var rng = SeededGenerator(seed: seed)
        var events: [Event] = []
        var clock = Timestamp(rfc3339: "2026-11-01T00:00:00Z")!.microseconds
        func at() -> Timestamp {
            clock += Int64.random(in: 1_000...60_000_000, using: &rng)
            return Timestamp(microseconds: clock)
        }
        let accounts = ["acc1", "acc2"]
        var locations: [String: String] = [:]
        for a in accounts {
            events.append(Event(time: at(), .accountRegistered(AccountRegistered(accountID: a, name: a, timeZone: "Europe/Paris"))))
            for n in 1...3 {
                locations["\(a)-\(n)"] = a
                events.append(Event(time: at(), .locationRegistered(LocationRegistered(
                    locationID: "\(a)-\(n)", accountID: a, name: "\(a) \(n)", timeZone: n == 3 ? "America/New_York" : "Europe/Paris"))))
            }
        }
        events.append(Event(time: at(), .appRegistered(AppRegistered(appID: "app", name: "App", level: .either, scope: "account[orders.read]"))))
        let catalogs = ["cat1", "cat2"], lists = ["cl1", "cl2"]
        var model: [String: Model] = [:]
        var ids: [String] = []
        var nextEvent = 0
        for step in 0..<400 {
            let roll = Int.random(in: 0..<100, using: &rng)
            if model.count < 3 || (roll < 8 && model.count < 16) {
                let id = "c\(model.count + 1)"
                let account = accounts.randomElement(using: &rng)!
                let location: String? = Bool.random(using: &rng) ? nil : "\(account)-\(Int.random(in: 1...3, using: &rng))"
                let picked = Set(Self.scopes.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 })
                let scope = (location == nil ? "account" : "location") + "[" + picked.sorted().joined(separator: ",") + "]"
                let catalog = Bool.random(using: &rng) ? catalogs.randomElement(using: &rng) : nil
                let list = Bool.random(using: &rng) ? lists.randomElement(using: &rng) : nil
                events.append(Event(time: at(), .connectionCreated(ConnectionCreated(
                    connectionID: id, appID: "app", accountID: account, locationID: location, scope: scope, customerListID: list,
                    catalogID: catalog, tokenDigest: Array(repeating: UInt8(step % 251), count: 32), tokenHint: "abcd"))))
                model[id] = Model(account: account, location: location, resources: Set(picked.map { String($0.split(separator: ".")[0]) }),
                                  catalog: catalog, customerList: list)
                continue
            }
            let id = model.keys.sorted().randomElement(using: &rng)!
            var c = model[id]!
            switch roll {
            case 8..<22 where c.status != "disconnected":
                let chosen = Set(Self.pairs.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 })
                let events_ = chosen.isEmpty ? ["order.create"] : chosen.sorted()
                events.append(Event(time: at(), .callbackSet(CallbackSet(
                    connectionID: id, url: Bool.random(using: &rng) ? "https://\(id).example/hub" : nil, events: events_))))
                c.events = Set(events_)
            case 22..<25 where c.events != nil:
                events.append(Event(time: at(), .callbackDeleted(CallbackDeleted(connectionID: id))))
                c.events = nil
                c.waiting = []
            case 25..<29 where c.status == "active":
                events.append(Event(time: at(), .connectionBlocked(ConnectionStatusChanged(connectionID: id, actor: "t", reason: nil))))
                c.status = "blocked"
            case 29..<33 where c.status == "blocked":
                events.append(Event(time: at(), .connectionUnblocked(ConnectionStatusChanged(connectionID: id, actor: "t", reason: nil))))
                c.status = "active"
            case 33..<35 where c.status != "disconnected":
                events.append(Event(time: at(), .connectionDisconnected(ConnectionStatusChanged(connectionID: id, actor: "t", reason: nil))))
                c.status = "disconnected"
                c.events = nil
                c.waiting = []
            case 35..<40 where c.status != "disconnected":
                let catalog = catalogs.randomElement(using: &rng)!
                events.append(Event(time: at(), .connectionReconnected(ConnectionReconnected(connectionID: id, catalogID: catalog))))
                c.catalog = catalog
            case 40..<48 where !c.waiting.isEmpty:
                let eventID = c.waiting.randomElement(using: &rng)!
                if Bool.random(using: &rng) {
                    events.append(Event(time: at(), .callbackEventAcknowledged(CallbackEventAcknowledged(connectionID: id, eventID: eventID))))
                } else {
                    events.append(Event(time: at(), .callbackDelivered(CallbackDelivered(
                        connectionID: id, eventID: eventID, attempt: 1, url: "https://x.example", status: 200, durationMicroseconds: 10))))
                }
                c.waiting.removeAll { $0 == eventID }
            default:
                // A hub event somewhere, maybe caused by one of the connections.
                nextEvent += 1
                let eventID = "e\(nextEvent)"
                let pair = Self.pairs.randomElement(using: &rng)!.split(separator: ".").map(String.init)
                let location = locations.keys.sorted().randomElement(using: &rng)!
                var hub = HubEventPublished(eventID: eventID, resourceType: pair[0], eventType: pair[1], accountID: locations[location]!,
                                            locationID: location)
                if pair[0] == "customer" { hub.ids.append(HubEventID("customer_list_id", lists.randomElement(using: &rng)!)) }
                if pair[0] == "catalog" || pair[0] == "inventory" { hub.ids.append(HubEventID("catalog_id", catalogs.randomElement(using: &rng)!)) }
                if Int.random(in: 0..<4, using: &rng) == 0 { hub.causedBy = model.keys.sorted().randomElement(using: &rng) }
                // The states the reference gives each kind (none for a catalog event).
                if pair[0] != "catalog" {
                    switch pair[1] {
                    case "patch": hub.stateChange = #"{"stock":\#(step)}"#
                    case "create": hub.newState = #"{"n":\#(step)}"#
                    case "update": (hub.newState, hub.previousState) = (#"{"n":\#(step)}"#, #"{"n":0}"#)
                    default: hub.previousState = #"{"n":\#(step)}"#
                    }
                }
                events.append(Event(time: at(), .hubEventPublished(hub)))
                ids.append(eventID)
                model[id] = c
                for (other, var m) in model where Self.receives(m, other, hub) {
                    m.waiting.append(eventID)
                    model[other] = m
                }
                continue
            }
            model[id] = c
        }
        return (events, model.mapValues(\.waiting))
    }

    /// The rule, as plainly as it can be said.
    static func receives(_ m: Model, _ id: String, _ e: HubEventPublished) -> Bool {
        if m.status == "disconnected" || e.causedBy == id { return false }
        guard let events = m.events, events.contains("\(e.resourceType).\(e.eventType)") else { return false }
        if let location = m.location { if location != e.locationID { return false } } else if m.account != e.accountID { return false }
        switch e.resourceType {
        case "order", "delivery": return m.resources.contains("orders")
        case "inventory": return m.resources.contains("inventory")
        case "location": return true
        case "customer":
            return m.resources.contains("all_customer_lists")
                || (m.resources.contains("customer_list") && m.customerList != nil && m.customerList == e.id("customer_list_id"))
        case "catalog":
            return m.resources.contains("all_catalogs") || (m.resources.contains("catalog") && m.catalog != nil && m.catalog == e.id("catalog_id"))
        default: return false
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func theFanOutEqualsABruteForceAReplayAndACompaction(seed: UInt64) async throws {
        let (events, expected) = Self.generate(seed: seed)
        let twins = TwinJournals()
        try twins.append(events)
        let queries = try twins.original.queries()
        var received = 0
        for (id, waiting) in expected.sorted(by: { $0.key < $1.key }) {
            let got = try queries.waitingEvents(id, count: 1000).events.map(\.event.eventID)
            #expect(got == waiting, "seed \(seed), connection \(id)")
            received += waiting.count
        }
        #expect(received > 0, "seed \(seed): the journal exercised no delivery")
        // A replay gives the same store, byte for byte.
        let replay = twins.original.dir.path + "/replay/connections"
        try ProjectionBuilder.rebuild(ConnectionsProjection.self, journal: twins.original.journal, at: replay, logger: quiet)
        let live = try ProjectionStore(ConnectionsProjection.self, at: twins.original.data.projectionPath("connections"), readOnly: true)
        #expect(try ProjectionBuilder.firstDifference(live, try ProjectionStore(ConnectionsProjection.self, at: replay, readOnly: true)) == nil,
                "seed \(seed)")
        // Compaction (every body expired, nothing else old enough to go) changes nothing of it.
        let now = Timestamp(microseconds: events.last!.time.microseconds + 86_400_000_000)
        _ = try await twins.compact(policy: RetentionPolicy(bodyDays: 0, logDays: 36_500, disconnectedDays: 36_500, tombstoneDays: 36_500), now: now)
        #expect(try twins.projectionDifference() == nil, "seed \(seed)")
        // Settled events lost their states with the bodies; the waiting ones kept theirs.
        let compacted = try twins.compacted.queries()
        var kept = 0
        for id in expected.keys {
            for e in try compacted.waitingEvents(id, count: 1000).events where e.event.resourceType != "catalog" {
                #expect(e.event.hasStates, "seed \(seed): waiting event \(e.event.eventID) lost its states")
                kept += 1
            }
        }
        var stripped = 0
        try twins.compacted.journal.scan { _, bytes in
            if case .hubEventPublished(let e) = try BinaryEventCodec.decode(bytes).payload, e.resourceType != "catalog", !e.hasStates { stripped += 1 }
            return true
        }
        #expect(stripped > 0 && kept > 0, "seed \(seed): \(stripped) events stripped, \(kept) waiting kept their states")
    }
}
