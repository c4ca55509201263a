public import Events
public import Projections
internal import Domain

/// **Callback**: the connection's callback for the hub's events (its URL, or passive, and
/// the events it listens to), the events waiting, those dropped with **Renvoyer**, and
/// every delivery attempt, each downloadable.
public struct HubCallbackPage: Sendable {
    public struct EventRow: Sendable {
        public var id: String
        public var event: String
        public var time: String
        public var attempts: String
        public var answer: String
        public var next: String?
        public var reason: String
        public var canResend: Bool
        public var resendAction: String
    }

    public struct DeliveryRow: Sendable {
        public var seq: String
        public var time: String
        public var eventID: String
        public var attempt: String
        public var answer: String
        public var duration: String
        public var delivered: Bool
        public var next: String?
        public var downloadURL: String
    }

    public var chrome: Chrome
    public var connection: ConnectionHeader
    /// Stored, not computed: the templates read values through reflection.
    public var hasCallback: Bool
    public var url: String?
    public var events: String
    public var waitingCount: Int
    public var waiting: [EventRow]
    public var hasWaiting: Bool
    public var dropped: [EventRow]
    public var hasDropped: Bool
    public var deliveries: [DeliveryRow]
    public var hasDeliveries: Bool

    public init(
        chrome: Chrome, connection: ConnectionHeader, callback: CallbackSet?, waiting: [ReceivedEvent], dropped: [ReceivedEvent],
        deliveries: [DeliveryAttempt]
    ) {
        self.chrome = chrome
        self.connection = connection
        let zone = connection.timeZone
        hasCallback = callback != nil
        url = callback?.url
        events = callback?.events.joined(separator: ", ") ?? ""
        let path = "/connections/\(URLText.path(connection.id))/callback"
        func row(_ e: ReceivedEvent) -> EventRow {
            EventRow(
                id: e.event.eventID, event: e.event.resourceType + "." + e.event.eventType, time: LocalDisplay.time(e.time, zone: zone),
                attempts: "\(e.attempts)", answer: e.lastStatus.map { "HTTP \($0)" } ?? (e.attempts > 0 ? chrome.t.none : ""),
                next: e.nextAttemptAt.map { LocalDisplay.time($0, zone: zone) }, reason: e.reason ?? "",
                canResend: callback != nil && !connection.isDisconnected,
                resendAction: path + "/events/\(URLText.path(e.event.eventID))/resend")
        }
        waitingCount = waiting.count
        self.waiting = waiting.map(row)
        hasWaiting = !waiting.isEmpty
        self.dropped = dropped.map(row)
        hasDropped = !dropped.isEmpty
        self.deliveries = deliveries.reversed().map { d in
            DeliveryRow(
                seq: "\(d.seq)", time: LocalDisplay.time(d.time, zone: zone), eventID: d.attempt.eventID, attempt: "\(d.attempt.attempt)",
                answer: d.attempt.status.map { "HTTP \($0)" } ?? d.attempt.error ?? "",
                duration: "\(d.attempt.durationMicroseconds / 1000) ms", delivered: CallbackDelivery.acknowledges(status: d.attempt.status),
                next: d.attempt.nextAttemptAt.map { LocalDisplay.time($0, zone: zone) }, downloadURL: path + "/deliveries/\(d.seq)")
        }
        hasDeliveries = !self.deliveries.isEmpty
    }
}
