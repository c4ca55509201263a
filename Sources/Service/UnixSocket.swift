internal import Foundation

/// Facts about a Unix domain socket path.
public enum UnixSocket {
    /// Whether a server accepts connections at `path`; throws if the path cannot be a
    /// socket address (too long).
    public static func isListening(_ path: String) throws(DaemonError) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw DaemonError("the socket path \(path) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return connected == 0
    }
}

/// Splits NDJSON into its non-blank lines, with their 1-based line numbers.
func forEachLine(_ bytes: [UInt8], _ body: (Int, ArraySlice<UInt8>) throws -> Void) rethrows {
    var line = 0
    var start = 0
    while start < bytes.count {
        // memchr finds the newline a word at a time; batches are megabytes.
        let end: Int = bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int in
            let base = raw.baseAddress!
            guard let found = memchr(base + start, 10, raw.count - start) else { return raw.count }
            return UnsafeRawPointer(found) - base
        }
        line += 1
        let slice = bytes[start..<end]
        if !slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { try body(line, slice) }
        start = end + 1
    }
}
