/// Where an entry stands in a logs stream: by time, then by sequence number (the order
/// a page shows, newest first, read backwards). Stored as 16 bytes that sort the same
/// way as unsigned bytes: the time with its sign bit flipped, then the sequence number,
/// both big-endian.
struct StreamPosition: Comparable, Hashable {
    var time: Int64
    var seq: UInt64

    init(time: Int64, seq: UInt64) {
        self.time = time
        self.seq = seq
    }

    init(_ entry: LogEntry) {
        self.init(time: entry.time.microseconds, seq: entry.seq)
    }

    /// The size of a stored value.
    static let storedSize = 16

    /// Reads a stored value (16 bytes).
    init(_ bytes: UnsafeRawBufferPointer) {
        self.init(time: Key.time(fromBiased: Key.readUInt64(bytes, at: 0)), seq: Key.readUInt64(bytes, at: 8))
    }

    /// The stored value, without making an array of it.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let stored = ((UInt64(bitPattern: time) ^ (1 << 63)).bigEndian, seq.bigEndian)
        return try withUnsafeBytes(of: stored, body)
    }

    var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(16)
        Key.append(&out, time: time)
        Key.append(&out, seq)
        return out
    }

    static func < (a: StreamPosition, b: StreamPosition) -> Bool {
        (a.time, a.seq) < (b.time, b.seq)
    }
}
