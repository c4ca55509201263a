public import Events
public import LMDB
internal import Domain

/// Requests per connection per local day, also split by status class: the 30-day chart is
/// one range read.
///
/// ```
/// zones   "a:" account id | "l:" location id → IANA time zone
/// owners  connection id                       → time zone of its location (or account)
/// gone    connection id                       → when it was disconnected (i64 BE)
/// days    connection id 0x00 day (u32 BE, days since 1970 + 2^31) → DayCounts
/// ```
/// Days are the connection's local days: a request at 23:30 UTC in Asia/Kolkata counts on
/// the next day, and days around a daylight-saving change have 23 or 25 hours.
public final class ActivityProjection: Projection {
    public static let name = "activity"
    public static let schemaVersion = 2

    let zones: Database
    let owners: Database
    let days: Database
    let gone: Database
    private let zoneClock = ZoneClock()

    // What a request touches is kept per connection and per batch, and touched by one
    // thread at a time (the projector's), never from inside another access to itself: no
    // run-time exclusivity checks (as in LogsProjection).

    /// Counts gathered in the current batch, added to the stored ones at its end; slots
    /// keep their place for the batch, found by `pendingSlots`.
    @exclusivity(unchecked) private var pending: [(day: ConnectionDay, counts: DayCounts)] = []
    @exclusivity(unchecked) private var pendingSlots: [ConnectionDay: Int] = [:]
    /// Which emptying of `pending` is current: a connection's slot is good only for the
    /// generation it was found in.
    private var generation: UInt64 = 0
    /// A key of `pending`: hashed as a short string and a number, where the stored key's
    /// bytes would be hashed one by one (and allocated for each request).
    private struct ConnectionDay: Hashable {
        var connection: String
        var day: LocalDay
    }
    /// Per connection, what its last request found: its zone, the zone's offset and the
    /// times it holds for, the local day and the slot it counted in. A request on the same
    /// day as its connection's last costs one lookup (`clockIndex`), where the zone, its
    /// offset and the day's slot would cost one each.
    private struct ConnectionClock {
        var zone: String
        var span = OffsetSpan.empty
        var day = Int64.min
        var slot = 0
        var generation = UInt64.max
    }
    @exclusivity(unchecked) private var clocks: [ConnectionClock] = []
    @exclusivity(unchecked) private var clockIndex: [String: Int] = [:]
    private static let clocksLimit = 100_000

    /// Of a request it reads only the connection id, time and status.
    public static let requestFields = BinaryEventCodec.Bodies.counting

    public init(opening txn: Transaction) throws {
        let create: Database.Options = txn.isReadOnly ? [] : .create
        zones = try txn.openDatabase(named: "zones", options: create)
        owners = try txn.openDatabase(named: "owners", options: create)
        days = try txn.openDatabase(named: "days", options: create)
        gone = try txn.openDatabase(named: "gone", options: create)
    }

    public func beginBatch() {
        clearPending()
    }

    private func clearPending() {
        pending.removeAll(keepingCapacity: true)
        pendingSlots.removeAll(keepingCapacity: true)
        generation &+= 1
    }

    public func apply(_ event: Event, seq: UInt64, in txn: Transaction) throws {
        switch event.payload {
        case .accountRegistered(let e):
            try txn.put(zones, key: Array("a:\(e.accountID)".utf8), value: Array(e.timeZone.utf8))
        case .locationRegistered(let e):
            try txn.put(zones, key: Array("l:\(e.locationID)".utf8), value: Array(e.timeZone.utf8))
        case .connectionCreated(let e):
            let zone = try ZoneRule.zone(locationID: e.locationID, accountID: e.accountID) { id, isLocation in
                try txn.get(zones, key: Array(((isLocation ? "l:" : "a:") + id).utf8)).map { String(decoding: $0, as: UTF8.self) }
            }
            try txn.put(owners, key: Array(e.connectionID.utf8), value: Array(zone.utf8))
            remember(e.connectionID, zone: zone)
        case .requestLogged, .requestBodiesExpired:
            _ = try event.withRequestFields { try applyRequest($0, seq: seq, in: txn) }
        case .requestsRolledUp(let e):
            var counts = DayCounts()
            counts.total = UInt32(clamping: e.total)
            counts.byClass = (0..<5).map { UInt32(clamping: $0 < e.byClass.count ? e.byClass[$0] : 0) }
            pending[pendingSlot(ConnectionDay(connection: e.connectionID, day: LocalDay(e.day)))].counts.add(counts)
        case .connectionDisconnected(let e):
            var time = [UInt8]()
            Key.append(&time, UInt64(bitPattern: event.time.microseconds))
            try txn.put(gone, key: Array(e.connectionID.utf8), value: time)
        case .retentionApplied(let r):
            try finishBatch(in: txn)
            try forgetDisconnected(before: r.disconnectedBefore, txn)
        case .appRegistered, .connectionReconnected, .connectionBlocked, .connectionUnblocked, .callbackAttempted,
             .callbackResendRequested, .connectionTombstoned, .userRegistered, .userPasswordChanged, .userRemoved, .authorizationCodeIssued, .authorizationCodeRedeemed,
             .catalogRegistered, .customerListRegistered,
             .callbackSet, .callbackDeleted, .hubEventPublished, .callbackDelivered, .callbackEventAcknowledged, .callbackEventDropped,
             .callbackEventResent, .alertRaised, .alertResolved, .alertSettingsChanged, .alertNotified, .unknown:
            break
        }
    }

    public func applyRequest(_ request: RequestFields, seq: UInt64, in txn: Transaction) throws {
        // A connection id is a few letters: a string that small is kept inline.
        let connection = String(decoding: request.connectionID, as: UTF8.self)
        let i = try clock(of: connection, txn)
        let time = request.time
        if !clocks[i].span.contains(time) { clocks[i].span = zoneClock.span(clocks[i].zone, at: time) }
        let day = clocks[i].span.day(time)
        if clocks[i].day != day || clocks[i].generation != generation {
            clocks[i].slot = pendingSlot(ConnectionDay(connection: connection, day: LocalDay(day)))
            clocks[i].day = day
            clocks[i].generation = generation
        }
        pending[clocks[i].slot].counts.add(status: request.status)
    }

    /// The slot in `pending` of a connection's day, given one if the day is new to this
    /// batch.
    private func pendingSlot(_ day: ConnectionDay) -> Int {
        if let slot = pendingSlots[day] { return slot }
        pending.append((day, DayCounts()))
        pendingSlots[day] = pending.count - 1
        return pending.count - 1
    }

    public func finishBatch(in txn: Transaction) throws {
        defer { clearPending() }
        for (day, counts) in pending {
            let key = ActivityProjection.key(day.connection, day.day)
            var total = try txn.get(days, key: key).map(DayCounts.init(decoding:)) ?? DayCounts()
            total.add(counts)
            try txn.put(days, key: key, value: total.encoded())
        }
    }

    /// Drops the days of connections disconnected before `cutoff`, as compaction folds
    /// their history into tombstones.
    private func forgetDisconnected(before cutoff: Timestamp, _ txn: Transaction) throws {
        var ids: [String] = []
        try txn.scan(gone) { key, value in
            if Int64(bitPattern: Key.readUInt64(value, at: 0)) < cutoff.microseconds { ids.append(String(decoding: key, as: UTF8.self)) }
            return true
        }
        for id in ids {
            var keys: [[UInt8]] = []
            try txn.scan(days, range: .prefix(Key.text(id))) { key, _ in
                keys.append(Array(key))
                return true
            }
            for key in keys { try txn.delete(days, key: key) }
            try txn.delete(owners, key: Array(id.utf8))
            try txn.delete(gone, key: Array(id.utf8))
            clockIndex[id] = nil
        }
    }

    /// The index in `clocks` of a connection's clock, its zone read from `owners` (or the
    /// fallback) the first time.
    private func clock(of connection: String, _ txn: Transaction) throws -> Int {
        if let i = clockIndex[connection] { return i }
        let zone = try txn.get(owners, key: Array(connection.utf8)).map { String(decoding: $0, as: UTF8.self) } ?? ZoneRule.fallback
        return remember(connection, zone: zone)
    }

    @discardableResult
    private func remember(_ connection: String, zone: String) -> Int {
        if let i = clockIndex[connection] {
            clocks[i] = ConnectionClock(zone: zone)
            return i
        }
        // Bounded: a connection forgotten here is read again (forgotten ones' places in
        // `clocks` are reused only after this).
        if clocks.count >= ActivityProjection.clocksLimit {
            clocks.removeAll(keepingCapacity: true)
            clockIndex.removeAll(keepingCapacity: true)
        }
        clocks.append(ConnectionClock(zone: zone))
        clockIndex[connection] = clocks.count - 1
        return clocks.count - 1
    }

    static func key(_ connection: String, _ day: LocalDay) -> [UInt8] {
        var key = Key.text(connection)
        Key.append(&key, UInt32(truncatingIfNeeded: day.number + (1 << 31)))
        return key
    }

    static func day(ofKey key: UnsafeRawBufferPointer) -> LocalDay {
        LocalDay(Int64(Key.readUInt32(key, at: key.count - 4)) - (1 << 31))
    }
}

/// Requests of one day: the total and by status class.
public struct DayCounts: Hashable, Sendable {
    public var total: UInt32 = 0
    /// Indexed by class: 0 for 1xx, 1 for 2xx, … 4 for 5xx.
    public var byClass: [UInt32] = [0, 0, 0, 0, 0]

    public init() {}

    public func count(_ c: StatusClass) -> UInt32 { byClass[Int(c.rawValue) - 1] }

    public mutating func add(status: UInt16) {
        total += 1
        if let c = StatusClass(status: Int(status)) { byClass[Int(c.rawValue) - 1] += 1 }
    }

    public mutating func add(_ other: DayCounts) {
        total += other.total
        for i in 0..<5 { byClass[i] += other.byClass[i] }
    }

    func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(24)
        for v in [total] + byClass { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    init(decoding bytes: UnsafeRawBufferPointer) {
        func u32(_ i: Int) -> UInt32 {
            guard bytes.count >= (i + 1) * 4 else { return 0 }
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(bytes[i * 4 + k]) << UInt32(8 * k) }
            return v
        }
        total = u32(0)
        byClass = (1...5).map(u32)
    }
}
