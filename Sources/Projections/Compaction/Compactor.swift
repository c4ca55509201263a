public import Events
public import Journal
public import Logging
internal import LMDB

/// Keeps the journal bounded without changing what any projection says within its
/// retention (docs/compaction.md). Works in bounded write transactions over fixed ranges
/// of sequence numbers, only below `limit` (what every projector has applied), keeps every
/// remaining event's number and order, and ends by appending the cutoffs it used
/// (`retentionApplied`) so the projections forget the same things.
///
/// Each transaction is whole, and a run started again redoes nothing that is done: a run
/// killed at any moment and started again ends as one uninterrupted run.
public enum Compactor {
    /// What a run did.
    public struct Report: Sendable {
        public var limit: UInt64 = 0
        public var bodiesExpired = 0
        public var requestsRolledUp = 0
        public var rollupsWritten = 0
        public var connectionsTombstoned = 0
        public var eventsRemovedWithTombstones = 0
        public var tombstonesRemoved = 0
        public var bytesBefore = 0
        public var bytesAfter = 0
        /// The sequence number of the `retentionApplied` event appended.
        public var markerSeq: UInt64 = 0
        public var cutoffs: RetentionApplied?

        public var bytesFreed: Int { max(bytesBefore - bytesAfter, 0) }

        public func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.unsigned("limit", limit)
            w.integer("bodies_expired", Int64(bodiesExpired))
            w.integer("requests_rolled_up", Int64(requestsRolledUp))
            w.integer("rollups_written", Int64(rollupsWritten))
            w.integer("connections_tombstoned", Int64(connectionsTombstoned))
            w.integer("events_removed_with_tombstones", Int64(eventsRemovedWithTombstones))
            w.integer("tombstones_removed", Int64(tombstonesRemoved))
            w.integer("bytes_before", Int64(bytesBefore))
            w.integer("bytes_after", Int64(bytesAfter))
            w.integer("bytes_freed", Int64(bytesFreed))
            w.unsigned("marker_seq", markerSeq)
            w.endObject()
        }
    }

    private struct Connection: Sendable {
        var appID: String
        var accountID: String
        var locationID: String?
        var zone: String
        var disconnect: (seq: UInt64, time: Timestamp)?
        var lastSeq: UInt64
        var requests: UInt64 = 0
    }

    /// Compacts events up to `limit` with the cutoffs of `policy` at `now`.
    public static func run(
        journal: Journal, policy: RetentionPolicy, now: Timestamp, limit: UInt64, chunk: Int = 2000, logger: Logger
    ) async throws -> Report {
        let cut = policy.cutoffs(at: now)
        var report = Report()
        report.limit = limit
        report.cutoffs = cut
        report.bytesBefore = try journal.statistics().eventBytes

        // Pass 1, read-only in bounded transactions: who is who, and what can fold away.
        var zones: [String: String] = [:]
        var connections: [String: Connection] = [:]
        var tombstoned = Set<String>()
        let head = try journal.head
        var start: UInt64 = 1
        while start <= head {
            let end = start + UInt64(chunk) - 1
            try journal.scan(from: start, through: end) { seq, bytes in
                guard let event = try? BinaryEventCodec.decode(bytes, bodies: .skip) else { return true }
                switch event.payload {
                case .accountRegistered(let e): zones["a:" + e.accountID] = e.timeZone
                case .locationRegistered(let e): zones["l:" + e.locationID] = e.timeZone
                case .connectionCreated(let e):
                    let zone = zones[e.locationID.map { "l:" + $0 } ?? "a:" + e.accountID] ?? "UTC"
                    connections[e.connectionID] = Connection(
                        appID: e.appID, accountID: e.accountID, locationID: e.locationID, zone: zone, lastSeq: seq)
                case .connectionTombstoned(let e): tombstoned.insert(e.connectionID)
                default: break
                }
                if let id = event.connectionID, var c = connections[id] {
                    c.lastSeq = seq
                    switch event.payload {
                    case .connectionDisconnected: c.disconnect = (seq, event.time)
                    case .requestLogged, .requestBodiesExpired: c.requests += 1
                    case .requestsRolledUp(let r): c.requests += r.total
                    default: break
                    }
                    connections[id] = c
                }
                return true
            }
            start = end + 1
        }

        // Tombstones first, each in place of its disconnect: a run killed after this knows
        // from the journal which connections to fold.
        var newTombstones: [(UInt64, Event)] = []
        for (id, c) in connections where !tombstoned.contains(id) {
            guard let d = c.disconnect, d.time < cut.disconnectedBefore, d.seq <= limit, c.lastSeq <= limit else { continue }
            newTombstones.append((d.seq, Event(time: d.time, .connectionTombstoned(ConnectionTombstoned(
                connectionID: id, appID: c.appID, accountID: c.accountID, locationID: c.locationID,
                disconnectedAt: d.time, requestCount: c.requests)))))
            tombstoned.insert(id)
        }
        newTombstones.sort { $0.0 < $1.0 }
        for part in stride(from: 0, to: newTombstones.count, by: chunk) {
            let slice = Array(newTombstones[part..<min(part + chunk, newTombstones.count)])
            try await journal.withMaintenanceTransaction { txn, events in
                for (seq, event) in slice {
                    try txn.put(events, key: Journal.sequenceKey(seq), value: BinaryEventCodec.encode(event))
                }
            }
        }
        report.connectionsTombstoned = newTombstones.count

        // Pass 2: fixed ranges of numbers, one write transaction each.
        let folded = tombstoned
        let zoneOf = connections.mapValues(\.zone)
        start = 1
        while start <= limit {
            let end = min(start + UInt64(chunk) - 1, limit)
            let (from, through) = (start, end)
            let part = try await journal.withMaintenanceTransaction { txn, events -> Report in
                try compactRange(from: from, through: through, cut: cut, folded: folded, zones: zoneOf, txn: txn, events: events)
            }
            report.bodiesExpired += part.bodiesExpired
            report.requestsRolledUp += part.requestsRolledUp
            report.rollupsWritten += part.rollupsWritten
            report.eventsRemovedWithTombstones += part.eventsRemovedWithTombstones
            report.tombstonesRemoved += part.tombstonesRemoved
            start = end + 1
        }

        // The cutoffs, for the projections.
        var marker = RecordBatch()
        marker.appendRecord { BinaryEventCodec.encode(Event(time: now, .retentionApplied(cut)), into: &$0) }
        report.markerSeq = try await journal.append(marker).lowerBound
        report.bytesAfter = try journal.statistics().eventBytes
        logger.notice("compaction done", metadata: [
            "compaction.limit": "\(limit)", "compaction.bodies_expired": "\(report.bodiesExpired)",
            "compaction.requests_rolled_up": "\(report.requestsRolledUp)",
            "compaction.tombstoned": "\(report.connectionsTombstoned)", "compaction.bytes_freed": "\(report.bytesFreed)",
        ])
        return report
    }

    private struct Group: Hashable {
        var connection: String
        var day: Int64
    }

    private static func compactRange(
        from: UInt64, through: UInt64, cut: RetentionApplied, folded: Set<String>, zones: [String: String],
        txn: Transaction, events: Database
    ) throws -> Report {
        var report = Report()
        var records: [(UInt64, Event)] = []
        try txn.scan(events, range: KeyRange(lower: Journal.sequenceKey(from), upper: Journal.sequenceKey(through + 1))) { key, value in
            if let seq = Journal.sequenceNumber(of: key), let event = try? BinaryEventCodec.decode(value, bodies: .skip) {
                records.append((seq, event))
            }
            return true
        }
        let clock = ZoneClock()
        var groups: [Group: (rollup: RequestsRolledUp, lastSeq: UInt64)] = [:]
        for (seq, event) in records {
            let key = Journal.sequenceKey(seq)
            if case .connectionTombstoned(let t) = event.payload {
                if t.disconnectedAt < cut.tombstonesBefore {
                    try txn.delete(events, key: key)
                    report.tombstonesRemoved += 1
                }
                continue
            }
            if let id = event.connectionID, folded.contains(id) {
                try txn.delete(events, key: key)
                report.eventsRemovedWithTombstones += 1
                continue
            }
            let request: RequestLogged
            switch event.payload {
            case .requestLogged(let r), .requestBodiesExpired(let r): request = r
            default: continue
            }
            if event.time < cut.logsBefore {
                let day = clock.day(zones[request.connectionID] ?? "UTC", at: event.time)
                let group = Group(connection: request.connectionID, day: day)
                var entry = groups[group] ?? (RequestsRolledUp(
                    connectionID: request.connectionID, day: day, total: 0, byClass: [0, 0, 0, 0, 0],
                    firstTime: event.time, lastTime: event.time), seq)
                entry.rollup.total += 1
                if let c = StatusClass(status: Int(request.status)) { entry.rollup.byClass[Int(c.rawValue) - 1] += 1 }
                entry.rollup.firstTime = min(entry.rollup.firstTime, event.time)
                entry.rollup.lastTime = max(entry.rollup.lastTime, event.time)
                entry.lastSeq = max(entry.lastSeq, seq)
                groups[group] = entry
                try txn.delete(events, key: key)
                report.requestsRolledUp += 1
            } else if event.time < cut.bodiesBefore, case .requestLogged(let r) = event.payload {
                try txn.put(events, key: key, value: BinaryEventCodec.encode(Event(time: event.time, .requestBodiesExpired(r.withoutBodies))))
                report.bodiesExpired += 1
            }
        }
        for (_, entry) in groups {
            try txn.put(events, key: Journal.sequenceKey(entry.lastSeq),
                        value: BinaryEventCodec.encode(Event(time: entry.rollup.lastTime, .requestsRolledUp(entry.rollup))))
            report.rollupsWritten += 1
        }
        return report
    }
}
