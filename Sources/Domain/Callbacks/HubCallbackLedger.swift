public import Events

/// Which of the hub's events are settled (every connection that received it has it
/// delivered, acknowledged or dropped), followed through the journal in order: what
/// compaction needs to let a settled event's states expire with the bodies. The same rule
/// as the connections projection's queues (`HubEventRouting`), kept in memory.
public struct HubCallbackLedger: Sendable {
    struct Connection: Sendable {
        var receiver: HubEventRouting.Receiver
        var listening: Bool
    }

    private var connections: [String: Connection] = [:]
    /// The connections each event still waits for, by event id.
    private var waiting: [String: Set<String>] = [:]
    /// What each connection waits for, to drop it all when it goes.
    private var waitingFor: [String: Set<String>] = [:]
    /// Events dropped for a connection: a resend makes them wait again.
    private var dropped: Set<String> = []

    public init() {}

    /// Whether `eventID` waits for no connection (or was never published).
    public func isSettled(_ eventID: String) -> Bool {
        waiting[eventID]?.isEmpty ?? true
    }

    public mutating func apply(_ event: Event) {
        switch event.payload {
        case .connectionCreated(let e):
            let scope = (try? Scope(parsing: e.scope)) ?? Scope(level: e.locationID == nil ? .account : .location, permissions: [])
            connections[e.connectionID] = Connection(receiver: HubEventRouting.Receiver(
                connectionID: e.connectionID, accountID: e.accountID, locationID: e.locationID, scope: scope, status: .active,
                catalogID: e.catalogID, customerListID: e.customerListID, events: []), listening: false)
        case .connectionReconnected(let e):
            if let id = e.catalogID { connections[e.connectionID]?.receiver.catalogID = id }
            if let id = e.customerListID { connections[e.connectionID]?.receiver.customerListID = id }
        case .connectionBlocked(let e):
            connections[e.connectionID]?.receiver.status = .blocked
        case .connectionUnblocked(let e):
            connections[e.connectionID]?.receiver.status = .active
        case .connectionDisconnected(let e):
            connections[e.connectionID]?.receiver.status = .disconnected
            stopListening(e.connectionID)
        case .callbackSet(let e):
            guard connections[e.connectionID]?.receiver.status != .disconnected, connections[e.connectionID] != nil else { return }
            connections[e.connectionID]?.receiver.events = Set(e.events)
            connections[e.connectionID]?.listening = true
        case .callbackDeleted(let e):
            stopListening(e.connectionID)
        case .hubEventPublished(let e):
            var receivers = Set<String>()
            for (id, c) in connections where c.listening && HubEventRouting.receives(c.receiver, e) {
                receivers.insert(id)
                waitingFor[id, default: []].insert(e.eventID)
            }
            waiting[e.eventID] = receivers
        case .callbackDelivered(let e):
            if CallbackDelivery.acknowledges(status: e.status) { settle(e.connectionID, e.eventID, dropped: false) }
        case .callbackEventAcknowledged(let e):
            settle(e.connectionID, e.eventID, dropped: false)
        case .callbackEventDropped(let e):
            settle(e.connectionID, e.eventID, dropped: true)
        case .callbackEventResent(let e):
            guard connections[e.connectionID]?.listening == true, dropped.remove(e.connectionID + "\u{0}" + e.eventID) != nil else { return }
            waiting[e.eventID, default: []].insert(e.connectionID)
            waitingFor[e.connectionID, default: []].insert(e.eventID)
        default:
            break
        }
    }

    private mutating func settle(_ connection: String, _ eventID: String, dropped isDropped: Bool) {
        guard waiting[eventID]?.remove(connection) != nil else { return }
        waitingFor[connection]?.remove(eventID)
        if isDropped { dropped.insert(connection + "\u{0}" + eventID) }
    }

    /// A connection whose callback or itself went: what it waited for is dropped.
    private mutating func stopListening(_ connection: String) {
        connections[connection]?.listening = false
        connections[connection]?.receiver.events = []
        for eventID in waitingFor[connection] ?? [] {
            waiting[eventID]?.remove(connection)
            dropped.insert(connection + "\u{0}" + eventID)
        }
        waitingFor[connection] = nil
    }
}

extension HubEventPublished {
    /// The event without its states, as it is kept once they expired with the bodies.
    public var withoutStates: HubEventPublished {
        var e = self
        e.newState = nil
        e.previousState = nil
        e.stateChange = nil
        return e
    }

    /// Whether it carries a state.
    public var hasStates: Bool { newState != nil || previousState != nil || stateChange != nil }
}
