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
