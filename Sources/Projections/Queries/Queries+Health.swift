public import Events
internal import LMDB
public import Domain

/// A connection's health at `now`: the rule's state and reason, and what the check page shows.
public struct ConnectionHealth: Sendable, Hashable {
    public var connectionID: String
    public var now: Timestamp
    public var state: HealthState
    public var reason: String
    public var facts: HealthFacts
    public var summary: HealthSummary
    /// The last 48 hours, oldest first, every hour present (zero when it made no call).
    public var hours: [HealthHour]
    /// Calls and errors over the last hour and the last day.
    public var lastHour: (calls: Int, errors: Int)
    public var lastDay: (calls: UInt64, errors: UInt64)

    public static func == (a: ConnectionHealth, b: ConnectionHealth) -> Bool {
        a.connectionID == b.connectionID && a.now == b.now && a.state == b.state && a.facts == b.facts && a.summary == b.summary
            && a.hours == b.hours && a.lastHour == b.lastHour && a.lastDay == b.lastDay
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(connectionID)
        hasher.combine(now)
        hasher.combine(state)
    }
}

extension Queries {
    /// The health of connection `id` at `now` (nil: the health projection does not know it).
    public func health(_ id: String, now: Timestamp) throws -> ConnectionHealth? {
        try healthStore.read { txn in
            guard let bytes = try txn.get(health.summary, key: Array(id.utf8)) else { return nil }
            let summary = try HealthSummary(decoding: bytes)
            let nowSlot = HealthProjection.floor(now.microseconds, HealthProjection.slotMicroseconds)
            var lastHour = (calls: 0, errors: 0)
            try txn.scan(health.slots, range: KeyRange(
                lower: HealthProjection.key(id, nowSlot - 11 * HealthProjection.slotMicroseconds), upper: HealthProjection.key(id, nowSlot + 1))) { _, v in
                lastHour.calls += Int(Key.readUInt32(v, at: 0))
                lastHour.errors += Int(Key.readUInt32(v, at: 4))
                return true
            }
            let nowHour = HealthProjection.floor(now.microseconds, HealthProjection.hourMicroseconds)
            var stored: [Int64: HealthHour] = [:]
            let first = nowHour - 47 * HealthProjection.hourMicroseconds
            try txn.scan(health.hours, range: KeyRange(lower: HealthProjection.key(id, first), upper: HealthProjection.key(id, nowHour + 1))) { k, v in
                let hour = Key.time(fromBiased: Key.readUInt64(k, at: k.count - 8))
                stored[hour] = HealthHour(hour: hour, decoding: v)
                return true
            }
            let hours = (0..<48).map { i -> HealthHour in
                let hour = first + Int64(i) * HealthProjection.hourMicroseconds
                return stored[hour] ?? HealthHour(hour: hour)
            }
            var lastDay: (calls: UInt64, errors: UInt64) = (0, 0)
            for h in hours.suffix(24) {
                lastDay.calls += h.calls
                lastDay.errors += UInt64(h.byClass[3]) + UInt64(h.byClass[4])
            }
            var days = Set<Int64>()
            try txn.scan(health.days, range: .prefix(Key.text(id))) { k, _ in
                days.insert(Key.time(fromBiased: Key.readUInt64(k, at: k.count - 8)) / HealthProjection.dayMicroseconds)
                return true
            }
            let facts = HealthFacts(
                status: summary.status, lastRequestAt: summary.lastRequest?.time, recentStatuses: summary.recentStatuses,
                lastHourCalls: lastHour.calls, lastHourErrors: lastHour.errors, daysWithCalls: days)
            let verdict = HealthRule.evaluate(facts, now: now)
            return ConnectionHealth(
                connectionID: id, now: now, state: verdict.state, reason: verdict.reason, facts: facts, summary: summary,
                hours: hours, lastHour: lastHour, lastDay: lastDay)
        }
    }
}
