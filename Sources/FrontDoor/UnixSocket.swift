internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif

/// Facts about a Unix domain socket path.
public enum UnixSocket {
    /// Whether a server accepts connections at `path`; throws if the path cannot be a
    /// socket address (too long).
    public static func isListening(_ path: String) throws(UnixSocketError) -> Bool {
        guard let fd = try connect(path) else { return false }
        close(fd)
        return true
    }

    /// A stream socket connected to the server at `path`, which the caller closes; nil if
    /// none accepts (`errno` says why). Throws if the path cannot be a socket address.
    public static func connect(_ path: String) throws(UnixSocketError) -> Int32? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw UnixSocketError(description: "the socket path \(path) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let saved = errno
            close(fd)
            errno = saved
            return nil
        }
        return fd
    }
}

/// A path that cannot be a Unix socket's address.
public struct UnixSocketError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
