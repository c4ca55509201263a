extension String {
    /// A string from UTF-8 bytes, or nil if they are not valid UTF-8. ASCII, the common
    /// case for ids, URLs and headers, skips the generic validating initializer and its
    /// metadata lookups (hot in both decoders).
    init?(validatingUTF8Bytes bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            self = String(decoding: bytes, as: UTF8.self)
            return
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }
}
