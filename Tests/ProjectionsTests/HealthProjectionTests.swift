import Domain
import Events
import Foundation
import Journal
import Projections
import TestSupport
import Testing

/// The health projection and rule equal a brute force over random traffic at random `now`s,
/// and the projection equals itself after a replay and after compaction.
struct HealthProjectionTests {
    struct Call {
        var seq: Int
        var time: Timestamp
        var status: UInt16
        var duration: UInt64
        var url: String
    }

    static let statuses: [UInt16] = [200, 200, 200, 201, 204, 304, 400, 401, 404, 422, 429, 500, 502, 503]

    static func generate(seed: UInt64) -> (events: [Event], calls: [String: [Call]], status: [String: ConnectionStatus], end: Timestamp) {
        var rng = SeededGenerator(seed: seed)
        var events: [Event] = [account("acc", zone: "Europe/Paris"), location("acc-1", of: "acc", zone: "Europe/Paris"),
                              app("pos", "POS", level: .location)]
        let ids = (1...5).map { "h\($0)" }
        for id in ids { events.append(connect(id, app: "pos", account: "acc", location: "acc-1", device: id, at: "2026-11-01T00:00:00Z")) }
        var calls: [String: [Call]] = [:]
        var status: [String: ConnectionStatus] = Dictionary(uniqueKeysWithValues: ids.map { ($0, .active) })
        var clock = Timestamp(rfc3339: "2026-11-20T00:00:00Z")!.microseconds
        var open: [String: String] = [:]
        for _ in 0..<1500 {
            // Bursts and gaps: mostly seconds apart, sometimes hours or a day.
            let gap: Int64 = switch Int.random(in: 0..<100, using: &rng) {
            case 0..<2: Int64.random(in: 3_600_000_000...90_000_000_000, using: &rng)
            case 2..<10: Int64.random(in: 60_000_000...1_800_000_000, using: &rng)
            default: Int64.random(in: 100_000...20_000_000, using: &rng)
            }
            clock += gap
            let id = ids.randomElement(using: &rng)!
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 2, status[id] == .active {
                events.append(Event(time: Timestamp(microseconds: clock), .connectionBlocked(ConnectionStatusChanged(connectionID: id, actor: "t", reason: nil))))
                status[id] = .blocked
                continue
            }
            if roll < 4, status[id] == .blocked {
                events.append(Event(time: Timestamp(microseconds: clock), .connectionUnblocked(ConnectionStatusChanged(connectionID: id, actor: "t", reason: nil))))
                status[id] = .active
                continue
            }
            guard status[id] != .disconnected else { continue }
            // Now and then an alert is raised, notified, resolved or its settings changed:
            // the projection keeps them, equal after a replay and a compaction.
            if roll < 7 {
                let time = Timestamp(microseconds: clock)
                if let alert = open[id] {
                    events.append(Event(time: time, .alertNotified(AlertNotified(
                        alertID: alert, connectionID: id, phase: .raised, channel: .email, address: "o@x.test", attempt: 1, delivered: true))))
                    events.append(Event(time: time, .alertResolved(AlertResolved(alertID: alert, connectionID: id, state: "ok"))))
                    open[id] = nil
                } else {
                    let alert = "al_\(events.count)"
                    events.append(Event(time: time, .alertRaised(AlertRaised(
                        alertID: alert, connectionID: id, accountID: "acc", condition: roll < 6 ? .failing : .quiet, reason: "r",
                        lastErrorSeq: UInt64(events.count)))))
                    events.append(Event(time: time, .alertSettingsChanged(AlertSettingsChanged(
                        connectionID: id, muted: roll == 5, degraded: roll == 6, actor: "t"))))
                    open[id] = alert
                }
                continue
            }
            // One connection fails for a while, so `failing` and `degraded` are seen.
            let failing = id == "h1" && (clock / 3_600_000_000) % 5 == 0
            let s = failing ? [500, 502, 503, 401].map(UInt16.init).randomElement(using: &rng)! : Self.statuses.randomElement(using: &rng)!
            let duration = UInt64.random(in: 0...2_000_000, using: &rng)
            var e = request(id, at: Timestamp(microseconds: clock), resource: "orders", method: .get, status: s)
            if case .requestLogged(var r) = e.payload {
                r.durationMicroseconds = duration
                r.url = "/orders/\(Int.random(in: 1...9, using: &rng))"
                e = Event(time: e.time, .requestLogged(r))
            }
            events.append(e)
            calls[id, default: []].append(Call(seq: events.count, time: e.time, status: s, duration: duration,
                                               url: { if case .requestLogged(let r) = e.payload { r.url } else { "" } }()))
        }
        if Bool.random(using: &rng) {
            clock += 1_000_000
            events.append(Event(time: Timestamp(microseconds: clock), .connectionDisconnected(ConnectionStatusChanged(connectionID: "h5", actor: "t", reason: nil))))
            status["h5"] = .disconnected
        }
        return (events, calls, status, Timestamp(microseconds: clock))
    }

    /// What the rule should read at `now`, counted from the calls themselves.
    static func bruteForce(_ calls: [Call], status: ConnectionStatus, now: Timestamp) -> (facts: HealthFacts, hours: [[UInt32]], p50: [UInt64?]) {
        let slot = HealthProjection.slotMicroseconds
        let nowSlot = (now.microseconds / slot) * slot
        let inHour = calls.filter { $0.time.microseconds >= nowSlot - 11 * slot && $0.time.microseconds < nowSlot + slot }
        let hour: Int64 = 3_600_000_000
        let nowHour = (now.microseconds / hour) * hour
        var byHour: [[UInt32]] = []
        var p50: [UInt64?] = []
        for i in 0..<48 {
            let start = nowHour - Int64(47 - i) * hour
            let those = calls.filter { $0.time.microseconds >= start && $0.time.microseconds < start + hour }
            var counts: [UInt32] = [0, 0, 0, 0, 0]
            var histogram = [UInt32](repeating: 0, count: DurationHistogram.buckets)
            for c in those {
                counts[Int(c.status / 100) - 1] += 1
                if c.duration > 0 { histogram[DurationHistogram.bucket(c.duration)] += 1 }
            }
            byHour.append(counts)
            p50.append(DurationHistogram.percentile(histogram, 0.5))
        }
        let facts = HealthFacts(
            status: status, lastRequestAt: calls.max { ($0.time, $0.seq) < ($1.time, $1.seq) }?.time,
            recentStatuses: calls.suffix(HealthRule.recentCalls).map(\.status), lastHourCalls: inHour.count,
            lastHourErrors: inHour.filter { $0.status >= 400 }.count,
            daysWithCalls: Set(calls.map { HealthRule.day($0.time) }))
        return (facts, byHour, p50)
    }

    @Test(arguments: [UInt64(11), 12, 13, 14])
    func theProjectionEqualsABruteForceAReplayAndACompaction(seed: UInt64) async throws {
        let (events, calls, status, end) = Self.generate(seed: seed)
        let twins = TwinJournals()
        try twins.append(events)
        let queries = try twins.original.queries()
        var rng = SeededGenerator(seed: seed &+ 99)
        var seen = Set<HealthState>()
        for (id, list) in calls.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<6 {
                // A `now` at or after the connection's last call (the windows the projection keeps).
                let last = list.map(\.time.microseconds).max()!
                let now = Timestamp(microseconds: max(last, end.microseconds - Int64.random(in: 0...3_600_000_000, using: &rng))
                    + Int64.random(in: 0...(Bool.random(using: &rng) ? 600_000_000 : 100_000_000_000), using: &rng))
                let h = try #require(try queries.health(id, now: now), "seed \(seed)")
                let expected = Self.bruteForce(list, status: status[id]!, now: now)
                var facts = h.facts
                // Days older than the projection keeps do not matter to the rule; compare those it reads.
                let today = HealthRule.day(now)
                facts.daysWithCalls = facts.daysWithCalls.filter { $0 >= today - 7 }
                var want = expected.facts
                want.daysWithCalls = want.daysWithCalls.filter { $0 >= today - 7 && $0 <= HealthRule.day(Timestamp(microseconds: last)) }
                #expect(facts == want, "seed \(seed), \(id) at \(now)")
                #expect(h.state == HealthRule.evaluate(expected.facts, now: now).state, "seed \(seed), \(id) at \(now)")
                #expect(h.hours.map(\.byClass) == expected.hours, "seed \(seed), \(id) at \(now)")
                #expect(h.hours.map(\.p50) == expected.p50, "seed \(seed), \(id) at \(now)")
                seen.insert(h.state)
            }
        }
        #expect(seen.count >= 2, "seed \(seed): only \(seen) seen")
        let alerts = try queries.alerts(account: "acc", limit: 1000)
        #expect(alerts.count == events.filter { if case .alertRaised = $0.payload { true } else { false } }.count, "seed \(seed)")
        #expect(try queries.openAlertCount(account: "acc") == alerts.filter(\.isOpen).count && alerts.contains { !$0.isOpen }, "seed \(seed)")
        let replay = twins.original.dir.path + "/replay/health"
        try ProjectionBuilder.rebuild(HealthProjection.self, journal: twins.original.journal, at: replay, logger: quiet)
        let live = try ProjectionStore(HealthProjection.self, at: twins.original.data.projectionPath("health"), readOnly: true)
        #expect(try ProjectionBuilder.firstDifference(live, try ProjectionStore(HealthProjection.self, at: replay, readOnly: true)) == nil,
                "seed \(seed)")
        _ = try await twins.compact(policy: RetentionPolicy(bodyDays: 1, logDays: 10, disconnectedDays: 36_500, tombstoneDays: 36_500),
                                    now: Timestamp(microseconds: end.microseconds + 86_400_000_000))
        let difference = try twins.projectionDifference()
        #expect(difference == nil, "seed \(seed): \(difference ?? "")")
    }

    @Test func theRuleSaysEachState() {
        let now = Timestamp(rfc3339: "2026-12-07T12:00:00Z")!
        #expect(HealthRule.evaluate(HealthFacts(status: .active), now: now).state == .ok)
        #expect(HealthRule.evaluate(HealthFacts(status: .blocked, recentStatuses: [500, 500, 500, 500, 500]), now: now).state == .blocked)
        #expect(HealthRule.evaluate(HealthFacts(status: .active, recentStatuses: [200, 500, 401, 503, 500, 502]), now: now).state == .failing)
        #expect(HealthRule.evaluate(HealthFacts(status: .active, recentStatuses: [500, 500, 500, 500]), now: now).state == .ok,
                "four failures are not five")
        #expect(HealthRule.evaluate(HealthFacts(status: .active, lastHourCalls: 10, lastHourErrors: 5), now: now).state == .failing)
        #expect(HealthRule.evaluate(HealthFacts(status: .active, lastHourCalls: 9, lastHourErrors: 9), now: now).state == .ok,
                "too few calls to say")
        #expect(HealthRule.evaluate(HealthFacts(status: .active, lastHourCalls: 20, lastHourErrors: 2), now: now).state == .degraded)
        #expect(HealthRule.evaluate(HealthFacts(status: .active, lastHourCalls: 20, lastHourErrors: 1), now: now).state == .ok)
        let today = HealthRule.day(now)
        let regular = Set((1...5).map { today - Int64($0) })
        let dayAgo = Timestamp(microseconds: now.microseconds - 25 * 3_600_000_000)
        #expect(HealthRule.evaluate(HealthFacts(status: .active, lastRequestAt: dayAgo, daysWithCalls: regular), now: now).state == .quiet)
        #expect(HealthRule.evaluate(HealthFacts(status: .active, lastRequestAt: dayAgo, daysWithCalls: Set(regular.prefix(4))), now: now).state == .ok,
                "four days of seven is not regular")
        let hourAgo = Timestamp(microseconds: now.microseconds - 3_600_000_000)
        #expect(HealthRule.evaluate(HealthFacts(status: .active, lastRequestAt: hourAgo, daysWithCalls: regular), now: now).state == .ok)
    }
}
