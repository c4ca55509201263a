public import Events

/// What a call through the gateway needs from its connection's scope: the hub's API path
/// and method read as a resource and a right, and the place the path names
/// (`docs/gateway.md` has the table).
public struct AccessRule: Hashable, Sendable {
    /// The scope's resource the call touches; nil for paths no scope right guards (the
    /// place itself, the app's callback), which only the level rule applies to.
    public var resource: Scope.Resource?
    public var right: Scope.Right
    /// The location the path names (`/v1/locations/{id}/…`), if any: the first, when it
    /// names more than one (``locationIDs`` has them all).
    public var locationID: String? { locationIDs.first }
    /// The account the path names (`/v1/accounts/{id}/…`), if any: the first.
    public var accountID: String? { accountIDs.first }
    /// Every location the path names; each is held to the place rules.
    public var locationIDs: [String]
    /// Every account the path names; each is held to the place rules.
    public var accountIDs: [String]
    /// The path names the connection's own account or location in the singular
    /// (`/v1/account/…`, `/v1/location/…`), as the hub's API allows.
    public var namesOwnAccount: Bool
    public var namesOwnLocation: Bool
    /// The path asks for the user's profile (`/v1/user`).
    public var profile: Bool

    /// The rule for `method` on `path` (the path only, without the query: a
    /// ``RequestTarget``'s, so that what is decided on is what is forwarded). Resource
    /// names are matched without regard to case, as a router that ignores case would
    /// match them; a place named twice is held to the rules twice.
    public init(method: HTTPMethod, path: String) {
        right = method == .get ? .read : .write
        let segments = path.split(separator: "/").map(String.init).filter { !$0.isEmpty }
        let parts = segments.first?.lowercased() == "v1" ? Array(segments.dropFirst()) : segments
        var locations: [String] = [], accounts: [String] = []
        var resource: Scope.Resource?
        var profile = false, ownAccount = false, ownLocation = false
        var i = 0
        while i < parts.count {
            let name = parts[i].lowercased()
            let next = i + 1 < parts.count ? parts[i + 1] : nil
            switch name {
            case "locations":
                if let next { locations.append(next) }
                i += 1
            case "accounts":
                if let next { accounts.append(next) }
                i += 1
            case "orders", "deliveries": resource = resource ?? .orders
            case "catalogs", "products", "categories", "options", "deals", "discounts", "charges": resource = resource ?? .catalog
            case "customer_lists", "customers": resource = resource ?? .customerList
            case "inventories", "inventory": resource = resource ?? .inventory
            case "account": ownAccount = true
            case "location": ownLocation = true
            case "user": profile = true
            default: break
            }
            i += 1
        }
        self.resource = resource
        locationIDs = locations
        accountIDs = accounts
        self.profile = profile
        namesOwnAccount = ownAccount
        namesOwnLocation = ownLocation
    }

    /// Why a connection with `scope`, at `connectionLocation` of `connectionAccount`, may
    /// not make this call; nil when it may. `accountOf` names a location's account.
    public func refusal(
        scope: Scope, connectionAccount: String, connectionLocation: String?, accountOf: (String) -> String?
    ) -> String? {
        for account in accountIDs where account != connectionAccount {
            return "this connection is granted account \(connectionAccount), not \(Self.shown(account))"
        }
        for location in locationIDs {
            if let own = connectionLocation, location != own {
                return "this connection is granted location \(own), not \(Self.shown(location))"
            }
            if connectionLocation == nil, accountOf(location) != connectionAccount {
                return "location \(Self.shown(location)) is not one of account \(connectionAccount)'s"
            }
        }
        if namesOwnLocation, connectionLocation == nil {
            return "an account's connection has no location of its own: name the location (/locations/{id})"
        }
        if !accountIDs.isEmpty || namesOwnAccount, connectionLocation != nil {
            return "a location's connection cannot call its account's paths"
        }
        if profile, scope.profile == nil { return "the scope does not include the profile" }
        guard let resource else { return nil }
        let wide: Scope.Resource? = resource == .catalog ? .allCatalogs : resource == .customerList ? .allCustomerLists : nil
        let granted = scope.permissions.contains { p in
            (p.resource == resource || p.resource == wide) && (p.right == .write || p.right == right)
        }
        return granted ? nil : "the scope does not grant \(resource.rawValue).\(right.rawValue)"
    }

    /// A place the path names, as a refusal may repeat it: the refusal is a logged answer,
    /// so a segment that could be a credential (long, or shaped like a token) is not
    /// repeated.
    static func shown(_ id: String) -> String {
        id.utf8.count <= 40 && !Redaction.containsTokenShape(id) ? id : "the one named in the path"
    }
}
