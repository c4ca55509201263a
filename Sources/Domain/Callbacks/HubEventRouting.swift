public import Events

/// The hub's callback rules: which `resource.event` pairs exist, and which connections
/// receive a hub event.
public enum HubEventRouting {
    /// The pairs a callback may listen to, by resource (the reference's list).
    public static let pairs: [String: Set<String>] = [
        "catalog": ["create", "update", "delete"],
        "customer": ["create", "update"],
        "delivery": ["create", "update"],
        "inventory": ["patch", "update"],
        "location": ["update"],
        "order": ["create", "update"],
    ]

    /// Whether `resource.event` is one of the pairs.
    public static func isPair(resource: String, event: String) -> Bool {
        pairs[resource]?.contains(event) == true
    }

    /// What a connection needs to know to say whether it receives an event.
    public struct Receiver: Sendable, Hashable {
        public var connectionID: String
        public var accountID: String
        public var locationID: String?
        public var scope: Scope
        public var status: ConnectionStatus
        public var catalogID: String?
        public var customerListID: String?
        /// The pairs its callback listens to (`order.create`); none without a callback.
        public var events: Set<String>

        public init(
            connectionID: String, accountID: String, locationID: String?, scope: Scope, status: ConnectionStatus,
            catalogID: String?, customerListID: String?, events: Set<String>
        ) {
            self.connectionID = connectionID
            self.accountID = accountID
            self.locationID = locationID
            self.scope = scope
            self.status = status
            self.catalogID = catalogID
            self.customerListID = customerListID
            self.events = events
        }
    }

    /// Whether `receiver` gets `event`: it listens to the pair; its place covers the event's
    /// location (its own location, or any of its account's); its scope grants the resource
    /// (read or write; for a customer or a catalog, its own list or all of them); it is not
    /// disconnected; and it did not cause the event.
    public static func receives(_ receiver: Receiver, _ event: HubEventPublished) -> Bool {
        guard receiver.status != .disconnected, receiver.connectionID != event.causedBy,
              receiver.events.contains(event.resourceType + "." + event.eventType) else { return false }
        if let location = receiver.locationID {
            guard location == event.locationID else { return false }
        } else {
            guard receiver.accountID == event.accountID else { return false }
        }
        return grants(receiver, event)
    }

    static func grants(_ r: Receiver, _ e: HubEventPublished) -> Bool {
        func has(_ resource: Scope.Resource) -> Bool { r.scope.permissions.contains { $0.resource == resource } }
        switch e.resourceType {
        case "order", "delivery": return has(.orders)
        case "inventory": return has(.inventory)
        case "location": return true
        case "customer":
            return has(.allCustomerLists) || (has(.customerList) && r.customerListID != nil && r.customerListID == e.id("customer_list_id"))
        case "catalog":
            return has(.allCatalogs) || (has(.catalog) && r.catalogID != nil && r.catalogID == e.id("catalog_id"))
        default: return false
        }
    }

    /// Which states an event carries, by the reference: `new_state` for a create or an
    /// update, `previous_state` for an update or a delete, `state_change` (only) for an
    /// `inventory.patch`, none for a catalog event. The field at fault and why, or nil.
    ///
    /// A journaled event may have lost its states (they expire with the bodies once no
    /// connection waits for it): `requireStates: false` refuses only states it cannot carry.
    public static func shapeRefusal(_ e: HubEventPublished, requireStates: Bool = true) -> (field: String, message: String)? {
        let pair = e.resourceType + "." + e.eventType
        let wants: (new: Bool, previous: Bool, change: Bool)
        switch (e.resourceType, e.eventType) {
        case ("catalog", _): wants = (false, false, false)
        case ("inventory", "patch"): wants = (false, false, true)
        case (_, "create"): wants = (true, false, false)
        case (_, "update"): wants = (true, true, false)
        case (_, "delete"): wants = (false, true, false)
        default: wants = (false, false, false)
        }
        for (field, has, wanted) in [("new_state", e.newState != nil, wants.new), ("previous_state", e.previousState != nil, wants.previous),
                                     ("state_change", e.stateChange != nil, wants.change)] where has != wanted && (requireStates || has) {
            return (field, wanted ? "a \(pair) event carries \(field)" : "a \(pair) event carries no \(field)")
        }
        return nil
    }
}
