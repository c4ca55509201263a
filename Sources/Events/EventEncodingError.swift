/// An event the binary form cannot hold as the decoder reads it back: a time or a day
/// outside the years 0001–9999. Nothing is written for it.
public struct EventEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault (`time`, `logs_before`…).
    public let field: String
    public let value: String

    public var description: String {
        "\(field) \(value) is outside the years 0001-9999 that the journal's format holds"
    }
}

extension BinaryEventCodec {
    /// Refuses an event with a time or a day the decoder would refuse: the one range check
    /// both sides share (``Timestamp/isWithinTextRange``), applied, like the decoder's, to
    /// known kinds only.
    public static func checkRanges(_ event: Event) throws(EventEncodingError) {
        func time(_ field: String, _ t: Timestamp) throws(EventEncodingError) {
            guard t.isWithinTextRange else { throw EventEncodingError(field: field, value: "\(t.microseconds) µs since 1970") }
        }
        // An unknown kind is carried verbatim, as the decoder reads it: its time unchecked.
        if case .unknown = event.payload { return }
        try time("time", event.time)
        switch event.payload {
        case .callbackAttempted(let e):
            if let next = e.nextAttemptAt { try time("next_attempt_at", next) }
        case .requestsRolledUp(let e):
            guard Timestamp.isWithinTextRange(day: e.day) else { throw EventEncodingError(field: "day", value: "\(e.day)") }
            try time("first_time", e.firstTime)
            try time("last_time", e.lastTime)
        case .connectionTombstoned(let e):
            try time("disconnected_at", e.disconnectedAt)
        case .retentionApplied(let e):
            try time("bodies_before", e.bodiesBefore)
            try time("logs_before", e.logsBefore)
            try time("disconnected_before", e.disconnectedBefore)
            try time("tombstones_before", e.tombstonesBefore)
        case .authorizationCodeIssued(let e):
            try time("expires_at", e.expiresAt)
        case .callbackDelivered(let e):
            if let next = e.nextAttemptAt { try time("next_attempt_at", next) }
        case .alertNotified(let e):
            if let next = e.nextAttemptAt { try time("next_attempt_at", next) }
        case .accountRegistered, .locationRegistered, .appRegistered, .connectionCreated, .connectionReconnected,
             .connectionBlocked, .connectionUnblocked, .connectionDisconnected, .requestLogged, .callbackResendRequested,
             .requestBodiesExpired, .userRegistered, .userPasswordChanged, .userRemoved, .authorizationCodeRedeemed,
             .catalogRegistered, .customerListRegistered,
             .callbackSet, .callbackDeleted, .hubEventPublished, .callbackEventAcknowledged, .callbackEventDropped,
             .callbackEventResent, .alertRaised, .alertResolved, .alertSettingsChanged, .unknown:
            break
        }
    }
}
