extension String {
    /// A string from UTF-8 bytes, or nil if they are not valid UTF-8. ASCII, the common
    /// case for ids, URLs and headers, skips the generic validating initializer and its
    /// metadata lookups (hot in both decoders).
    init?(validatingUTF8Bytes bytes: UnsafeBufferPointer<UInt8>) {
        if Self.isASCII(bytes) {
            self = String(decoding: bytes, as: UTF8.self)
            return
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }

    /// Whether every byte is below 0x80, eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var high: UInt64 = 0
        var j = 0
        while j + 8 <= bytes.count {
            high |= UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            j += 8
        }
        while j < bytes.count {
            high |= UInt64(base[j])
            j += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}

/// Well-formed UTF-8 (the Unicode Standard's table 3-7: no overlong forms, no surrogates,
/// nothing past U+10FFFF), checked in place: what `String(validating:as:)` accepts,
/// without making the string.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var i = 0
        let n = bytes.count
        while i < n {
            // Runs of ASCII, eight bytes at a time: text with an accent here and there
            // goes byte by byte only around them.
            while n - i >= 8, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { return true }
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            // The second byte's range depends on the first; the rest are 80…BF.
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard n - i >= length else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= low, b1 <= high else { return false }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }
}
