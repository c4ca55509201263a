/// What an alert is about: the health states that raise one.
public enum AlertCondition: UInt8, Hashable, Sendable, CaseIterable {
    case failing = 1
    case quiet = 2
    /// Only for connections whose owner asked for it.
    case degraded = 3

    public var name: String {
        switch self {
        case .failing: "failing"
        case .quiet: "quiet"
        case .degraded: "degraded"
        }
    }

    public init?(name: String) {
        guard let condition = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = condition
    }
}

/// A connection entered a state its owner is told of. One is open per connection at most.
public struct AlertRaised: Hashable, Sendable {
    public var alertID: String
    public var connectionID: String
    public var accountID: String
    public var condition: AlertCondition
    /// The health rule's reason, in English (pages say it in the owner's language).
    public var reason: String
    /// The log entry of the connection's last error when the alert was raised.
    public var lastErrorSeq: UInt64?

    public init(alertID: String, connectionID: String, accountID: String, condition: AlertCondition, reason: String, lastErrorSeq: UInt64? = nil) {
        self.alertID = alertID
        self.connectionID = connectionID
        self.accountID = accountID
        self.condition = condition
        self.reason = reason
        self.lastErrorSeq = lastErrorSeq
    }
}

/// A connection left the state of its open alert.
public struct AlertResolved: Hashable, Sendable {
    public var alertID: String
    public var connectionID: String
    /// The health state it is in now (`ok`, `blocked`, `degraded`…).
    public var state: String

    public init(alertID: String, connectionID: String, state: String) {
        self.alertID = alertID
        self.connectionID = connectionID
        self.state = state
    }
}

/// The owner chose how a connection's alerts reach them: muted ones are journaled and
/// shown but sent to no one; `degraded` asks for alerts on degraded service too.
public struct AlertSettingsChanged: Hashable, Sendable {
    public var connectionID: String
    public var muted: Bool
    public var degraded: Bool
    public var actor: String

    public init(connectionID: String, muted: Bool, degraded: Bool, actor: String) {
        self.connectionID = connectionID
        self.muted = muted
        self.degraded = degraded
        self.actor = actor
    }
}

/// Which news of an alert a notification carries.
public enum AlertPhase: UInt8, Hashable, Sendable, CaseIterable {
    case raised = 1
    case resolved = 2

    public var name: String {
        switch self {
        case .raised: "raised"
        case .resolved: "resolved"
        }
    }

    public init?(name: String) {
        guard let phase = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = phase
    }
}

/// How a notification travels.
public enum AlertChannel: UInt8, Hashable, Sendable, CaseIterable {
    case email = 1
    case webhook = 2

    public var name: String {
        switch self {
        case .email: "email"
        case .webhook: "webhook"
        }
    }

    public init?(name: String) {
        guard let channel = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = channel
    }
}

/// One attempt to tell someone of an alert: an e-mail to one address or a POST to the
/// operators' webhook. `delivered` ends it; so does an attempt without a next one.
public struct AlertNotified: Hashable, Sendable {
    public var alertID: String
    public var connectionID: String
    public var phase: AlertPhase
    public var channel: AlertChannel
    /// The e-mail address, or the webhook's URL.
    public var address: String
    public var attempt: UInt32
    public var delivered: Bool
    public var error: String?
    public var nextAttemptAt: Timestamp?

    public init(
        alertID: String, connectionID: String, phase: AlertPhase, channel: AlertChannel, address: String, attempt: UInt32,
        delivered: Bool, error: String? = nil, nextAttemptAt: Timestamp? = nil
    ) {
        self.alertID = alertID
        self.connectionID = connectionID
        self.phase = phase
        self.channel = channel
        self.address = address
        self.attempt = attempt
        self.delivered = delivered
        self.error = error
        self.nextAttemptAt = nextAttemptAt
    }
}
