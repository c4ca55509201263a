/// The resource an API path targets: its last segment that names a resource of the hub
/// (`/locations/3r4s3-1/orders` → `orders`), else its first segment, else `other`.
///
/// Read from the path alone (up to `?` or `#`), each segment cut at `;`, `&` or `=`, and
/// only a segment of unreserved characters that is not shaped like a token is taken: a
/// resource is an indexed, filterable field, and must never hold what ``Redaction``
/// would remove from the URL. Pass it the redacted URL.
public enum ResourceName {
    public static let known: Set<String> = [
        "locations", "accounts", "orders", "customer_lists", "customers", "catalogs", "inventories", "deliveries",
        "callback", "user",
    ]

    public static func of(url: String) -> String {
        let path = url.prefix { $0 != "?" && $0 != "#" }
        var first: Substring?
        var lastKnown: Substring?
        for segment in path.split(separator: "/") {
            let name = segment.prefix { $0 != ";" && $0 != "&" && $0 != "=" }
            guard !name.isEmpty, name != "v1" else { continue }
            if known.contains(String(name)) { lastKnown = name }
            if first == nil { first = name }
        }
        if let lastKnown { return String(lastKnown) }
        guard let first, first.utf8.allSatisfy(isUnreserved), !Redaction.containsTokenShape(String(first)) else { return "other" }
        return String(first)
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 46 || b == 95 || b == 126
    }
}
