public import Events

/// The hub's commands as decisions: each takes what a person or an app asked for, checks
/// it against the state and the value rules, and gives the event to append (or throws,
/// appending nothing). The writer appends what they decide; it decides nothing itself.
extension HubState {
    public func registerAccount(id: String, name: String, timeZone: String, at time: Timestamp) throws(DomainError) -> Event {
        try ValueRules.checkTimeZone(timeZone)
        let event = Event(time: time, .accountRegistered(AccountRegistered(accountID: id, name: name, timeZone: timeZone)))
        try check(event)
        return event
    }

    public func registerLocation(
        id: String, accountID: String, name: String, timeZone: String, at time: Timestamp
    ) throws(DomainError) -> Event {
        try ValueRules.checkLocationID(id, ofAccount: accountID)
        try ValueRules.checkTimeZone(timeZone)
        let event = Event(time: time, .locationRegistered(LocationRegistered(
            locationID: id, accountID: accountID, name: name, timeZone: timeZone)))
        try check(event)
        return event
    }

    /// Registers `app` with its scope in canonical form; the scope's level must be the
    /// app's unless the app connects at either level.
    public func registerApp(_ app: AppRegistered, at time: Timestamp) throws(DomainError) -> Event {
        let scope: Scope
        do {
            scope = try Scope(parsing: app.scope)
        } catch {
            throw .invalid("scope", "\(error)")
        }
        if app.level != .either, scope.level != app.level {
            throw .invalid("scope", "an app of level \(app.level.name) asks for a \(app.level.name)[…] scope, not \(scope.level.name)[…]")
        }
        if let url = app.openURL { try ValueRules.checkHTTPURL(url, field: "open_url") }
        if let url = app.disconnectCallbackURL { try ValueRules.checkHTTPURL(url, field: "disconnect_callback_url") }
        var registered = app
        registered.scope = scope.description
        let event = Event(time: time, .appRegistered(registered))
        try check(event)
        return event
    }

    /// What a connect finds: the live connection of the same app instance on the same
    /// place, or what a new connection is granted.
    public enum ConnectPlan: Sendable {
        case existing(id: String, scope: String)
        /// A new connection gets this scope (the app's, at the place's level).
        case new(scope: String)
    }

    /// Decides a connect before an id and a token are chosen.
    public func planConnect(appID: String, accountID: String, locationID: String?, deviceID: String?) throws(DomainError) -> ConnectPlan {
        guard let app = apps[appID] else { throw .notFound("app \"\(appID)\" is not registered") }
        if let deviceID, !Identifier.isValidDeviceID(deviceID) {
            throw .invalid("device_id", "\"\(deviceID)\" is not a device id (letters, digits and _ - . ( ) [ ] { })")
        }
        if let existing = existingConnection(app: appID, account: accountID, location: locationID, device: deviceID),
           let c = connections[existing] {
            return .existing(id: existing, scope: c.scope)
        }
        var scope: Scope
        do {
            scope = try Scope(parsing: app.scope)
        } catch {
            throw .invalid("scope", "the app's registered scope is not valid: \(error)")
        }
        scope.level = locationID == nil ? .account : .location
        return .new(scope: scope.description)
    }

    /// The event of a new connection, once its id and token are chosen.
    public func connect(_ created: ConnectionCreated, at time: Timestamp) throws(DomainError) -> Event {
        let event = Event(time: time, .connectionCreated(created))
        try check(event)
        return event
    }

    public func reconnect(_ id: String, catalogID: String?, customerListID: String?, at time: Timestamp) throws(DomainError) -> Event {
        _ = try connection(id)
        guard catalogID != nil || customerListID != nil else {
            throw .invalid("a reconnect names a catalog_id or a customer_list_id", fields: [
                .init(field: "catalog_id", message: "missing"), .init(field: "customer_list_id", message: "missing"),
            ])
        }
        let event = Event(time: time, .connectionReconnected(ConnectionReconnected(
            connectionID: id, customerListID: customerListID, catalogID: catalogID)))
        try check(event)
        return event
    }

    /// Any other command: its event, if it fits.
    public func decide(_ payload: Event.Payload, at time: Timestamp) throws(DomainError) -> Event {
        let event = Event(time: time, payload)
        try check(event)
        return event
    }
}
