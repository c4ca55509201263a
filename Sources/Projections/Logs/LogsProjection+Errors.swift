internal import Events
public import LMDB

extension LogsProjection {
    /// The error groups of a connection's retained entries, the most recent failure first:
    /// one step per group (its stream's count and ends), whatever the number of entries.
    public func errorGroups(_ connectionID: String, in txn: Transaction) throws -> [ErrorGroup] {
        guard let connection = try connectionNumber(connectionID, txn, create: false) else { return [] }
        let prefix = LogsProjection.streamKey(.errors, connection)
        let range = KeyRange.prefix(prefix)
        var groups: [ErrorGroup] = []
        try txn.withCursor(streams) { cursor in
            var entry = try cursor.seek(atLeast: prefix)
            while let e = entry, range.contains(e.key) {
                if let key = LogsProjection.errorGroupKey(e.key, prefixCount: prefix.count),
                   let first = try cursor.firstValue(), first.value.count == StreamPosition.storedSize {
                    let firstPosition = StreamPosition(first.value)
                    let count = try cursor.valueCount()
                    if let last = try cursor.lastValue(), last.value.count == StreamPosition.storedSize {
                        let lastPosition = StreamPosition(last.value)
                        groups.append(ErrorGroup(
                            key: key, connectionID: connectionID, count: count, firstTime: Timestamp(microseconds: firstPosition.time),
                            lastTime: Timestamp(microseconds: lastPosition.time), lastSeq: lastPosition.seq))
                    }
                }
                entry = try cursor.nextKey()
            }
        }
        return groups.sorted(by: ErrorGroup.newestFirst)
    }

    /// The group an error stream's key names (nil for a key not of that form).
    static func errorGroupKey(_ key: UnsafeRawBufferPointer, prefixCount: Int) -> ErrorGroupKey? {
        ErrorGroupKey(keyBytes: UnsafeRawBufferPointer(rebasing: key[prefixCount...]))
    }

    /// The stream of one error group of `connection`.
    static func errorStreamKey(_ connection: UInt64, _ group: ErrorGroupKey) -> [UInt8] {
        streamKey(.errors, connection) + group.keyBytes
    }
}
