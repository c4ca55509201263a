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
/// ids        "c:" connection id → u32;  "r:" resource → u16;  counters under 0x00 keys
/// resources  u16 → resource name
/// index      mask u8 | connection u32 | [resource u16] [method u8] [class u8] | time | seq → (empty)
/// entries    connection u32 | seq u64 → LogEntry (the row, without bodies)
/// ```
/// `mask` has bit 1 for resource, 2 for method, 4 for class; `time` is microseconds with
/// the sign bit flipped, so it sorts as unsigned bytes.
public final class LogsProjection: Projection {
    public static let name = "logs"
    public static let schemaVersion = 1

    let ids: Database
    let resources: Database
    let index: Database
    let entries: Database

    /// Ids looked up or given in this batch (reset with the batch, whose transaction may
    /// be retried).
    private var connectionNumbers: [String: UInt32] = [:]
    private var resourceNumbers: [String: UInt16] = [:]

    public init(opening txn: Transaction) throws {
        let create: Database.Options = txn.isReadOnly ? [] : .create
        ids = try txn.openDatabase(named: "ids", options: create)
        resources = try txn.openDatabase(named: "resources", options: create)
        index = try txn.openDatabase(named: "index", options: create)
        entries = try txn.openDatabase(named: "entries", options: create)
    }

    public func beginBatch() {
        connectionNumbers.removeAll(keepingCapacity: true)
        resourceNumbers.removeAll(keepingCapacity: true)
    }

    public func apply(_ event: Event, seq: UInt64, in txn: Transaction) throws {
        guard case .requestLogged(let e) = event.payload else { return }
        let connection = try connectionNumber(e.connectionID, txn, create: true)!
        let resource = try resourceNumber(e.resource, txn)
        let statusClass = StatusClass(status: Int(e.status))?.rawValue ?? 0
        var key = [UInt8]()
        key.reserveCapacity(32)
        for mask in UInt8(0)..<8 {
            key.removeAll(keepingCapacity: true)
            LogsProjection.appendPrefix(&key, mask: mask, connection: connection,
                                        resource: resource, method: e.method.rawValue, statusClass: statusClass)
            Key.append(&key, time: event.time.microseconds)
            Key.append(&key, seq)
            try txn.put(index, key: key, value: [])
        }
        key.removeAll(keepingCapacity: true)
        Key.append(&key, connection)
        Key.append(&key, seq)
        try txn.put(entries, key: key, value: LogEntry(seq: seq, time: event.time, e).encoded())
    }

    public func finishBatch(in txn: Transaction) throws {}

    static func appendPrefix(
        _ key: inout [UInt8], mask: UInt8, connection: UInt32, resource: UInt16, method: UInt8, statusClass: UInt8
    ) {
        key.append(mask)
        Key.append(&key, connection)
        if mask & 1 != 0 { Key.append(&key, resource) }
        if mask & 2 != 0 { key.append(method) }
        if mask & 4 != 0 { key.append(statusClass) }
    }

    /// The number standing for a connection in keys; nil if it has no entries (and
    /// `create` is false).
    func connectionNumber(_ id: String, _ txn: Transaction, create: Bool) throws -> UInt32? {
        if let n = connectionNumbers[id] { return n }
        let key = Array("c:\(id)".utf8)
        if let stored = try txn.get(ids, key: key) {
            let n = Key.readUInt32(stored, at: 0)
            connectionNumbers[id] = n
            return n
        }
        guard create else { return nil }
        let n = UInt32(try nextNumber("\u{0}next-connection", txn))
        var value = [UInt8]()
        Key.append(&value, n)
        try txn.put(ids, key: key, value: value)
        connectionNumbers[id] = n
        return n
    }

    private func resourceNumber(_ name: String, _ txn: Transaction) throws -> UInt16 {
        if let n = resourceNumbers[name] { return n }
        let key = Array("r:\(name)".utf8)
        let n: UInt16
        if let stored = try txn.get(ids, key: key) {
            n = Key.readUInt16(stored, at: 0)
        } else {
            // Resources are few (the API's path segments); past 65535 distinct names the
            // rest share the last number and filter together.
            n = UInt16(min(try nextNumber("\u{0}next-resource", txn), 65_535))
            var value = [UInt8]()
            Key.append(&value, n)
            try txn.put(ids, key: key, value: value)
            try txn.put(resources, key: value, value: Array(name.utf8))
        }
        resourceNumbers[name] = n
        return n
    }

    /// Looks up a resource's number without giving one.
    func existingResourceNumber(_ name: String, _ txn: Transaction) throws -> UInt16? {
        try txn.get(ids, key: Array("r:\(name)".utf8)).map { Key.readUInt16($0, at: 0) }
    }

    private func nextNumber(_ counter: String, _ txn: Transaction) throws -> UInt64 {
        let key = Array(counter.utf8)
        let next = (try txn.get(ids, key: key).map { Key.readUInt64($0, at: 0) } ?? 0) + 1
        try txn.put(ids, key: key, value: Key.uint64(next))
        return next
    }
}
