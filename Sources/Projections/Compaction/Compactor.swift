public import Events
public import Journal
public import Logging
internal import Domain

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
        /// Settled hub events whose states expired with the bodies.
        public var hubEventStatesExpired = 0
        public var bytesBefore = 0
        public var bytesAfter = 0
        /// The sequence number of the `retentionApplied` event appended.
        public var markerSeq: UInt64 = 0
        public var cutoffs: RetentionApplied?

        public var bytesFreed: Int { max(bytesBefore - bytesAfter, 0) }

        public init() {}
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
        // Its record must be one the journal can read back: refused before anything is changed.
        do {
            try BinaryEventCodec.checkRanges(Event(time: now, .retentionApplied(cut)))
        } catch {
            throw ProjectionError.invalid("compaction at \(now.rfc3339) with these retentions cannot be recorded: \(error)")
        }
        let head = try journal.head
        var report = try await rewrite(journal: journal, cut: cut, limit: limit, scannedThrough: head, chunk: chunk)

        // The cutoffs, for the projections, with the bounds a replica repeats the run with.
        var marker = RecordBatch()
        var recorded = cut
        recorded.limit = limit
        recorded.scannedThrough = head
        try marker.appendRecord { try BinaryEventCodec.encode(Event(time: now, .retentionApplied(recorded)), into: &$0) }
        report.markerSeq = try await journal.append(marker).lowerBound
        report.bytesAfter = try journal.statistics().eventBytes
        logger.notice("compaction done", metadata: [
            "compaction.limit": "\(limit)", "compaction.bodies_expired": "\(report.bodiesExpired)",
            "compaction.requests_rolled_up": "\(report.requestsRolledUp)",
            "compaction.tombstoned": "\(report.connectionsTombstoned)", "compaction.bytes_freed": "\(report.bytesFreed)",
        ])
        return report
    }

    /// Repeats on a replica of the journal the run that wrote `marker` on the original
    /// (the `retentionApplied` it appended, which the replica holds already): the same
    /// cutoffs and bounds over the same events give the same bytes. A marker without
    /// bounds (written before replication) changes nothing.
    public static func repeatRun(journal: Journal, marker: RetentionApplied, chunk: Int = 2000, logger: Logger) async throws {
        guard let limit = marker.limit, let scanned = marker.scannedThrough else { return }
        var cut = marker
        cut.limit = nil
        cut.scannedThrough = nil
        let report = try await rewrite(journal: journal, cut: cut, limit: limit, scannedThrough: scanned, chunk: chunk)
        logger.notice("compaction repeated from the stream", metadata: [
            "compaction.limit": "\(limit)", "compaction.bodies_expired": "\(report.bodiesExpired)",
            "compaction.requests_rolled_up": "\(report.requestsRolledUp)",
        ])
    }

    /// Tombstones, then the rewrite of the events up to `limit`, reading what the journal
    /// holds through `scannedThrough` to know who is who.
    private static func rewrite(
        journal: Journal, cut: RetentionApplied, limit: UInt64, scannedThrough head: UInt64, chunk: Int
    ) async throws -> Report {
        var report = Report()
        report.limit = limit
        report.cutoffs = cut
        report.bytesBefore = try journal.statistics().eventBytes

        // Pass 1, read-only in bounded transactions: who is who, and what can fold away.
        var zones: [String: String] = [:]
        var connections: [String: Connection] = [:]
        var tombstoned = Set<String>()
        var ledger = HubCallbackLedger()
        var start: UInt64 = 1
        while start <= head {
            let end = start + UInt64(chunk) - 1
            try journal.scan(from: start, through: end) { seq, bytes in
                guard let event = try? BinaryEventCodec.decode(bytes, bodies: .skip) else { return true }
                ledger.apply(event)
                switch event.payload {
                case .accountRegistered(let e): zones["a:" + e.accountID] = e.timeZone
                case .locationRegistered(let e): zones["l:" + e.locationID] = e.timeZone
                case .connectionCreated(let e):
                    let zone = ZoneRule.zone(locationID: e.locationID, accountID: e.accountID) { id, isLocation in
                        zones[(isLocation ? "l:" : "a:") + id]
                    }
                    connections[e.connectionID] = Connection(
                        appID: e.appID, accountID: e.accountID, locationID: e.locationID, zone: zone, lastSeq: seq)
                case .connectionTombstoned(let e): tombstoned.insert(e.connectionID)
                case .appRegistered, .connectionReconnected, .connectionBlocked, .connectionUnblocked, .connectionDisconnected,
                     .requestLogged, .callbackAttempted, .callbackResendRequested, .requestBodiesExpired, .requestsRolledUp,
                     .retentionApplied, .userRegistered, .userPasswordChanged, .userRemoved, .authorizationCodeIssued, .authorizationCodeRedeemed,
             .catalogRegistered, .customerListRegistered,
             .callbackSet, .callbackDeleted, .hubEventPublished, .callbackDelivered, .callbackEventAcknowledged, .callbackEventDropped,
             .callbackEventResent, .alertRaised, .alertResolved, .alertSettingsChanged, .alertNotified, .unknown:
                    break
                }
                if let id = event.connectionID, var c = connections[id] {
                    c.lastSeq = seq
                    switch event.payload {
                    case .connectionDisconnected: c.disconnect = (seq, event.time)
                    case .requestLogged, .requestBodiesExpired: c.requests += 1
                    case .requestsRolledUp(let r): c.requests += r.total
                    case .accountRegistered, .locationRegistered, .appRegistered, .connectionCreated, .connectionReconnected,
                         .connectionBlocked, .connectionUnblocked, .callbackAttempted, .callbackResendRequested,
                         .connectionTombstoned, .retentionApplied, .userRegistered, .userPasswordChanged, .userRemoved, .authorizationCodeIssued, .authorizationCodeRedeemed,
             .catalogRegistered, .customerListRegistered,
             .callbackSet, .callbackDeleted, .hubEventPublished, .callbackDelivered, .callbackEventAcknowledged, .callbackEventDropped,
             .callbackEventResent, .alertRaised, .alertResolved, .alertSettingsChanged, .alertNotified, .unknown:
                        break
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
            let slice = newTombstones[part..<min(part + chunk, newTombstones.count)]
            try await journal.replace(slice.map { (seq: $0.0, record: try BinaryEventCodec.encode($0.1)) })
        }
        report.connectionsTombstoned = newTombstones.count

        // Pass 2: fixed ranges of numbers, one write transaction each.
        let folded = tombstoned
        let zoneOf = connections.mapValues(\.zone)
        let settled = ledger
        start = 1
        while start <= limit {
            let end = min(start + UInt64(chunk) - 1, limit)
            let (from, through) = (start, end)
            let part = try await journal.rewrite(from...through) { records in
                try compactRange(records, cut: cut, folded: folded, zones: zoneOf, settled: settled)
            }
            report.bodiesExpired += part.bodiesExpired
            report.requestsRolledUp += part.requestsRolledUp
            report.rollupsWritten += part.rollupsWritten
            report.eventsRemovedWithTombstones += part.eventsRemovedWithTombstones
            report.tombstonesRemoved += part.tombstonesRemoved
            report.hubEventStatesExpired += part.hubEventStatesExpired
            start = end + 1
        }
        return report
    }

    private struct Group: Hashable {
        var connection: String
        var day: Int64
    }

    /// The changes that compact one range: what each record becomes, and what was done.
    private static func compactRange(
        _ journal: borrowing JournalRecords, cut: RetentionApplied, folded: Set<String>, zones: [String: String],
        settled: HubCallbackLedger
    ) throws -> (changes: [UInt64: Journal.RecordChange], result: Report) {
        var report = Report()
        var changes: [UInt64: Journal.RecordChange] = [:]
        var records: [(UInt64, Event)] = []
        // Failed requests' error summaries, read from the response bodies about to go.
        var summaries: [UInt64: String] = [:]
        try journal.forEach { seq, value in
            guard let event = try? BinaryEventCodec.decode(value, bodies: .skip) else { return true }
            records.append((seq, event))
            if event.time < cut.bodiesBefore, case .requestLogged(let r) = event.payload, ErrorSummary.failed(r.status),
               let fields = try? BinaryEventCodec.requestFields(value, reading: .summary),
               let summary = ErrorSummary.of(fields), !summary.isEmpty {
                summaries[seq] = summary
            }
            return true
        }
        let clock = ZoneClock()
        var groups: [Group: (rollup: RequestsRolledUp, lastSeq: UInt64)] = [:]
        for (seq, event) in records {
            if case .connectionTombstoned(let t) = event.payload {
                if t.disconnectedAt < cut.tombstonesBefore {
                    changes[seq] = .delete
                    report.tombstonesRemoved += 1
                }
                continue
            }
            if let id = event.connectionID, folded.contains(id) {
                changes[seq] = .delete
                report.eventsRemovedWithTombstones += 1
                continue
            }
            let request: RequestLogged
            switch event.payload {
            case .requestLogged(let r), .requestBodiesExpired(let r): request = r
            case .hubEventPublished(let e):
                // A settled event's states go with the bodies of its time (the connections
                // projection does the same when it applies the cutoffs).
                if event.time < cut.bodiesBefore, e.hasStates, settled.isSettled(e.eventID) {
                    changes[seq] = .replace(try BinaryEventCodec.encode(Event(time: event.time, .hubEventPublished(e.withoutStates))))
                    report.hubEventStatesExpired += 1
                }
                continue
            case .accountRegistered, .locationRegistered, .appRegistered, .connectionCreated, .connectionReconnected,
                 .connectionBlocked, .connectionUnblocked, .connectionDisconnected, .callbackAttempted,
                 .callbackResendRequested, .requestsRolledUp, .connectionTombstoned, .retentionApplied,
                 .userRegistered, .userPasswordChanged, .userRemoved, .authorizationCodeIssued, .authorizationCodeRedeemed,
             .catalogRegistered, .customerListRegistered,
             .callbackSet, .callbackDeleted, .callbackDelivered, .callbackEventAcknowledged, .callbackEventDropped,
             .callbackEventResent, .alertRaised, .alertResolved, .alertSettingsChanged, .alertNotified, .unknown:
                continue
            }
            if event.time < cut.logsBefore {
                let day = clock.day(zones[request.connectionID] ?? ZoneRule.fallback, at: event.time)
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
                changes[seq] = .delete
                report.requestsRolledUp += 1
            } else if event.time < cut.bodiesBefore, case .requestLogged(let r) = event.payload {
                var expired = r.withoutBodies
                expired.errorSummary = summaries[seq]
                changes[seq] = .replace(try BinaryEventCodec.encode(Event(time: event.time, .requestBodiesExpired(expired))))
                report.bodiesExpired += 1
            }
        }
        for (_, entry) in groups {
            // In place of the group's last request, which this range held.
            changes[entry.lastSeq] = .replace(try BinaryEventCodec.encode(Event(time: entry.rollup.lastTime, .requestsRolledUp(entry.rollup))))
            report.rollupsWritten += 1
        }
        return (changes, report)
    }
}
