import Domain
import Events
import Journal
import Projections
import TestSupport
import Testing

struct ConnectionsProjectionTests {
    private func seeded() throws -> Fixture {
        let f = try Fixture()
        try f.append([
            account("3r4s3", zone: "Europe/Paris"),
            location("3r4s3-1", of: "3r4s3", zone: "Europe/Paris"),
            location("3r4s3-2", of: "3r4s3", zone: "Europe/Paris"),
            app("pos", "Caisse Pro", level: .location),
            app("bi", "Stats", level: .account),
            connect("c1", app: "pos", account: "3r4s3", location: "3r4s3-1", device: "caisse-1", at: "2026-02-01T10:00:00Z"),
            connect("c2", app: "pos", account: "3r4s3", location: "3r4s3-1", device: "caisse-2", at: "2026-02-01T11:00:00Z"),
            connect("c3", app: "bi", account: "3r4s3", at: "2026-02-02T10:00:00Z"),
            connect("c4", app: "pos", account: "3r4s3", location: "3r4s3-2", at: "2026-02-03T10:00:00Z"),
            request("c1", at: t("2026-02-05T10:00:00Z")),
            request("c1", at: t("2026-02-04T10:00:00Z")),
            request("c1", at: t("2026-02-06T10:00:00Z")),
            Event(time: t("2026-02-07T10:00:00Z"), .connectionBlocked(ConnectionStatusChanged(connectionID: "c2", actor: "owner", reason: "unpaid"))),
            Event(time: t("2026-02-08T10:00:00Z"), .connectionBlocked(ConnectionStatusChanged(connectionID: "c4", actor: "owner"))),
            Event(time: t("2026-02-09T10:00:00Z"), .connectionUnblocked(ConnectionStatusChanged(connectionID: "c4", actor: "owner"))),
            Event(time: t("2026-02-10T10:00:00Z"), .connectionDisconnected(ConnectionStatusChanged(connectionID: "c3", actor: "owner"))),
            Event(time: t("2026-02-11T10:00:00Z"), .connectionReconnected(ConnectionReconnected(connectionID: "c1", catalogID: "zz999"))),
        ])
        return f
    }

    @Test func listsByAccountLocationAndStatus() throws {
        let f = try seeded()
        let q = try f.queries()
        #expect(try q.connections(account: "3r4s3").map(\.record.connectionID) == ["c1", "c2", "c4"])
        #expect(try q.connections(account: "3r4s3", statuses: Set(ConnectionStatus.allCases)).map(\.record.connectionID)
                == ["c1", "c2", "c4", "c3"])
        #expect(try q.connections(account: "3r4s3", accountLevelOnly: true, statuses: [.disconnected]).map(\.record.connectionID) == ["c3"])
        #expect(try q.connections(location: "3r4s3-1").map { $0.record.deviceID } == ["caisse-1", "caisse-2"])
        #expect(try q.connections(statuses: [.blocked]).map(\.record.connectionID) == ["c2"])
        #expect(try q.connections(location: "nowhere").isEmpty)
    }

    @Test func recordsStatusDatesRequestsAndReconnects() throws {
        let f = try seeded()
        let q = try f.queries()
        let c1 = try q.connection("c1")
        #expect(c1.record.requestCount == 3)
        #expect(c1.record.firstRequestAt == t("2026-02-04T10:00:00Z"))
        #expect(c1.record.lastRequestAt == t("2026-02-06T10:00:00Z"))
        #expect(c1.record.catalogID == "zz999")
        #expect(c1.record.customerListID == "xab66")
        #expect(c1.appName == "Caisse Pro" && c1.place?.name == "Loc 3r4s3-1" && c1.timeZone == "Europe/Paris")
        #expect(c1.maskedToken.hasSuffix("9f3a") && c1.maskedToken.hasPrefix("****"))
        let c2 = try q.connection("c2")
        #expect(c2.record.status == .blocked && c2.record.statusReason == "unpaid" && c2.record.statusActor == "owner")
        let c4 = try q.connection("c4")
        #expect(c4.record.status == .active && c4.record.blockedAt != nil && c4.record.unblockedAt == t("2026-02-09T10:00:00Z"))
        let c3 = try q.connection("c3")
        #expect(c3.record.status == .disconnected && c3.record.level == .account)
        let missing = #expect(throws: ProjectionError.self) { _ = try q.connection("nope") }
        #expect(missing?.isNotFound == true)
    }

    @Test func rebuildingAtAPastMomentGivesTheListAsItWas() throws {
        let f = try seeded()
        let out = f.dir.path + "/rebuild"
        let cutoff = t("2026-02-07T12:00:00Z")
        for type in ProjectionCatalog.all {
            try ProjectionBuilder.rebuild(type, journal: f.journal, at: out + "/" + type.name,
                                          filter: { _, e in e.time <= cutoff }, logger: quiet)
        }
        let past = try Queries(data: f.data, projectionsDirectory: out, logger: quiet)
        let all = try past.connections(statuses: Set(ConnectionStatus.allCases))
        // At that moment c2 had just been blocked; c4 was not yet blocked; c3 not yet gone.
        #expect(all.map { "\($0.record.connectionID):\($0.record.status.name)" }
                == ["c1:active", "c2:blocked", "c4:active", "c3:active"])
        #expect(try past.connection("c1").record.catalogID == "psmlf")
    }
}
