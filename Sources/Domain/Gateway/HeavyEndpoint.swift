public import Events

/// The hub's heavy endpoints, which have a limit of their own (10 calls a minute per
/// connection) beside the three windows every call counts in: a catalog
/// (`GET /catalogs/:id`), an order index (`GET …/orders`), a customer list's customers
/// (`GET /customer_lists/:id/customers`). Paths are read as ``AccessRule`` reads them: an
/// optional `/v1`, names without regard to case.
public enum HeavyEndpoint {
    /// Whether `method` on `path` (a ``RequestTarget``'s path, without the query) is one.
    public static func matches(method: HTTPMethod, path: String) -> Bool {
        guard method == .get else { return false }
        let segments = path.split(separator: "/").map { $0.lowercased() }
        let parts = segments.first == "v1" ? Array(segments.dropFirst()) : segments
        guard let last = parts.last else { return false }
        if last == "orders" { return true }
        if parts.count >= 2, parts[parts.count - 2] == "catalogs" { return true }
        if parts.count >= 3, last == "customers", parts[parts.count - 3] == "customer_lists" { return true }
        return false
    }
}
