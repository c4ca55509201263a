internal import Foundation
internal import Events
public import LMDB

extension LogsProjection {
    /// How many entries a page with exact filters (a status code, a least duration) reads
    /// at most: each is a read the indexes cannot spare. Past it, the page ends early and
    /// says so (``LogsPage/scanLimited``).
    public static let scanBudget = 20_000

    /// How many entries a page searched for a text (``LogFilter/text``) reads at most: each
    /// is a read of its record in the journal and a search through its bodies.
    public static let textScanBudget = 5_000

    /// One page of `connection`'s entries matching `filter`, newest first (by time, then
    /// by sequence number), starting after `cursor`.
    public func page(
        _ connectionID: String, filter: LogFilter, limit: Int, cursor: String?, in txn: Transaction
    ) throws -> LogsPage {
        try page(connectionID, filter: filter, limit: limit, cursor: cursor, txn, checking: false, budget: Self.scanBudget) { _ in true }
    }

    /// ``page(_:filter:limit:cursor:in:)`` with each candidate also checked by `accept`.
    public func page(
        _ connectionID: String, filter: LogFilter, limit: Int, cursor: String?, in txn: Transaction,
        budget: Int, accept: (LogEntry) throws -> Bool
    ) throws -> LogsPage {
        try page(connectionID, filter: filter, limit: limit, cursor: cursor, txn, checking: true, budget: budget, accept: accept)
    }

    private func page(
        _ connectionID: String, filter: LogFilter, limit: Int, cursor: String?, _ txn: Transaction,
        checking: Bool, budget: Int, accept: (LogEntry) throws -> Bool
    ) throws -> LogsPage {
        guard limit > 0 else { throw ProjectionError.invalid("limit must be at least 1") }
        var start: StreamPosition?
        if let cursor {
            guard let position = LogCursor.decode(cursor) else {
                throw ProjectionError.invalid("invalid cursor \"\(cursor)\" (pass back a next_cursor unchanged)")
            }
            start = StreamPosition(time: position.time, seq: position.seq)
        } else if let until = filter.until {
            start = StreamPosition(time: until.microseconds, seq: 0)
        }
        guard let connection = try connectionNumber(connectionID, txn, create: false) else {
            return LogsPage(entries: [], nextCursor: nil)
        }
        let keys: [[UInt8]]
        if let group = filter.errorGroup {
            keys = filter.admits(group) ? [LogsProjection.errorStreamKey(connection, group)] : []
        } else {
            keys = try streamKeys(connection, filter.indexed, txn)
        }
        let exact = filter.needsEntries || checking
        guard !keys.isEmpty else { return LogsPage(entries: [], nextCursor: nil) }
        let since = filter.since?.microseconds ?? .min

        var found: [StreamPosition] = []
        var kept: [LogEntry] = []
        var more = false
        var scanned = 0
        var lastRead: StreamPosition?
        var budgetStop = false
        try txn.withCursors(streams, count: keys.count) { cursors in
            /// The stream's value a cursor is on, if it is not older than `since`.
            func head(_ entry: Cursor.Entry?) -> StreamPosition? {
                guard let entry, entry.value.count == 16 else { return nil }
                let position = StreamPosition(entry.value)
                return position.time >= since ? position : nil
            }
            var heads: [StreamPosition?] = []
            heads.reserveCapacity(keys.count)
            for (cursor, key) in zip(cursors, keys) {
                if let start {
                    heads.append(head(try cursor.seek(exactly: key, valueBefore: start.bytes)))
                } else {
                    heads.append(try cursor.seek(exactly: key) == nil ? nil : head(try cursor.lastValue()))
                }
            }
            while true {
                var best: Int?
                for (i, candidate) in heads.enumerated() {
                    guard let candidate else { continue }
                    if let b = best, let current = heads[b], current >= candidate { continue }
                    best = i
                }
                guard let b = best else { break }
                if found.count == limit {
                    more = true
                    break
                }
                let position = heads[b]!
                heads[b] = head(try cursors[b].previousValue())
                guard exact else {
                    found.append(position)
                    continue
                }
                // Exact filters: the entry is read and checked, at most `scanBudget` of them a page.
                if scanned == budget {
                    budgetStop = true
                    break
                }
                scanned += 1
                lastRead = position
                guard let bytes = try txn.get(entries, key: Key.uint64(position.seq)) else { continue }
                let entry = try LogsProjection.decodeEntry(seq: position.seq, bytes).entry
                guard filter.matchesStatus(entry.status), filter.minDurationMicroseconds.map({ entry.durationMicroseconds >= $0 }) ?? true,
                      try accept(entry)
                else { continue }
                found.append(position)
                kept.append(entry)
            }
        }
        if exact {
            var page: LogsPage
            if budgetStop, let last = lastRead {
                // Stopped by the budget: go on after the last entry read, kept or not.
                page = LogsPage(entries: kept, nextCursor: LogCursor.encode(time: last.time, seq: last.seq), scanLimited: true)
            } else {
                page = LogsPage(entries: kept, nextCursor: more ? found.last.map { LogCursor.encode(time: $0.time, seq: $0.seq) } : nil)
            }
            page.scanned = scanned
            page.scannedBackTo = lastRead.map { Timestamp(microseconds: $0.time) }
            return page
        }
        var entriesOut: [LogEntry] = []
        entriesOut.reserveCapacity(found.count)
        for position in found {
            guard let bytes = try txn.get(entries, key: Key.uint64(position.seq)) else { continue }
            entriesOut.append(try LogsProjection.decodeEntry(seq: position.seq, bytes).entry)
        }
        let next = more ? found.last.map { LogCursor.encode(time: $0.time, seq: $0.seq) } : nil
        return LogsPage(entries: entriesOut, nextCursor: next)
    }

    /// The streams a page with `filter` merges: the connection's whole stream when
    /// nothing is ticked, else the streams of its combinations that the filter keeps,
    /// found by walking the connection's combination keys (one step each).
    private func streamKeys(_ connection: UInt64, _ filter: LogFilter, _ txn: Transaction) throws -> [[UInt8]] {
        if filter.resources.isEmpty, filter.methods.isEmpty, filter.statusClasses.isEmpty {
            return [LogsProjection.streamKey(.all, connection)]
        }
        let prefix = LogsProjection.streamKey(.combination, connection)
        let range = KeyRange.prefix(prefix)
        let resources = Set(filter.resources.map { Array($0.utf8) })
        let methods = Set(filter.methods.map(\.rawValue))
        let classes = Set(filter.statusClasses.map(\.rawValue))
        var keys: [[UInt8]] = []
        try txn.withCursor(streams) { cursor in
            var entry = try cursor.seek(atLeast: prefix)
            while let e = entry, range.contains(e.key), e.key.count >= prefix.count + 3 {
                // prefix | resource 0x00 | method | class
                let resource = Array(e.key[prefix.count..<(e.key.count - 3)])
                let method = e.key[e.key.count - 2]
                let statusClass = e.key[e.key.count - 1]
                if (resources.isEmpty || resources.contains(resource)) && (methods.isEmpty || methods.contains(method))
                    && (classes.isEmpty || classes.contains(statusClass)) {
                    keys.append(Array(e.key))
                }
                entry = try cursor.nextKey()
            }
        }
        return keys
    }

    /// The entry with sequence number `seq` of `connection`, if it has one.
    public func entry(_ connectionID: String, seq: UInt64, in txn: Transaction) throws -> LogEntry? {
        guard let connection = try connectionNumber(connectionID, txn, create: false),
              let bytes = try txn.get(entries, key: Key.uint64(seq))
        else { return nil }
        let stored = try LogsProjection.decodeEntry(seq: seq, bytes)
        return stored.connection == connection ? stored.entry : nil
    }

    /// The resource names seen so far, for the filter's choices.
    public func knownResources(in txn: Transaction) throws -> [String] {
        var names: [String] = []
        try txn.scan(resources) { key, _ in
            names.append(String(decoding: key, as: UTF8.self))
            return true
        }
        return names
    }
}

/// The position after one entry in a newest-first page: what `next_cursor` holds.
public enum LogCursor {
    public static func encode(time: Int64, seq: UInt64) -> String {
        var bytes: [UInt8] = [1]
        Key.append(&bytes, time: time)
        Key.append(&bytes, seq)
        return Base64URL.encode(bytes)
    }

    static func decode(_ text: String) -> (time: Int64, seq: UInt64)? {
        guard let bytes = Base64URL.decode(text), bytes.count == 17, bytes.first == 1 else { return nil }
        return bytes.withUnsafeBytes { raw in
            (Key.time(fromBiased: Key.readUInt64(raw, at: 1)), Key.readUInt64(raw, at: 9))
        }
    }
}
