public import Events
public import LMDB
internal import Domain

/// "Does my connection work?": per connection, its last call, last success and last error,
/// the statuses of its last calls, and counts over the windows the health rule reads
/// (`Domain.HealthRule`, `docs/health.md`).
///
/// ```
/// summary  connection id                          → HealthSummary
/// slots    connection id 0x00 slot u64 (5 min)    → calls u32, errors u32
/// hours    connection id 0x00 hour u64            → HealthHour (counts by class, durations)
/// days     connection id 0x00 day u64 (UTC)       → (empty): it called that day
/// alerts   alert id                               → AlertRecord
/// open     connection id                          → alert id of its open alert
/// account  account id 0x00 raised u64 alert id    → (empty): the account's alerts by time
/// settings connection id                          → muted u8, degraded u8
/// ```
/// Alerts are journaled (`alertRaised`, `alertResolved`…) and compaction keeps their
/// events, except those of a connection it folds into a tombstone: its alerts go with it.
/// Only what the rule and the check page read is kept: slots of the last 2 hours, hours of
/// the last 48 and days of the last 14 before the connection's last call. Compaction's
/// cutoffs drop what is older than the logs' (the same as a replay of the compacted
/// journal sees).
public final class HealthProjection: Projection {
    public static let name = "health"
    public static let schemaVersion = 2
    public static let slotMicroseconds: Int64 = 300_000_000
    static let hourMicroseconds: Int64 = 3_600_000_000
    static let dayMicroseconds: Int64 = 86_400_000_000

    let summary: Database
    let slots: Database
    let hours: Database
    let days: Database
    let alerts: Database
    let openAlerts: Database
    let accountAlerts: Database
    let alertSettings: Database

    /// What the current batch gathered, written at its end.
    private struct Pending {
        var summary: HealthSummary
        /// The batch's latest call, success and error: their URLs copied into buffers that
        /// are reused, a string made only once, when the batch is written.
        var lastRequest = PendingCall()
        var lastSuccess = PendingCall()
        var lastError = PendingCall()
        var slots: [Int64: (calls: UInt32, errors: UInt32)] = [:]
        var hours: [Int64: HealthHour] = [:]
        var days: Set<Int64> = []
    }

    private struct PendingCall {
        var isSet = false
        var time = Timestamp(microseconds: 0)
        var seq: UInt64 = 0
        var method = HTTPMethod.get
        var status: UInt16 = 0
        var url: [UInt8] = []

        mutating func take(_ request: RequestFields, seq: UInt64) {
            guard !isSet || (request.time, seq) >= (time, self.seq) else { return }
            isSet = true
            time = request.time
            self.seq = seq
            method = request.method
            status = request.status
            url.removeAll(keepingCapacity: true)
            url.append(contentsOf: request.url)
        }

        var call: HealthCall? {
            isSet ? HealthCall(time: time, seq: seq, method: method, url: String(decoding: url, as: UTF8.self), status: status) : nil
        }
    }
    @exclusivity(unchecked) private var pending: [String: Pending] = [:]

    public static let requestFields = BinaryEventCodec.Bodies.summary

    public init(opening txn: Transaction) throws {
        let create: Database.Options = txn.isReadOnly ? [] : .create
        summary = try txn.openDatabase(named: "summary", options: create)
        slots = try txn.openDatabase(named: "slots", options: create)
        hours = try txn.openDatabase(named: "hours", options: create)
        days = try txn.openDatabase(named: "days", options: create)
        alerts = try txn.openDatabase(named: "alerts", options: create)
        openAlerts = try txn.openDatabase(named: "open", options: create)
        accountAlerts = try txn.openDatabase(named: "account", options: create)
        alertSettings = try txn.openDatabase(named: "settings", options: create)
    }

    public func beginBatch() {
        pending.removeAll(keepingCapacity: true)
    }

    public func apply(_ event: Event, seq: UInt64, in txn: Transaction) throws {
        switch event.payload {
        case .connectionCreated(let e):
            try txn.put(summary, key: Array(e.connectionID.utf8), value: HealthSummary().encoded())
        case .connectionBlocked(let e): try setStatus(e.connectionID, .blocked, txn)
        case .connectionUnblocked(let e): try setStatus(e.connectionID, .active, txn)
        case .connectionDisconnected(let e): try setStatus(e.connectionID, .disconnected, at: event.time, txn)
        case .requestLogged, .requestBodiesExpired:
            _ = try event.withRequestFields { try applyRequest($0, seq: seq, in: txn) }
        case .retentionApplied(let r):
            try finishBatch(in: txn)
            try forget(before: r.logsBefore, disconnectedBefore: r.disconnectedBefore, txn)
        case .connectionTombstoned(let e):
            try finishBatch(in: txn)
            try remove(e.connectionID, txn)
        case .alertRaised(let e):
            try raise(e, at: event.time, txn)
        case .alertResolved(let e):
            try resolve(e, at: event.time, txn)
        case .alertNotified(let e):
            try notified(e, txn)
        case .alertSettingsChanged(let e):
            try txn.put(alertSettings, key: Array(e.connectionID.utf8), value: [e.muted ? 1 : 0, e.degraded ? 1 : 0])
        default:
            break
        }
    }

    public func applyRequest(_ request: RequestFields, seq: UInt64, in txn: Transaction) throws {
        // A connection id is a few letters: a string that small is kept inline.
        let connection = String(decoding: request.connectionID, as: UTF8.self)
        if pending[connection] == nil {
            guard let bytes = try txn.get(summary, key: Array(connection.utf8)) else { return }
            pending[connection] = Pending(summary: try HealthSummary(decoding: bytes))
        }
        // Changed where it lies: a copy of the batch's counts per request would cost more
        // than the request.
        Self.take(request, seq: seq, into: &pending[connection]!)
    }

    private static func take(_ request: RequestFields, seq: UInt64, into p: inout Pending) {
        let time = request.time
        let isError = HealthRule.isError(request.status)
        p.lastRequest.take(request, seq: seq)
        if (200..<400).contains(request.status) { p.lastSuccess.take(request, seq: seq) }
        if isError { p.lastError.take(request, seq: seq) }
        p.summary.recent.append(HealthSummary.Recent(time: time, status: request.status))
        if p.summary.recent.count > HealthRule.recentCalls { p.summary.recent.removeFirst() }
        let slot = floor(time.microseconds, slotMicroseconds)
        p.slots[slot, default: (0, 0)].calls += 1
        if isError { p.slots[slot, default: (0, 0)].errors += 1 }
        let hour = floor(time.microseconds, hourMicroseconds)
        if let c = StatusClass(status: Int(request.status)) { p.hours[hour, default: HealthHour(hour: hour)].byClass[Int(c.rawValue) - 1] += 1 }
        if request.durationMicroseconds > 0 {
            p.hours[hour, default: HealthHour(hour: hour)].durations[DurationHistogram.bucket(request.durationMicroseconds)] += 1
        }
        p.days.insert(floor(time.microseconds, dayMicroseconds))
    }

    public func finishBatch(in txn: Transaction) throws {
        for connection in Array(pending.keys) { try finish(connection, txn) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes what the batch gathered of one connection, and drops what the windows no
    /// longer reach from its last call.
    private func finish(_ connection: String, _ txn: Transaction) throws {
        guard let p = pending.removeValue(forKey: connection) else { return }
        var s = p.summary
        if let call = p.lastRequest.call { s.lastRequest = Self.later(s.lastRequest, call) }
        if let call = p.lastSuccess.call { s.lastSuccess = Self.later(s.lastSuccess, call) }
        if let call = p.lastError.call { s.lastError = Self.later(s.lastError, call) }
        try txn.put(summary, key: Array(connection.utf8), value: s.encoded())
        for (slot, n) in p.slots {
            let key = Self.key(connection, slot)
            var calls = n.calls, errors = n.errors
            if let old = try txn.get(slots, key: key) {
                calls += Key.readUInt32(old, at: 0)
                errors += Key.readUInt32(old, at: 4)
            }
            var value: [UInt8] = []
            Key.append(&value, calls)
            Key.append(&value, errors)
            try txn.put(slots, key: key, value: value)
        }
        for (hour, h) in p.hours {
            let key = Self.key(connection, hour)
            var sum = h
            if let old = try txn.get(hours, key: key) {
                let stored = HealthHour(hour: hour, decoding: old)
                for i in 0..<5 { sum.byClass[i] += stored.byClass[i] }
                for i in 0..<DurationHistogram.buckets { sum.durations[i] += stored.durations[i] }
            }
            try txn.put(hours, key: key, value: sum.encoded())
        }
        for day in p.days { try txn.put(days, key: Self.key(connection, day), value: []) }
        if let last = s.lastRequest?.time.microseconds {
            try prune(slots, connection, before: last - 2 * Self.hourMicroseconds, txn)
            try prune(hours, connection, before: last - 48 * Self.hourMicroseconds - Self.hourMicroseconds, txn)
            try prune(days, connection, before: last - 14 * Self.dayMicroseconds, txn)
        }
    }

    private func setStatus(_ connection: String, _ status: ConnectionStatus, at time: Timestamp? = nil, _ txn: Transaction) throws {
        try finish(connection, txn)
        guard let bytes = try txn.get(summary, key: Array(connection.utf8)) else { return }
        var s = try HealthSummary(decoding: bytes)
        s.status = status
        if status == .disconnected { s.disconnectedAt = time }
        try txn.put(summary, key: Array(connection.utf8), value: s.encoded())
    }

    /// Compaction's cutoffs: calls, slots, hours and days older than the logs' are forgotten,
    /// and with them every bucket that holds any time before the cutoff.
    private func forget(before cutoff: Timestamp, disconnectedBefore: Timestamp, _ txn: Transaction) throws {
        var changed: [([UInt8], [UInt8])] = []
        var folded: [String] = []
        try txn.scan(summary) { key, value in
            var s = try HealthSummary(decoding: value)
            // Folded into a tombstone by compaction: gone, as from a replay of its journal.
            if let at = s.disconnectedAt, at < disconnectedBefore {
                folded.append(String(decoding: key, as: UTF8.self))
                return true
            }
            let before = s
            if let c = s.lastRequest, c.time < cutoff { s.lastRequest = nil }
            if let c = s.lastSuccess, c.time < cutoff { s.lastSuccess = nil }
            if let c = s.lastError, c.time < cutoff { s.lastError = nil }
            s.recent.removeAll { $0.time < cutoff }
            if s != before { changed.append((Array(key), s.encoded())) }
            return true
        }
        for (key, value) in changed { try txn.put(summary, key: key, value: value) }
        for connection in folded { try remove(connection, txn) }
        for database in [slots, hours, days] {
            var old: [[UInt8]] = []
            try txn.scan(database) { key, _ in
                // Any bucket that began before the cutoff: a replay of the compacted journal
                // sees only the part after it, then drops the bucket at the same cutoffs.
                let start = Key.time(fromBiased: Key.readUInt64(key, at: key.count - 8))
                if start >= cutoff.microseconds { return true }
                old.append(Array(key))
                return true
            }
            for key in old { _ = try txn.delete(database, key: key) }
        }
    }

    private func remove(_ connection: String, _ txn: Transaction) throws {
        _ = try txn.delete(summary, key: Array(connection.utf8))
        // Compaction folds a connection's alert events into its tombstone with the rest.
        try forgetAlerts(of: connection, txn)
        for database in [slots, hours, days] { try prune(database, connection, before: .max, txn) }
    }

    private func prune(_ database: Database, _ connection: String, before start: Int64, _ txn: Transaction) throws {
        var old: [[UInt8]] = []
        try txn.scan(database, range: KeyRange(lower: Key.text(connection), upper: Self.key(connection, start))) { key, _ in
            old.append(Array(key))
            return true
        }
        for key in old { _ = try txn.delete(database, key: key) }
    }

    static func key(_ connection: String, _ start: Int64) -> [UInt8] {
        var key = Key.text(connection)
        Key.append(&key, time: start)
        return key
    }

    static func floor(_ micros: Int64, _ width: Int64) -> Int64 {
        (micros >= 0 ? micros : micros - width + 1) / width * width
    }

    static func later(_ a: HealthCall?, _ b: HealthCall) -> HealthCall {
        guard let a else { return b }
        return (b.time, b.seq) >= (a.time, a.seq) ? b : a
    }
}
