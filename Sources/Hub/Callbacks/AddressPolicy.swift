internal import Foundation

/// Which callback addresses the notifier may call: not loopback, private, link-local or
/// unspecified ones, unless allowed (a callback URL is chosen by an app's developer, and
/// must not reach into the hub's own network).
public enum AddressPolicy {
    /// Whether `host` (a name or an IP literal) is, or resolves to, an address that is not
    /// public. A name that does not resolve counts as not private: the call will fail.
    public static func isPrivate(host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.lowercased() == "localhost" || bare.lowercased().hasSuffix(".localhost") { return true }
        return addresses(of: bare).contains(where: isPrivate)
    }

    /// Whether an IP literal (v4 or v6) is private; false for names.
    public static func isPrivateLiteral(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return isPrivate(withUnsafeBytes(of: v4) { Array($0) }) }
        if inet_pton(AF_INET6, bare, &v6) == 1 { return isPrivate(withUnsafeBytes(of: v6) { Array($0) }) }
        return false
    }

    /// ``isPrivate(host:)`` without blocking the caller's thread: name resolution
    /// (`getaddrinfo`) blocks, so it runs on a thread of its own, not on one of the
    /// concurrency pool's few.
    public static func resolvesToPrivate(host: String) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: isPrivate(host: host)) }
        }
    }

    private static func addresses(of host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [[UInt8]] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let n = node {
            if n.pointee.ai_family == AF_INET, let a = n.pointee.ai_addr {
                a.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { out.append(withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }) }
            } else if n.pointee.ai_family == AF_INET6, let a = n.pointee.ai_addr {
                a.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { out.append(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }) }
            }
            node = n.pointee.ai_next
        }
        return out
    }

    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    static func isPrivate(_ a: [UInt8]) -> Bool {
        if a.count == 4 {
            return a[0] == 127 || a[0] == 10 || a[0] == 0 || (a[0] == 172 && (16...31).contains(a[1]))
                || (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) || (a[0] == 100 && (64...127).contains(a[1]))
        }
        guard a.count == 16 else { return true }
        if a.allSatisfy({ $0 == 0 }) { return true }  // ::
        if a[0..<15].allSatisfy({ $0 == 0 }) && a[15] == 1 { return true }  // ::1
        if a[0] & 0xFE == 0xFC { return true }  // fc00::/7
        if a[0] == 0xFE && a[1] & 0xC0 == 0x80 { return true }  // fe80::/10
        if a[0..<10].allSatisfy({ $0 == 0 }) && a[10] == 0xFF && a[11] == 0xFF { return isPrivate(Array(a[12..<16])) }  // v4-mapped
        return false
    }
}
