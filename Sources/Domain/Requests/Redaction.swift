public import Events

/// Removes credentials from a logged request before it is stored: the values of headers
/// that carry them, and of query parameters that usually do.
public enum Redaction {
    public static let marker = "[REDACTED]"
    public static let headers: Set<String> = [
        "x-access-token", "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
    ]
    public static let parameters: Set<String> = ["access_token", "token", "api_key", "apikey", "key", "password", "secret", "client_secret"]

    public static func redact(_ headers: [Header]) -> [Header] {
        headers.map { h in Self.headers.contains(h.name.lowercased()) ? Header(h.name, marker) : h }
    }

    /// The URL with sensitive query parameter values replaced.
    public static func redact(url: String) -> String {
        guard let q = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: q)...]
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<eq].lowercased()
            return parameters.contains(name) ? "\(pair[..<eq])=\(marker)" : String(pair)
        }
        return url[..<q] + "?" + parts.joined(separator: "&")
    }

    public static func redact(_ request: RequestLogged) -> RequestLogged {
        var r = request
        r.requestHeaders = redact(r.requestHeaders)
        r.responseHeaders = redact(r.responseHeaders)
        r.url = redact(url: r.url)
        return r
    }
}

/// The resource an API path targets: its last segment that names a resource of the hub
/// (`/locations/3r4s3-1/orders` → `orders`), else its first segment.
public enum ResourceName {
    public static let known: Set<String> = [
        "locations", "accounts", "orders", "customer_lists", "customers", "catalogs", "inventories", "deliveries",
        "callback", "user",
    ]

    public static func of(url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first ?? ""
        let segments = path.split(separator: "/").map(String.init).filter { !$0.isEmpty && $0 != "v1" }
        if let last = segments.last(where: known.contains) { return last }
        return segments.first ?? "other"
    }
}
