/// Big-endian key building: LMDB compares keys as bytes, so numbers are written
/// most-significant byte first to sort as numbers.
enum Key {
    static func uint64(_ v: UInt64) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(8)
        append(&out, v)
        return out
    }

    static func uint32(_ v: UInt32) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(4)
        append(&out, v)
        return out
    }

    @inline(__always)
    static func append(_ out: inout [UInt8], _ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    @inline(__always)
    static func append(_ out: inout [UInt8], _ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    @inline(__always)
    static func append(_ out: inout [UInt8], _ v: UInt16) {
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v))
    }

    /// A signed time that sorts correctly as unsigned bytes (sign bit flipped).
    @inline(__always)
    static func append(_ out: inout [UInt8], time micros: Int64) {
        append(&out, UInt64(bitPattern: micros) ^ (1 << 63))
    }

    static func time(fromBiased v: UInt64) -> Int64 { Int64(bitPattern: v ^ (1 << 63)) }

    static func readUInt64(_ b: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(b[offset + i]) }
        return v
    }

    static func readUInt32(_ b: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(b[offset + i]) }
        return v
    }

    /// A string key component followed by a 0 byte, so "ab" and "abc" prefixes stay apart
    /// (ids never contain 0).
    static func text(_ s: String) -> [UInt8] {
        var out = Array(s.utf8)
        out.append(0)
        return out
    }
}
