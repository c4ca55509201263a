/// A connection's scope, such as `location[orders.write,customer_list.read],profile`.
///
/// An access level (`account` or `location`) holding `resource.right` pairs, optionally
/// followed by `profile` or `profile_with_email`.
public struct Scope: Hashable, Sendable, CustomStringConvertible {
    public enum Resource: String, Hashable, Sendable, CaseIterable {
        case orders, customerList = "customer_list", catalog, inventory
        case allCustomerLists = "all_customer_lists", allCatalogs = "all_catalogs"
    }

    public enum Right: String, Hashable, Sendable {
        case read, write
    }

    public enum Profile: String, Hashable, Sendable {
        case profile, profileWithEmail = "profile_with_email"
    }

    public struct Permission: Hashable, Sendable {
        public var resource: Resource
        public var right: Right
        public init(resource: Resource, right: Right) {
            self.resource = resource
            self.right = right
        }
    }

    /// `account` or `location` (never `either`: a granted scope names its level).
    public var level: ConnectionLevel
    public var permissions: [Permission]
    public var profile: Profile?

    public init(level: ConnectionLevel, permissions: [Permission], profile: Profile? = nil) {
        self.level = level
        self.permissions = permissions
        self.profile = profile
    }

    /// The error a malformed scope gives, with the reason.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public let scope: String
        public let reason: String
        public var description: String { "invalid scope \"\(scope)\": \(reason)" }
    }

    public init(parsing text: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(scope: text, reason: reason) }
        guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close else {
            throw fail("expected an access level with permissions, such as location[orders.write]")
        }
        let levelName = String(text[..<open])
        guard levelName == "account" || levelName == "location", let level = ConnectionLevel(name: levelName) else {
            throw fail("the access level must be account or location, not \"\(levelName)\"")
        }
        var permissions: [Permission] = []
        let inside = text[text.index(after: open)..<close]
        if !inside.isEmpty {
            for pair in inside.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = pair.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw fail("\"\(pair)\" is not resource.right") }
                guard let resource = Resource(rawValue: String(parts[0])) else {
                    throw fail("unknown resource \"\(parts[0])\"")
                }
                guard let right = Right(rawValue: String(parts[1])) else {
                    throw fail("unknown right \"\(parts[1])\" (read or write)")
                }
                let permission = Permission(resource: resource, right: right)
                guard !permissions.contains(permission) else { throw fail("\"\(pair)\" is repeated") }
                permissions.append(permission)
            }
        }
        var profile: Profile?
        let rest = text[text.index(after: close)...]
        if !rest.isEmpty {
            guard rest.first == ",", let p = Profile(rawValue: String(rest.dropFirst())) else {
                throw fail("only \",profile\" or \",profile_with_email\" may follow the permissions")
            }
            profile = p
        }
        self.init(level: level, permissions: permissions, profile: profile)
    }

    public var description: String {
        var s = level.name + "["
        s += permissions.map { "\($0.resource.rawValue).\($0.right.rawValue)" }.joined(separator: ",")
        s += "]"
        if let profile { s += "," + profile.rawValue }
        return s
    }
}
