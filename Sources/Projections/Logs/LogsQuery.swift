internal import Foundation
internal import Events
public import LMDB

extension LogsProjection {
    /// One page of `connection`'s entries matching `filter`, newest first (by time, then
    /// by sequence number), starting after `cursor`.
    public func page(
        _ connectionID: String, filter: LogFilter, limit: Int, cursor: String?, in txn: Transaction
    ) throws -> LogsPage {
        guard limit > 0 else { throw ProjectionError.invalid("limit must be at least 1") }
        var start: (time: Int64, seq: UInt64)?
        if let cursor {
            guard let position = LogCursor.decode(cursor) else {
                throw ProjectionError.invalid("invalid cursor \"\(cursor)\" (pass back a next_cursor unchanged)")
            }
            start = position
        } else if let until = filter.until {
            start = (until.microseconds, 0)
        }
        guard let connection = try connectionNumber(connectionID, txn, create: false) else {
            return LogsPage(entries: [], nextCursor: nil)
        }
        let prefixes = try streamPrefixes(connection, filter, txn)
        guard !prefixes.isEmpty else { return LogsPage(entries: [], nextCursor: nil) }

        var found: [(time: Int64, seq: UInt64)] = []
        var more = false
        try txn.withCursors(index, count: prefixes.count) { cursors in
            var heads: [(time: Int64, seq: UInt64)?] = []
            for (cursor, prefix) in zip(cursors, prefixes) {
                let entry: Cursor.Entry?
                if let start {
                    var key = prefix
                    Key.append(&key, time: start.time)
                    Key.append(&key, start.seq)
                    entry = try cursor.seek(before: key)
                } else if let upper = KeyRange.prefix(prefix).upper {
                    entry = try cursor.seek(before: upper)
                } else {
                    entry = try cursor.last()
                }
                heads.append(position(entry, prefix, since: filter.since))
            }
            while true {
                var best: Int?
                for (i, head) in heads.enumerated() {
                    guard let head else { continue }
                    if let b = best, let current = heads[b], (current.time, current.seq) >= (head.time, head.seq) { continue }
                    best = i
                }
                guard let b = best else { break }
                if found.count == limit {
                    more = true
                    break
                }
                found.append(heads[b]!)
                heads[b] = position(try cursors[b].previous(), prefixes[b], since: filter.since)
            }
        }
        var entriesOut: [LogEntry] = []
        entriesOut.reserveCapacity(found.count)
        for f in found {
            guard let bytes = try txn.get(entries, key: LogsProjection.entryKey(connection, f.seq)) else { continue }
            entriesOut.append(try LogEntry(seq: f.seq, decoding: bytes))
        }
        let next = more ? found.last.map { LogCursor.encode(time: $0.time, seq: $0.seq) } : nil
        return LogsPage(entries: entriesOut, nextCursor: next)
    }

    /// The key prefix of each combination the filter ticks (one when nothing is ticked).
    private func streamPrefixes(_ connection: UInt64, _ filter: LogFilter, _ txn: Transaction) throws -> [[UInt8]] {
        var resources: [String?] = [nil]
        if !filter.resources.isEmpty {
            resources = try filter.resources.sorted().filter { try txn.get(self.resources, key: Array($0.utf8)) != nil }
            if resources.isEmpty { return [] }
        }
        let methods: [UInt8?] = filter.methods.isEmpty ? [nil] : filter.methods.map(\.rawValue).sorted()
        let classes: [UInt8?] = filter.statusClasses.isEmpty ? [nil] : filter.statusClasses.map(\.rawValue).sorted()
        let mask: UInt8 = (filter.resources.isEmpty ? 0 : 1) | (filter.methods.isEmpty ? 0 : 2)
            | (filter.statusClasses.isEmpty ? 0 : 4)
        var prefixes: [[UInt8]] = []
        for r in resources {
            for m in methods {
                for c in classes {
                    var key = [UInt8]()
                    LogsProjection.appendPrefix(&key, mask: mask, connection: connection,
                                                resource: r ?? "", method: m ?? 0, statusClass: c ?? 0)
                    prefixes.append(key)
                }
            }
        }
        return prefixes
    }

    /// The (time, seq) of an index entry if it is in the stream and not older than `since`.
    private func position(_ entry: Cursor.Entry?, _ prefix: [UInt8], since: Timestamp?) -> (time: Int64, seq: UInt64)? {
        guard let entry, entry.key.count == prefix.count + 16,
              prefix.withUnsafeBytes({ memcmp($0.baseAddress!, entry.key.baseAddress!, prefix.count) == 0 })
        else { return nil }
        let time = Key.time(fromBiased: Key.readUInt64(entry.key, at: prefix.count))
        if let since, time < since.microseconds { return nil }
        return (time, Key.readUInt64(entry.key, at: prefix.count + 8))
    }

    /// The entry with sequence number `seq` of `connection`, if it has one.
    public func entry(_ connectionID: String, seq: UInt64, in txn: Transaction) throws -> LogEntry? {
        guard let connection = try connectionNumber(connectionID, txn, create: false) else { return nil }
        return try txn.get(entries, key: LogsProjection.entryKey(connection, seq)).map { try LogEntry(seq: seq, decoding: $0) }
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
