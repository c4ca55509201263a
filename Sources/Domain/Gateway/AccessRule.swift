public import Events

/// What a call through the gateway needs from its connection's scope: the hub's API path
/// and method read as a resource and a right, and the place the path names
/// (`docs/gateway.md` has the table).
public struct AccessRule: Hashable, Sendable {
    /// The scope's resource the call touches; nil for paths no scope right guards (the
    /// place itself, the app's callback), which only the level rule applies to.
    public var resource: Scope.Resource?
    public var right: Scope.Right
    /// The location the path names (`/v1/locations/{id}/…`), if any.
    public var locationID: String?
    /// The account the path names (`/v1/accounts/{id}/…`), if any.
    public var accountID: String?
    /// The path asks for the user's profile (`/v1/user`).
    public var profile: Bool

    /// The rule for `method` on `path` (the path only, without the query).
    public init(method: HTTPMethod, path: String) {
        right = method == .get ? .read : .write
        let segments = path.split(separator: "/").map(String.init).filter { !$0.isEmpty }
        let parts = segments.first == "v1" ? Array(segments.dropFirst()) : segments
        var location: String?, account: String?
        var resource: Scope.Resource?
        var profile = false
        var i = 0
        while i < parts.count {
            let name = parts[i]
            let next = i + 1 < parts.count ? parts[i + 1] : nil
            switch name {
            case "locations": location = next; i += 1
            case "accounts": account = next; i += 1
            case "orders", "deliveries": resource = resource ?? .orders
            case "catalogs", "products", "categories", "options", "deals", "discounts", "charges": resource = resource ?? .catalog
            case "customer_lists", "customers": resource = resource ?? .customerList
            case "inventories", "inventory": resource = resource ?? .inventory
            case "user": profile = true
            default: break
            }
            i += 1
        }
        self.resource = resource
        locationID = location
        accountID = account
        self.profile = profile
    }

    /// Why a connection with `scope`, at `connectionLocation` of `connectionAccount`, may
    /// not make this call; nil when it may. `accountOf` names a location's account.
    public func refusal(
        scope: Scope, connectionAccount: String, connectionLocation: String?, accountOf: (String) -> String?
    ) -> String? {
        if let account = accountID, account != connectionAccount {
            return "this connection is granted account \(connectionAccount), not \(account)"
        }
        if let location = locationID {
            if let own = connectionLocation, location != own {
                return "this connection is granted location \(own), not \(location)"
            }
            if connectionLocation == nil, accountOf(location) != connectionAccount {
                return "location \(location) is not one of account \(connectionAccount)'s"
            }
        }
        if accountID != nil, connectionLocation != nil {
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
}
