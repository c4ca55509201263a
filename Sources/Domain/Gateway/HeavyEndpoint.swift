public import Events

/// The hub's heavy endpoints, which have a limit of their own (10 calls a minute per
/// connection) beside the three windows every call counts in: a catalog
/// (`GET /catalogs/:id`), an order index (`GET …/orders`), a customer list's customers
/// (`GET /customer_lists/:id/customers`). Paths are read as ``AccessRule`` reads them: an
/// optional `/v1`, names without regard to case.
public enum HeavyEndpoint {
    /// Whether `method` on `path` (a ``RequestTarget``'s path, without the query) is one.
    /// Read from the path's last three segments, in place: it runs on every gateway call.
    public static func matches(method: HTTPMethod, path: String) -> Bool {
        guard method == .get else { return false }
        let utf8 = path.utf8
        // The last three non-empty segments: last, the one before, the one before that.
        var segments: (Substring.UTF8View?, Substring.UTF8View?, Substring.UTF8View?) = (nil, nil, nil)
        var count = 0
        var end = utf8.endIndex
        var i = utf8.endIndex
        func take(_ start: String.Index) {
            guard start < end else { return }
            let segment = path[start..<end].utf8
            switch count {
            case 0: segments.0 = segment
            case 1: segments.1 = segment
            default: segments.2 = segment
            }
            count += 1
        }
        while count < 3, i > utf8.startIndex {
            i = utf8.index(before: i)
            if utf8[i] == UInt8(ascii: "/") {
                take(utf8.index(after: i))
                end = i
            }
        }
        if count < 3, i == utf8.startIndex { take(i) }
        guard let last = segments.0 else { return false }
        if named(last, "orders") { return true }
        if let before = segments.1, named(before, "catalogs") { return true }
        if let list = segments.2, named(last, "customers"), named(list, "customer_lists") { return true }
        return false
    }

    /// Whether `segment` is `name` (lower case ASCII) without regard to case.
    private static func named(_ segment: Substring.UTF8View, _ name: StaticString) -> Bool {
        guard segment.count == name.utf8CodeUnitCount else { return false }
        var k = 0
        for byte in segment {
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard lower == name.utf8Start[k] else { return false }
            k += 1
        }
        return true
    }
}
