/// The hub's callbacks (its API's "Callbacks" chapter): a connection's subscription, the
/// hub's events, and what became of each event for each connection that receives it.

/// A connection set its callback (create or replace): active with a URL, passive without.
public struct CallbackSet: Hashable, Sendable {
    public var connectionID: String
    /// Where each event is POSTed; nil for a passive callback (the app polls).
    public var url: String?
    /// The events listened to, as `resource.event` pairs (`order.create`), sorted, unique.
    public var events: [String]

    public init(connectionID: String, url: String?, events: [String]) {
        self.connectionID = connectionID
        self.url = url
        self.events = events
    }
}

/// A connection deleted its callback: it receives nothing more, and its waiting events go.
public struct CallbackDeleted: Hashable, Sendable {
    public var connectionID: String

    public init(connectionID: String) {
        self.connectionID = connectionID
    }
}

/// One id of a hub event's resource or of one of its parents (`order_id`, `customer_list_id`, …).
public struct HubEventID: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The hub's API published a change, as its apps will see it. The event's time is its
/// `created_at`. Which connections receive it is a projection of the journal, not part of
/// the event.
public struct HubEventPublished: Hashable, Sendable {
    /// Junction's id for the event, the same in every delivery of it (apps deduplicate by it).
    public var eventID: String
    /// `order`, `customer`, `catalog`, `delivery`, `inventory`, `location`.
    public var resourceType: String
    /// `create`, `update`, `delete`, `patch`.
    public var eventType: String
    public var accountID: String
    public var locationID: String
    /// The ids of the resource and its parents, in the order the hub gives them.
    public var ids: [HubEventID]
    /// Compact JSON texts, by the reference's rules (none for catalog events).
    public var newState: String?
    public var previousState: String?
    public var stateChange: String?
    /// The connection whose call made the change: it is not sent its own event.
    public var causedBy: String?

    public init(
        eventID: String, resourceType: String, eventType: String, accountID: String, locationID: String, ids: [HubEventID] = [],
        newState: String? = nil, previousState: String? = nil, stateChange: String? = nil, causedBy: String? = nil
    ) {
        self.eventID = eventID
        self.resourceType = resourceType
        self.eventType = eventType
        self.accountID = accountID
        self.locationID = locationID
        self.ids = ids
        self.newState = newState
        self.previousState = previousState
        self.stateChange = stateChange
        self.causedBy = causedBy
    }

    /// The value of id `name` (`customer_list_id`), if the event has it.
    public func id(_ name: String) -> String? {
        ids.first { $0.name == name }?.value
    }
}

/// One attempt to POST a hub event to a connection's active callback.
public struct CallbackDelivered: Hashable, Sendable {
    public var connectionID: String
    public var eventID: String
    /// 1 for the first attempt.
    public var attempt: UInt32
    public var url: String
    /// The HTTP status answered; nil when there was none.
    public var status: UInt16?
    public var durationMicroseconds: Int64
    /// Why there was no answer (refused, timed out, …).
    public var error: String?
    /// When the next attempt is due; nil when this one ended the delivery.
    public var nextAttemptAt: Timestamp?
    /// The start of the receiver's answer (at most 4 KiB), for the owner to read.
    public var answer: String?

    public init(
        connectionID: String, eventID: String, attempt: UInt32, url: String, status: UInt16?, durationMicroseconds: Int64,
        error: String? = nil, nextAttemptAt: Timestamp? = nil, answer: String? = nil
    ) {
        self.connectionID = connectionID
        self.eventID = eventID
        self.attempt = attempt
        self.url = url
        self.status = status
        self.durationMicroseconds = durationMicroseconds
        self.error = error
        self.nextAttemptAt = nextAttemptAt
        self.answer = answer
    }
}

/// A passive callback's app acknowledged (deleted) an event: it is listed no more.
public struct CallbackEventAcknowledged: Hashable, Sendable {
    public var connectionID: String
    public var eventID: String

    public init(connectionID: String, eventID: String) {
        self.connectionID = connectionID
        self.eventID = eventID
    }
}

/// An event was given up for a connection: its last attempt failed.
public struct CallbackEventDropped: Hashable, Sendable {
    public var connectionID: String
    public var eventID: String
    public var reason: String

    public init(connectionID: String, eventID: String, reason: String) {
        self.connectionID = connectionID
        self.eventID = eventID
        self.reason = reason
    }
}

/// Someone asked for a dropped event to be delivered again to a connection: it waits again,
/// its attempts counted afresh.
public struct CallbackEventResent: Hashable, Sendable {
    public var connectionID: String
    public var eventID: String
    public var actor: String

    public init(connectionID: String, eventID: String, actor: String) {
        self.connectionID = connectionID
        self.eventID = eventID
        self.actor = actor
    }
}
