public import Events

extension HubState {
    /// Refuses an event that does not fit the current state or whose values the hub does
    /// not take: the rules every command and every imported event obey.
    public func check(_ event: Event) throws(DomainError) {
        try ValueRules.validate(event)
        switch event.payload {
        case .accountRegistered(let e):
            guard accounts[e.accountID] == nil else { throw .conflict("account \"\(e.accountID)\" is already registered") }
        case .locationRegistered(let e):
            guard accounts[e.accountID] != nil else { throw .notFound("account \"\(e.accountID)\" is not registered") }
            guard locations[e.locationID] == nil else { throw .conflict("location \"\(e.locationID)\" is already registered") }
        case .appRegistered(let e):
            guard apps[e.appID] == nil else { throw .conflict("app \"\(e.appID)\" is already registered") }
        case .connectionCreated(let e):
            guard connections[e.connectionID] == nil else { throw .conflict("connection \"\(e.connectionID)\" already exists") }
            guard let app = apps[e.appID] else { throw .notFound("app \"\(e.appID)\" is not registered") }
            guard accounts[e.accountID] != nil else { throw .notFound("account \"\(e.accountID)\" is not registered") }
            if let location = e.locationID {
                guard let owner = locations[location] else { throw .notFound("location \"\(location)\" is not registered") }
                guard owner == e.accountID else {
                    throw .invalid("location_id", "location \"\(location)\" belongs to account \"\(owner)\"")
                }
            }
            if let reason = Self.levelMismatch(app, location: e.locationID) { throw .conflict(reason) }
            if let error = listMismatch(catalogID: e.catalogID, customerListID: e.customerListID, account: e.accountID, location: e.locationID) {
                throw error
            }
            if let existing = instances[Self.instance(app: e.appID, account: e.accountID, location: e.locationID, device: e.deviceID)] {
                throw .conflict("\(app.name) is already connected there as \"\(existing)\": give another device_id for another instance")
            }
        case .connectionReconnected(let e):
            let c = try connection(e.connectionID)
            guard c.status != .disconnected else {
                throw .conflict("connection \"\(e.connectionID)\" is disconnected")
            }
            if let error = listMismatch(catalogID: e.catalogID, customerListID: e.customerListID, account: c.accountID, location: c.locationID) {
                throw error
            }
        case .connectionBlocked(let e):
            switch try connection(e.connectionID).status {
            case .disconnected: throw .conflict("connection \"\(e.connectionID)\" is disconnected: it cannot be blocked")
            case .blocked: throw .conflict("connection \"\(e.connectionID)\" is already blocked")
            case .active: break
            }
        case .connectionUnblocked(let e):
            switch try connection(e.connectionID).status {
            case .disconnected: throw .conflict("connection \"\(e.connectionID)\" is disconnected: it cannot be unblocked")
            case .active: throw .conflict("connection \"\(e.connectionID)\" is not blocked")
            case .blocked: break
            }
        case .connectionDisconnected(let e):
            guard try connection(e.connectionID).status != .disconnected else {
                throw .conflict("connection \"\(e.connectionID)\" is already disconnected")
            }
        case .requestLogged(let e):
            // A disconnected connection's token is dead: the gateway answers its app 401
            // without a connection to log the request under.
            guard try connection(e.connectionID).status != .disconnected else {
                throw .conflict("connection \"\(e.connectionID)\" is disconnected: its requests are not logged")
            }
        case .callbackAttempted(let e):
            guard try connection(e.connectionID).status == .disconnected else {
                throw .conflict("connection \"\(e.connectionID)\" is not disconnected: there is no callback to deliver")
            }
        case .callbackResendRequested(let e):
            let c = try connection(e.connectionID)
            guard c.status == .disconnected else {
                throw .conflict("connection \"\(e.connectionID)\" is not disconnected: there is no callback to resend")
            }
            guard apps[c.appID]?.disconnectCallbackURL != nil else {
                throw .conflict("the app of connection \"\(e.connectionID)\" has no disconnect callback URL")
            }
        case .requestBodiesExpired, .requestsRolledUp, .connectionTombstoned, .retentionApplied:
            throw .invalid("\(Event.Kind(rawValue: event.kindNumber)?.name ?? "this event") is written by compaction only", fields: [])
        case .userRegistered(let e):
            guard users[e.email] == nil else { throw .conflict("user \"\(e.email)\" is already registered") }
            if let account = e.accountID, accounts[account] == nil { throw .notFound("account \"\(account)\" is not registered") }
        case .userPasswordChanged(let e):
            guard users[e.email] != nil else { throw .notFound("user \"\(e.email)\" is not registered") }
        case .userRemoved(let e):
            guard users[e.email] != nil else { throw .notFound("user \"\(e.email)\" is not registered") }
        case .authorizationCodeIssued(let e):
            guard let app = apps[e.appID], app.redirectURIs.contains(e.redirectURI) else {
                throw .invalid("redirect_uri", "\"\(e.redirectURI)\" is not one of app \"\(e.appID)\"'s redirect URIs")
            }
            guard accounts[e.accountID] != nil else { throw .notFound("account \"\(e.accountID)\" is not registered") }
            if let location = e.locationID, locations[location] != e.accountID {
                throw .notFound("location \"\(location)\" is not one of account \"\(e.accountID)\"'s")
            }
            if let error = listMismatch(catalogID: e.catalogID, customerListID: e.customerListID, account: e.accountID, location: e.locationID) {
                throw error
            }
            guard e.codeDigest.count == 32, authorizationCodes[HexText.encode(e.codeDigest)] == nil else {
                throw .conflict("this authorization code was issued already")
            }
        case .authorizationCodeRedeemed(let e):
            guard authorizationCodes[HexText.encode(e.codeDigest)] != nil else {
                throw .notFound("the authorization code is unknown or used already")
            }
        case .catalogRegistered(let e), .customerListRegistered(let e):
            let isCatalog = if case .catalogRegistered = event.payload { true } else { false }
            let (what, field) = isCatalog ? ("catalog", "catalog_id") : ("customer list", "customer_list_id")
            guard accounts[e.accountID] != nil else { throw .notFound("account \"\(e.accountID)\" is not registered") }
            if let location = e.locationID, locations[location] != e.accountID {
                throw .notFound("location \"\(location)\" is not one of account \"\(e.accountID)\"'s")
            }
            if (isCatalog ? catalogs[e.id] : customerLists[e.id]) != nil {
                throw .conflict("\(what) \"\(e.id)\" is already registered (\(field))")
            }
        case .callbackSet(let e):
            guard try connection(e.connectionID).status != .disconnected else {
                throw .conflict("connection \"\(e.connectionID)\" is disconnected")
            }
        case .callbackDeleted(let e):
            _ = try connection(e.connectionID)
            guard callbacks[e.connectionID] != nil else { throw .notFound("connection \"\(e.connectionID)\" has no callback") }
        case .hubEventPublished(let e):
            guard let owner = locations[e.locationID] else { throw .notFound("location \"\(e.locationID)\" is not registered") }
            guard owner == e.accountID else { throw .invalid("account_id", "location \"\(e.locationID)\" belongs to account \"\(owner)\"") }
            if let cause = e.causedBy { _ = try connection(cause) }
        case .callbackDelivered(let e):
            _ = try connection(e.connectionID)
        case .callbackEventAcknowledged(let e):
            _ = try connection(e.connectionID)
        case .callbackEventDropped(let e):
            _ = try connection(e.connectionID)
        case .callbackEventResent(let e):
            guard try connection(e.connectionID).status != .disconnected else {
                throw .conflict("connection \"\(e.connectionID)\" is disconnected: its events are not delivered")
            }
            guard callbacks[e.connectionID] != nil else { throw .conflict("connection \"\(e.connectionID)\" has no callback") }
        case .alertRaised(let e):
            let c = try connection(e.connectionID)
            guard c.accountID == e.accountID else {
                throw .invalid("account_id", "connection \"\(e.connectionID)\" is of account \"\(c.accountID)\"")
            }
            // Once per transition: the process that decides alerts may be restarted or
            // promoted between its decision and its append; the writer keeps it to one.
            if let open = openAlerts[e.connectionID] {
                throw .conflict("connection \"\(e.connectionID)\" has an open alert already (\(open.alertID), \(open.condition.name))")
            }
        case .alertResolved(let e):
            guard openAlerts[e.connectionID]?.alertID == e.alertID else {
                throw .conflict("alert \"\(e.alertID)\" is not open on connection \"\(e.connectionID)\"")
            }
        case .alertSettingsChanged(let e):
            _ = try connection(e.connectionID)
        case .alertNotified(let e):
            _ = try connection(e.connectionID)
        case .unknown:
            break
        }
    }

    /// The connection `id`, or not found.
    public func connection(_ id: String) throws(DomainError) -> Connection {
        guard let c = connections[id] else { throw .notFound("connection \"\(id)\" not found") }
        return c
    }

    /// Why `app` cannot be connected at this level (the back office greys Connect), or nil.
    public static func levelMismatch(_ app: AppRegistered, location: String?) -> String? {
        switch (app.level, location) {
        case (.location, nil): "\(app.name) connects to a location, not to a whole account: give a location_id"
        case (.account, _?): "\(app.name) connects to a whole account, not to a location"
        default: nil
        }
    }

    /// Why a request of this connection cannot be logged, or nil: it must exist and not
    /// be disconnected.
    public func refusalToLog(connection id: String) -> String? {
        guard let c = connections[id] else { return "unknown connection" }
        if c.status == .disconnected { return "the connection is disconnected: its requests are not logged" }
        return nil
    }
}
