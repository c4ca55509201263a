internal import Foundation
public import Events
public import LMDB

/// A filterable index over each connection's requests, newest first.
///
/// Each request is one value in two *streams*: all of its connection's requests, and
/// those of its combination (resource, method, status class); a failed one in a third, its
/// error group's (resource, method, status and ``ErrorSummary``), whose values LMDB counts
/// and whose ends are the group's first and last times. A page without a filter
/// reads the first stream from one seek; a filtered page walks the connection's
/// combinations (one step per key) and merges the streams of those the filter keeps, a
/// seek each, whatever the number of entries that do not match.
///
/// ```
/// ids        "c:" connection id → u64 (the connection's number: the sequence number of
///            its connectionCreated, so it survives compaction); "n:" number → id;
///            "d:" connection id → disconnection time; a counter under a 0x00 key
/// resources  resource name → (empty), for the filter's choices
/// streams    0 | connection u64                                       → time | seq, …
///            1 | connection u64 | resource 0x00 | method u8 | class u8 → time | seq, …
///            2 | connection u64 | resource 0x00 | method u8 | status u16 | error → time | seq, …
/// entries    seq u64 → connection u64 | LogEntry (the row, without bodies)
/// ```
/// `streams` holds sorted fixed-size values (16 bytes, packed without a header each),
/// `time` is microseconds with the sign bit flipped, so values sort as unsigned bytes.
/// Requests come in sequence order and mostly in time order, so entries and stream
/// values are appended where they can be, which fills LMDB's pages instead of splitting
/// them in half. Nothing depends on the order in which things were first seen, so
/// replaying a compacted journal gives the same entries.
public final class LogsProjection: Projection {
    public static let name = "logs"
    public static let schemaVersion = 4

    let ids: Database
    let resources: Database
    let streams: Database
    let entries: Database

    // What a projection gathers is touched for every request, by one thread at a time (its
    // projector's) and never from inside another access to itself: the run-time
    // exclusivity checks Swift makes on a class's stored properties are left out here
    // (@exclusivity(unchecked); they were about a tenth of a rebuild's logs thread).

    /// Ids looked up or given in this batch (reset with the batch, whose transaction may
    /// be retried).
    @exclusivity(unchecked) private var connectionNumbers: [String: UInt64] = [:]
    @exclusivity(unchecked) private var knownResources: Set<String> = []
    /// The greatest value written to each stream, or one above it: a value past it can be
    /// appended. Stays right across batches and retried transactions, since it is never
    /// below what a stream holds (retention only takes values away); bounded, a stream
    /// it forgot is read again.
    @exclusivity(unchecked) private var streamEnds: [StreamKey: StreamPosition] = [:]
    private static let streamEndsLimit = 50_000
    /// The values each stream is given in this batch, in arrival order, written together
    /// when the batch ends (``finishBatch(in:)``): LMDB finds a stream's key once a batch
    /// instead of once a request. Slots keep their buffers from one batch to the next.
    @exclusivity(unchecked) private var pendingSlots: [StreamKey: Int] = [:]
    @exclusivity(unchecked) private var pending: [(key: StreamKey, values: [UInt8])] = []
    @exclusivity(unchecked) private var pendingCount = 0
    /// The combinations met in this batch (reset with `pending`, whose slots they name),
    /// by connection id, resource, method and status class; and the key being looked up.
    @exclusivity(unchecked) private var combinations: [StreamKey: Combination] = [:]
    @exclusivity(unchecked) private var combinationKey: [UInt8] = []
    /// The key of the stream being added to, and the entry being written.
    @exclusivity(unchecked) private var streamKey: [UInt8] = []
    @exclusivity(unchecked) private var row: [UInt8] = []

    public init(opening txn: Transaction) throws {
        let create: Database.Options = txn.isReadOnly ? [] : .create
        ids = try txn.openDatabase(named: "ids", options: create)
        resources = try txn.openDatabase(named: "resources", options: create)
        streams = try txn.openDatabase(named: "streams", options: create.union([.sortedDuplicates, .fixedSizeDuplicates]))
        entries = try txn.openDatabase(named: "entries", options: create)
    }

    public func beginBatch() {
        connectionNumbers.removeAll(keepingCapacity: true)
        knownResources.removeAll(keepingCapacity: true)
        clearPending()
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
        case .requestLogged, .requestBodiesExpired:
            _ = try event.withRequestFields { try applyRequest($0, seq: seq, in: txn) }
        case .retentionApplied(let r):
            try applyRetention(r, txn)
        case .accountRegistered, .locationRegistered, .appRegistered, .connectionReconnected, .connectionBlocked,
             .connectionUnblocked, .callbackAttempted, .callbackResendRequested, .requestsRolledUp, .connectionTombstoned,
             .userRegistered, .userPasswordChanged, .userRemoved, .authorizationCodeIssued, .authorizationCodeRedeemed,
             .catalogRegistered, .customerListRegistered,
             .callbackSet, .callbackDeleted, .hubEventPublished, .callbackDelivered, .callbackEventAcknowledged, .callbackEventDropped,
             .callbackEventResent, .alertRaised, .alertResolved, .alertSettingsChanged, .alertNotified, .unknown:
            break
        }
    }

    public func applyRequest(_ request: RequestFields, seq: UInt64, in txn: Transaction) throws {
        let statusClass = LogsProjection.statusClass(of: request.status)
        // A combination met before in this batch costs one lookup; else its connection's
        // number, its resource and its two streams are found (and kept for the next).
        combinationKey.removeAll(keepingCapacity: true)
        combinationKey.appendBytes(request.connectionID)
        combinationKey.appendBytes(request.resource)
        combinationKey.append(request.method.rawValue)
        combinationKey.append(statusClass)
        let combination: Combination
        if let known = combinations[StreamKey(combinationKey)] {
            combination = known
        } else {
            combination = try newCombination(request, statusClass: statusClass, txn)
            // The dictionary keeps the buffer: the next request's key is a copy.
            combinations[StreamKey(combinationKey)] = combination
        }
        // A failed request (a few of them) joins its error group's stream too.
        let error = ErrorSummary.of(request)
        var errorSlot: Int?
        if let error {
            streamKey.removeAll(keepingCapacity: true)
            LogsProjection.appendErrorStreamKey(
                combination.connection, resource: request.resource, method: request.method.rawValue, status: request.status,
                error: error, to: &streamKey)
            errorSlot = pendingSlot()
        }
        StreamPosition(time: request.time.microseconds, seq: seq).withBytes { value in
            pending[combination.all].values.append(contentsOf: value)
            pending[combination.combination].values.append(contentsOf: value)
            if let errorSlot { pending[errorSlot].values.append(contentsOf: value) }
        }
        let connection = combination.connection
        row.removeAll(keepingCapacity: true)
        Key.append(&row, connection)
        LogEntry.encode(request, error: error, into: &row)
        try withUnsafeBytes(of: seq.bigEndian) { key in
            try row.withUnsafeBytes { row in
                if !(try LogsProjection.putIfLast(entries, key: key, value: row, txn)) {
                    // Not past the last entry (LMDB checks before it writes): an ordinary put.
                    try txn.put(entries, key: key, value: row)
                }
            }
        }
    }

    /// Appends `value` under `key` if the key sorts past every other; false if it does not
    /// (and nothing was written).
    private static func putIfLast(
        _ database: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, _ txn: Transaction
    ) throws -> Bool {
        do {
            try txn.put(database, key: key, value: value, options: .append)
            return true
        } catch {
            if error == .keyExists { return false }
            throw error
        }
    }

    /// What a request of one combination adds to in this batch: its connection's number
    /// and the slots in `pending` of its two streams.
    private struct Combination {
        var connection: UInt64
        var all: Int
        var combination: Int
    }

    /// Finds what a request of a combination not yet met in this batch adds to.
    private func newCombination(_ request: RequestFields, statusClass: UInt8, _ txn: Transaction) throws -> Combination {
        // Ids and resource names are a few letters: strings that small are kept inline,
        // not allocated.
        let connection = try connectionNumber(String(decoding: request.connectionID, as: UTF8.self), txn, create: true)!
        let resource = String(decoding: request.resource, as: UTF8.self)
        if !knownResources.contains(resource) {
            try txn.put(resources, key: Array(request.resource), value: [])
            knownResources.insert(resource)
        }
        streamKey.removeAll(keepingCapacity: true)
        LogsProjection.appendStreamKey(.all, connection, to: &streamKey)
        let all = pendingSlot()
        streamKey.removeAll(keepingCapacity: true)
        LogsProjection.appendCombinationStreamKey(
            connection, resource: request.resource, method: request.method.rawValue, statusClass: statusClass, to: &streamKey)
        return Combination(connection: connection, all: all, combination: pendingSlot())
    }

    /// The slot in `pending` of the stream whose key is in `streamKey`, given one if the
    /// stream is new to this batch.
    private func pendingSlot() -> Int {
        // The dictionary keeps the buffer only when the stream is new to this batch: then
        // the next key is a copy.
        let id = StreamKey(streamKey)
        if let known = pendingSlots[id] { return known }
        let slot = pendingCount
        pendingCount += 1
        if slot == pending.count { pending.append((id, [])) } else { pending[slot].key = id }
        pendingSlots[id] = slot
        return slot
    }

    /// Writes the values gathered since the batch began, stream by stream in key order,
    /// each stream's in one call: at its end when they sort past every value it holds.
    private func writePending(_ txn: Transaction) throws {
        guard pendingCount > 0 else { return }
        let order = (0..<pendingCount).sorted { pending[$0].key.bytes.lexicographicallyPrecedes(pending[$1].key.bytes) }
        try txn.withCursor(streams) { cursor in
            for slot in order { try writeStream(slot, cursor) }
        }
        clearPending()
    }

    private func writeStream(_ slot: Int, _ cursor: Cursor) throws {
        let id = pending[slot].key
        let size = StreamPosition.storedSize
        if !LogsProjection.ascending(pending[slot].values) {
            // Requests out of time order: put the stream's values in order first.
            var positions = pending[slot].values.withUnsafeBytes { bytes in
                stride(from: 0, to: bytes.count, by: size).map { StreamPosition(UnsafeRawBufferPointer(rebasing: bytes[$0..<($0 + size)])) }
            }
            positions.sort()
            pending[slot].values.removeAll(keepingCapacity: true)
            for position in positions { position.withBytes { pending[slot].values.append(contentsOf: $0) } }
        }
        let end: StreamPosition?
        if let known = streamEnds[id] {
            end = known
        } else {
            end = try cursor.seek(exactly: id.bytes) != nil ? try cursor.lastValue().map { StreamPosition($0.value) } : nil
        }
        let (first, last) = pending[slot].values.withUnsafeBytes { bytes in
            (StreamPosition(UnsafeRawBufferPointer(rebasing: bytes[0..<size])),
             StreamPosition(UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - size)...])))
        }
        let appends = end.map { first > $0 } ?? true
        try id.bytes.withUnsafeBytes { key in
            try pending[slot].values.withUnsafeBytes { values in
                try cursor.put(key: key, fixedSizeValues: values, valueSize: size, options: appends ? .appendDuplicate : [])
            }
        }
        if streamEnds.count >= LogsProjection.streamEndsLimit { streamEnds.removeAll(keepingCapacity: true) }
        streamEnds[id] = max(end ?? last, last)
    }

    /// Whether stored positions laid end to end are in strictly ascending order (their
    /// bytes sort as the positions do).
    private static func ascending(_ values: [UInt8]) -> Bool {
        let size = StreamPosition.storedSize
        return values.withUnsafeBytes { bytes in
            var offset = size
            while offset < bytes.count {
                if memcmp(bytes.baseAddress! + offset - size, bytes.baseAddress! + offset, size) >= 0 { return false }
                offset += size
            }
            return true
        }
    }

    /// Forgets what was gathered (kept buffers stay, emptied).
    private func clearPending() {
        combinations.removeAll(keepingCapacity: true)
        pendingSlots.removeAll(keepingCapacity: true)
        for slot in 0..<pendingCount { pending[slot].values.removeAll(keepingCapacity: true) }
        pendingCount = 0
        // A batch that saw very many streams leaves no more buffers than the bound.
        if pending.count > LogsProjection.streamEndsLimit { pending.removeAll() }
    }

    /// The status class a request's combination stream is keyed by (0 for a status
    /// outside 100–599).
    static func statusClass(of entry: LogEntry) -> UInt8 {
        statusClass(of: entry.status)
    }

    static func statusClass(of status: UInt16) -> UInt8 {
        StatusClass(status: Int(status))?.rawValue ?? 0
    }

    /// A stream's key as a dictionary key, hashed in one pass over its bytes (an array
    /// of bytes hashes byte by byte).
    private struct StreamKey: Hashable {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    /// The keys of the streams an entry is in (two, three when it failed).
    static func streamKeys(_ entry: LogEntry, connection: UInt64) -> [[UInt8]] {
        var keys = [
            streamKey(.all, connection),
            combinationStreamKey(connection, resource: entry.resource, method: entry.method.rawValue, statusClass: statusClass(of: entry)),
        ]
        if let group = ErrorGroupKey(entry) { keys.append(errorStreamKey(connection, group)) }
        return keys
    }

    /// The key of an error group's stream: the kind and the connection, then resource,
    /// method, status (big-endian) and the error summary.
    static func appendErrorStreamKey(
        _ connection: UInt64, resource: UnsafeBufferPointer<UInt8>, method: UInt8, status: UInt16, error: String,
        to key: inout [UInt8]
    ) {
        appendStreamKey(.errors, connection, to: &key)
        key.append(contentsOf: resource)
        key.append(0)
        key.append(method)
        key.append(UInt8(status >> 8))
        key.append(UInt8(status & 0xFF))
        key.append(contentsOf: error.utf8)
    }

    /// The first byte of a stream's key.
    enum StreamKind: UInt8 {
        /// All of a connection's requests: the key is the kind and the connection.
        case all = 0
        /// One combination's: the kind and the connection, then resource, method, class.
        case combination = 1
        /// One error group's: the kind and the connection, then resource, method, status, error.
        case errors = 2
    }

    /// The key of a connection's whole stream, or the prefix of all its combinations'.
    static func streamKey(_ kind: StreamKind, _ connection: UInt64) -> [UInt8] {
        var key: [UInt8] = []
        appendStreamKey(kind, connection, to: &key)
        return key
    }

    static func appendStreamKey(_ kind: StreamKind, _ connection: UInt64, to key: inout [UInt8]) {
        key.append(kind.rawValue)
        Key.append(&key, connection)
    }

    static func combinationStreamKey(_ connection: UInt64, resource: String, method: UInt8, statusClass: UInt8) -> [UInt8] {
        var key: [UInt8] = []
        appendCombinationStreamKey(connection, resource: resource, method: method, statusClass: statusClass, to: &key)
        return key
    }

    static func appendCombinationStreamKey(
        _ connection: UInt64, resource: String, method: UInt8, statusClass: UInt8, to key: inout [UInt8]
    ) {
        var resource = resource
        resource.withUTF8 { appendCombinationStreamKey(connection, resource: $0, method: method, statusClass: statusClass, to: &key) }
    }

    static func appendCombinationStreamKey(
        _ connection: UInt64, resource: UnsafeBufferPointer<UInt8>, method: UInt8, statusClass: UInt8, to key: inout [UInt8]
    ) {
        appendStreamKey(.combination, connection, to: &key)
        key.append(contentsOf: resource)
        key.append(0)
        key.append(method)
        key.append(statusClass)
    }

    static func entryValue(_ entry: LogEntry, connection: UInt64) -> [UInt8] {
        var value = Key.uint64(connection)
        entry.encode(into: &value)
        return value
    }

    /// The connection number and entry an `entries` value holds.
    static func decodeEntry(seq: UInt64, _ value: UnsafeRawBufferPointer) throws -> (connection: UInt64, entry: LogEntry) {
        guard value.count >= 8 else { throw ProjectionError.invalid("log entry \(seq) is \(value.count) bytes long") }
        return (Key.readUInt64(value, at: 0), try LogEntry(seq: seq, decoding: UnsafeRawBufferPointer(rebasing: value[8...])))
    }

    /// Forgets entries older than the log retention and those of connections disconnected
    /// before the cutoff; marks older bodies expired.
    private func applyRetention(_ r: RetentionApplied, _ txn: Transaction) throws {
        try writePending(txn)  // the scans below read the streams
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
            let stored = try LogsProjection.decodeEntry(seq: Key.readUInt64(key, at: 0), value)
            let connection = stored.connection
            var entry = stored.entry
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
            let position = StreamPosition(entry).bytes
            for stream in LogsProjection.streamKeys(entry, connection: connection) {
                try txn.delete(streams, key: stream, value: position)
            }
            try txn.delete(entries, key: Key.uint64(entry.seq))
        }
        for (connection, entry) in expiries {
            try txn.put(entries, key: Key.uint64(entry.seq), value: LogsProjection.entryValue(entry, connection: connection))
        }
    }

    public func finishBatch(in txn: Transaction) throws {
        try writePending(txn)
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
