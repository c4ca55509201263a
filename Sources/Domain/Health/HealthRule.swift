public import Events

/// "Does my connection work?" answered from what its requests did, at a given `now` (so a
/// replay or a test gets the same answer): `docs/health.md` says the thresholds.
public enum HealthState: String, Sendable, Hashable, CaseIterable {
    case ok, degraded, failing, quiet, blocked, disconnected
}

/// What the rule reads of a connection: gathered by the health projection.
public struct HealthFacts: Sendable, Hashable {
    public var status: ConnectionStatus
    public var lastRequestAt: Timestamp?
    /// The statuses of its last calls, oldest first (at most ``HealthRule/recentCalls``).
    public var recentStatuses: [UInt16]
    /// Calls and errors in the last hour (the twelve five-minute slots ending with `now`'s).
    public var lastHourCalls: Int
    public var lastHourErrors: Int
    /// UTC days (days since 1970-01-01) on which it called.
    public var daysWithCalls: Set<Int64>

    public init(
        status: ConnectionStatus, lastRequestAt: Timestamp? = nil, recentStatuses: [UInt16] = [], lastHourCalls: Int = 0,
        lastHourErrors: Int = 0, daysWithCalls: Set<Int64> = []
    ) {
        self.status = status
        self.lastRequestAt = lastRequestAt
        self.recentStatuses = recentStatuses
        self.lastHourCalls = lastHourCalls
        self.lastHourErrors = lastHourErrors
        self.daysWithCalls = daysWithCalls
    }
}

public enum HealthRule {
    /// How many of the last calls `failing` looks at.
    public static let recentCalls = 5
    public static let degradedShare = 0.10
    public static let degradedMinimumCalls = 20
    public static let failingShare = 0.50
    public static let failingMinimumCalls = 10
    public static let quietAfterMicroseconds: Int64 = 24 * 3_600_000_000
    /// A connection that called on at least this many of the last 7 days is expected to call.
    public static let regularDays = 5

    /// An error, for the rule: any answer from 400 up (the app's calls did not do what it asked).
    public static func isError(_ status: UInt16) -> Bool { status >= 400 }

    /// A call that says the connection itself is broken: a server error, or the token refused.
    static func isBreaking(_ status: UInt16) -> Bool { status >= 500 || status == 401 }

    public static func day(_ time: Timestamp) -> Int64 {
        let micros = time.microseconds
        return (micros >= 0 ? micros : micros - 86_399_999_999) / 86_400_000_000
    }

    /// The state, and the reason in words for people (English; the pages translate the state).
    public static func evaluate(_ f: HealthFacts, now: Timestamp) -> (state: HealthState, reason: String) {
        switch f.status {
        case .disconnected: return (.disconnected, "the connection is disconnected")
        case .blocked: return (.blocked, "the connection is blocked")
        case .active: break
        }
        let share = f.lastHourCalls > 0 ? Double(f.lastHourErrors) / Double(f.lastHourCalls) : 0
        if f.recentStatuses.count >= recentCalls, f.recentStatuses.suffix(recentCalls).allSatisfy(isBreaking) {
            return (.failing, "its last \(recentCalls) calls all failed (5xx or 401)")
        }
        if f.lastHourCalls >= failingMinimumCalls, share >= failingShare {
            return (.failing, "\(f.lastHourErrors) of its \(f.lastHourCalls) calls in the last hour were errors")
        }
        if f.lastHourCalls >= degradedMinimumCalls, share >= degradedShare {
            return (.degraded, "\(f.lastHourErrors) of its \(f.lastHourCalls) calls in the last hour were errors")
        }
        let today = day(now)
        let regular = f.daysWithCalls.filter { $0 < today && $0 >= today - 7 }.count >= regularDays
        if regular, let last = f.lastRequestAt, now.microseconds - last.microseconds >= quietAfterMicroseconds {
            return (.quiet, "it called on most of the last 7 days, and not for 24 hours")
        }
        return (.ok, "no problem seen")
    }

    /// A reason of ``evaluate(_:now:)`` in French (the pages and the e-mails in French).
    public static func frenchReason(_ reason: String) -> String {
        if reason.hasPrefix("its last "), reason.hasSuffix("calls all failed (5xx or 401)") {
            let n = reason.dropFirst("its last ".count).prefix { $0.isNumber }
            return "ses \(n) derniers appels ont tous échoué (5xx ou 401)"
        }
        let words = reason.split(separator: " ")
        if words.count > 4, words[1] == "of", words[2] == "its", reason.hasSuffix(" calls in the last hour were errors") {
            return "\(words[0]) de ses \(words[3]) appels de la dernière heure étaient des erreurs"
        }
        if reason == "it called on most of the last 7 days, and not for 24 hours" {
            return "elle a appelé la plupart des 7 derniers jours, et plus depuis 24 heures"
        }
        return reason
    }
}
