internal import Foundation

/// Byte search for a body search: `memchr` finds each place the needle's first byte is,
/// `memcmp` checks the rest there.
enum TextSearch {
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>?, _ needle: [UInt8]) -> Bool {
        guard let haystack, let base = haystack.baseAddress, !needle.isEmpty, haystack.count >= needle.count else {
            return needle.isEmpty
        }
        return needle.withUnsafeBufferPointer { n in
            let first = Int32(n[0])
            let end = base + (haystack.count - n.count)  // the last place a match can start
            var at = base
            while at <= end {
                guard let found = memchr(at, first, end - at + 1) else { return false }
                let p = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                if memcmp(p, n.baseAddress!, n.count) == 0 { return true }
                at = p + 1
            }
            return false
        }
    }
}
