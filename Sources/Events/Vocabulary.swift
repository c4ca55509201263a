/// The level an app connects at: the whole account, one location, or either.
public enum ConnectionLevel: UInt8, Hashable, Sendable, CaseIterable {
    case account = 0
    case location = 1
    case either = 2

    public var name: String {
        switch self {
        case .account: "account"
        case .location: "location"
        case .either: "either"
        }
    }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }
}

/// The HTTP methods the hub's API answers.
public enum HTTPMethod: UInt8, Hashable, Sendable, CaseIterable {
    case get = 1
    case post = 2
    case put = 3
    case patch = 4
    case delete = 5
    case head = 6
    case options = 7

    public var name: String {
        switch self {
        case .get: "GET"
        case .post: "POST"
        case .put: "PUT"
        case .patch: "PATCH"
        case .delete: "DELETE"
        case .head: "HEAD"
        case .options: "OPTIONS"
        }
    }

    /// Parses a method name, case-insensitively.
    public init?(name: String) {
        let upper = name.uppercased()
        guard let method = Self.allCases.first(where: { $0.name == upper }) else { return nil }
        self = method
    }
}

/// The class of an HTTP status: 2xx, 3xx, 4xx or 5xx (1xx counts with 2xx's
/// neighbours as "other").
public enum StatusClass: UInt8, Hashable, Sendable, CaseIterable {
    case informational = 1
    case success = 2
    case redirection = 3
    case clientError = 4
    case serverError = 5

    public init?(status: Int) {
        guard (100...599).contains(status) else { return nil }
        self.init(rawValue: UInt8(status / 100))
    }

    /// "2xx", "3xx", …
    public var name: String { "\(rawValue)xx" }

    public init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = c
    }
}

/// Identifiers used by the hub: account, location, app, connection, catalog and customer
/// list ids.
public enum Identifier {
    /// Whether `id` is a plausible hub id: 1 to 64 characters of ASCII letters, digits,
    /// `-` and `_`.
    public static func isValid(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }

    /// Whether `id` is a valid device id: 1 to 128 characters of letters, digits and
    /// `_ - . ( ) [ ] { }` (how the Connections page tells app instances apart).
    public static func isValidDeviceID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 128 else { return false }
        let extra = Set("_-.()[]{}".utf8)
        return id.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || extra.contains(c)
        }
    }
}
