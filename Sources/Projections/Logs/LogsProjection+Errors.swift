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
        let rest = UnsafeRawBufferPointer(rebasing: key[prefixCount...])
        guard let zero = rest.firstIndex(of: 0), rest.count >= zero + 4,
              let method = HTTPMethod(rawValue: rest[zero + 1]),
              let resource = String(validating: rest[..<zero], as: UTF8.self),
              let error = String(validating: rest[(zero + 4)...], as: UTF8.self)
        else { return nil }
        return ErrorGroupKey(resource: resource, method: method, status: UInt16(rest[zero + 2]) << 8 | UInt16(rest[zero + 3]), error: error)
    }

    /// The stream of one error group of `connection`.
    static func errorStreamKey(_ connection: UInt64, _ group: ErrorGroupKey) -> [UInt8] {
        var key: [UInt8] = []
        var resource = group.resource
        resource.withUTF8 {
            appendErrorStreamKey(connection, resource: $0, method: group.method.rawValue, status: group.status, error: group.error, to: &key)
        }
        return key
    }
}
