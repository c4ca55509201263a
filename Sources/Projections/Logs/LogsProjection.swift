internal import Foundation
public import Events
public import LMDB

/// A filterable index over each connection's requests, newest first.
///
/// Every request is indexed under the 8 combinations of the three filter dimensions
/// (resource, method, status class), so a filter on any set of resources × methods ×
/// classes is a merge of one key range per ticked combination: a page costs a cursor
/// seek per combination and a step per entry shown, whatever the number of entries that
/// do not match.
///
/// ```
/// ids        "c:" connection id → u64 (the connection's number: the sequence number of
///            its connectionCreated, so it survives compaction); "n:" number → id;
///            "d:" connection id → disconnection time; a counter under a 0x00 key
/// resources  resource name → (empty), for the filter's choices
/// index      mask u8 | connection u64 | [resource 0x00] [method u8] [class u8] | time | seq → (empty)
/// entries    connection u64 | seq u64 → LogEntry (the row, without bodies)
/// ```
/// `mask` has bit 1 for resource, 2 for method, 4 for class; `time` is microseconds with
/// the sign bit flipped, so it sorts as unsigned bytes. Nothing depends on the order in
/// which things were first seen, so replaying a compacted journal gives the same bytes.
public final class LogsProjection: Projection {
    public static let name = "logs"
    public static let schemaVersion = 2

    let ids: Database
    let resources: Database
    let index: Database
    let entries: Database

    /// Ids looked up or given in this batch (reset with the batch, whose transaction may
    /// be retried).
    private var connectionNumbers: [String: UInt64] = [:]
    private var knownResources: Set<String> = []

    public init(opening txn: Transaction) throws {
        let create: Database.Options = txn.isReadOnly ? [] : .create
        ids = try txn.openDatabase(named: "ids", options: create)
        resources = try txn.openDatabase(named: "resources", options: create)
        index = try txn.openDatabase(named: "index", options: create)
        entries = try txn.openDatabase(named: "entries", options: create)
    }

    public func beginBatch() {
        connectionNumbers.removeAll(keepingCapacity: true)
        knownResources.removeAll(keepingCapacity: true)
    }

    public func apply(_ event: Event, seq: UInt64, in txn: Transaction) throws {
        switch event.payload {
        case .connectionCreated(let e):
            var number = [UInt8]()
            Key.append(&number, seq)
            try txn.put(ids, key: Array("c:\(e.connectionID)".utf8), value: number)
            try txn.put(ids, key: Array("n:".utf8) + number, value: Array(e.connectionID.utf8))
            connectionNumbers[e.connectionID] = seq
        case .connectionDisconnected(let e):
            var time = [UInt8]()
            Key.append(&time, UInt64(bitPattern: event.time.microseconds))
            try txn.put(ids, key: Array("d:\(e.connectionID)".utf8), value: time)
        case .requestLogged(let e):
            try index(LogEntry(seq: seq, time: event.time, e), connectionID: e.connectionID, txn)
        case .requestBodiesExpired(let e):
            var entry = LogEntry(seq: seq, time: event.time, e)
            entry.bodiesExpired = true
            try index(entry, connectionID: e.connectionID, txn)
        case .retentionApplied(let r):
            try applyRetention(r, txn)
        case .accountRegistered, .locationRegistered, .appRegistered, .connectionReconnected, .connectionBlocked,
             .connectionUnblocked, .callbackAttempted, .callbackResendRequested, .requestsRolledUp, .connectionTombstoned,
             .userRegistered, .userPasswordChanged, .userRemoved, .unknown:
            break
        }
    }

    private func index(_ entry: LogEntry, connectionID: String, _ txn: Transaction) throws {
        let connection = try connectionNumber(connectionID, txn, create: true)!
        if !knownResources.contains(entry.resource) {
            try txn.put(resources, key: Array(entry.resource.utf8), value: [])
            knownResources.insert(entry.resource)
        }
        for key in LogsProjection.indexKeys(entry, connection: connection) { try txn.put(index, key: key, value: []) }
        try txn.put(entries, key: LogsProjection.entryKey(connection, entry.seq), value: entry.encoded())
    }

    /// The 8 index keys of an entry.
    static func indexKeys(_ entry: LogEntry, connection: UInt64) -> [[UInt8]] {
        let statusClass = StatusClass(status: Int(entry.status))?.rawValue ?? 0
        return (UInt8(0)..<8).map { mask in
            var key = [UInt8]()
            key.reserveCapacity(40)
            appendPrefix(&key, mask: mask, connection: connection, resource: entry.resource, method: entry.method.rawValue,
                         statusClass: statusClass)
            Key.append(&key, time: entry.time.microseconds)
            Key.append(&key, entry.seq)
            return key
        }
    }

    static func entryKey(_ connection: UInt64, _ seq: UInt64) -> [UInt8] {
        var key = [UInt8]()
        Key.append(&key, connection)
        Key.append(&key, seq)
        return key
    }

    /// Forgets entries older than the log retention and those of connections disconnected
    /// before the cutoff; marks older bodies expired.
    private func applyRetention(_ r: RetentionApplied, _ txn: Transaction) throws {
        var gone = Set<UInt64>()
        var goneIDs: [String] = []
        try txn.scan(ids, range: .prefix(Array("d:".utf8))) { key, value in
            let time = Int64(bitPattern: Key.readUInt64(value, at: 0))
            if time < r.disconnectedBefore.microseconds { goneIDs.append(String(decoding: key.dropFirst(2), as: UTF8.self)) }
            return true
        }
        for id in goneIDs {
            if let n = try connectionNumber(id, txn, create: false) {
                gone.insert(n)
                var number = [UInt8]()
                Key.append(&number, n)
                try txn.delete(ids, key: Array("n:".utf8) + number)
            }
            try txn.delete(ids, key: Array("c:\(id)".utf8))
            try txn.delete(ids, key: Array("d:\(id)".utf8))
            connectionNumbers[id] = nil
        }
        var removals: [(UInt64, LogEntry)] = []
        var expiries: [(UInt64, LogEntry)] = []
        var kept = Set<String>()
        try txn.scan(entries) { key, value in
            let connection = Key.readUInt64(key, at: 0)
            var entry = try LogEntry(seq: Key.readUInt64(key, at: 8), decoding: value)
            if gone.contains(connection) || entry.time < r.logsBefore {
                removals.append((connection, entry))
                return true
            }
            kept.insert(entry.resource)
            if entry.time < r.bodiesBefore, !entry.bodiesExpired {
                entry.bodiesExpired = true
                expiries.append((connection, entry))
            }
            return true
        }
        // The resources a filter offers are those of the entries that remain, as a replay
        // of the compacted journal would find them.
        var forgotten: [[UInt8]] = []
        try txn.scan(resources) { key, _ in
            if !kept.contains(String(decoding: key, as: UTF8.self)) { forgotten.append(Array(key)) }
            return true
        }
        for key in forgotten { try txn.delete(resources, key: key) }
        knownResources.removeAll(keepingCapacity: true)
        for (connection, entry) in removals {
            for key in LogsProjection.indexKeys(entry, connection: connection) { try txn.delete(index, key: key) }
            try txn.delete(entries, key: LogsProjection.entryKey(connection, entry.seq))
        }
        for (connection, entry) in expiries {
            try txn.put(entries, key: LogsProjection.entryKey(connection, entry.seq), value: entry.encoded())
        }
    }

    public func finishBatch(in txn: Transaction) throws {}

    static func appendPrefix(
        _ key: inout [UInt8], mask: UInt8, connection: UInt64, resource: String, method: UInt8, statusClass: UInt8
    ) {
        key.append(mask)
        Key.append(&key, connection)
        if mask & 1 != 0 { key += Key.text(resource) }
        if mask & 2 != 0 { key.append(method) }
        if mask & 4 != 0 { key.append(statusClass) }
    }

    /// The number standing for a connection in keys: the sequence number of its
    /// `connectionCreated`, or, for requests of a connection never created (an imported
    /// journal), one from a counter above 2^63. Nil if it has none and `create` is false.
    func connectionNumber(_ id: String, _ txn: Transaction, create: Bool) throws -> UInt64? {
        if let n = connectionNumbers[id] { return n }
        let key = Array("c:\(id)".utf8)
        if let stored = try txn.get(ids, key: key) {
            let n = Key.readUInt64(stored, at: 0)
            connectionNumbers[id] = n
            return n
        }
        guard create else { return nil }
        let n = (1 << 63) | (try nextNumber("\u{0}next-connection", txn))
        var value = [UInt8]()
        Key.append(&value, n)
        try txn.put(ids, key: key, value: value)
        try txn.put(ids, key: Array("n:".utf8) + value, value: Array(id.utf8))
        connectionNumbers[id] = n
        return n
    }

    private func nextNumber(_ counter: String, _ txn: Transaction) throws -> UInt64 {
        let key = Array(counter.utf8)
        let next = (try txn.get(ids, key: key).map { Key.readUInt64($0, at: 0) } ?? 0) + 1
        try txn.put(ids, key: key, value: Key.uint64(next))
        return next
    }
}
