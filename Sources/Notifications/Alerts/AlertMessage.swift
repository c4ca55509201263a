public import Events
internal import Domain

/// What an alert says to the people it reaches, in their language: the e-mail's subject
/// and text, and the operators' webhook body.
public struct AlertMessage: Sendable {
    public var alertID: String
    public var phase: AlertPhase
    public var condition: AlertCondition
    public var reason: String
    public var connectionID: String
    public var appName: String
    public var placeName: String
    public var accountID: String
    /// The state the connection is in, for a resolved alert.
    public var state: String?
    public var time: Timestamp
    /// The connection's check page in the back office, when its address is known.
    public var link: String?

    public init(
        alertID: String, phase: AlertPhase, condition: AlertCondition, reason: String, connectionID: String, appName: String,
        placeName: String, accountID: String, state: String?, time: Timestamp, link: String?
    ) {
        self.alertID = alertID
        self.phase = phase
        self.condition = condition
        self.reason = reason
        self.connectionID = connectionID
        self.appName = appName
        self.placeName = placeName
        self.accountID = accountID
        self.state = state
        self.time = time
        self.link = link
    }

    public func subject(language: String) -> String {
        let french = language != "en"
        switch (phase, condition, french) {
        case (.raised, .failing, true): return "[Junction] \(appName) (\(placeName)) : la connexion est en échec"
        case (.raised, .failing, false): return "[Junction] \(appName) (\(placeName)): the connection is failing"
        case (.raised, .degraded, true): return "[Junction] \(appName) (\(placeName)) : la connexion est dégradée"
        case (.raised, .degraded, false): return "[Junction] \(appName) (\(placeName)): the connection is degraded"
        case (.raised, .quiet, true): return "[Junction] \(appName) (\(placeName)) : la connexion est silencieuse"
        case (.raised, .quiet, false): return "[Junction] \(appName) (\(placeName)): the connection has gone quiet"
        case (.resolved, _, true): return "[Junction] \(appName) (\(placeName)) : la connexion fonctionne de nouveau"
        case (.resolved, _, false): return "[Junction] \(appName) (\(placeName)): the connection works again"
        }
    }

    public func text(language: String) -> String {
        let french = language != "en"
        var lines: [String] = []
        switch (phase, french) {
        case (.raised, true):
            lines.append("Bonjour,")
            lines.append("")
            lines.append("La connexion de \(appName) à \(placeName) (\(connectionID)) est \(Self.frenchCondition(condition)) depuis le \(time.rfc3339) (UTC).")
            lines.append("Constat : \(HealthRule.frenchReason(reason)).")
            lines.append("")
            lines.append(Self.advice(condition, french: true))
        case (.raised, false):
            lines.append("Hello,")
            lines.append("")
            lines.append("The connection of \(appName) to \(placeName) (\(connectionID)) has been \(condition.name) since \(time.rfc3339) (UTC).")
            lines.append("Seen: \(reason).")
            lines.append("")
            lines.append(Self.advice(condition, french: false))
        case (.resolved, true):
            lines.append("Bonjour,")
            lines.append("")
            lines.append("La connexion de \(appName) à \(placeName) (\(connectionID)) n'est plus \(Self.frenchCondition(condition)) depuis le \(time.rfc3339) (UTC).")
        case (.resolved, false):
            lines.append("Hello,")
            lines.append("")
            lines.append("The connection of \(appName) to \(placeName) (\(connectionID)) is no longer \(condition.name) since \(time.rfc3339) (UTC).")
        }
        if let link {
            lines.append("")
            lines.append(french ? "Vérifier la connexion : \(link)" : "Check the connection: \(link)")
        }
        lines.append("")
        lines.append(french ? "Alerte \(alertID) — Junction" : "Alert \(alertID) — Junction")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The webhook's body: one JSON object.
    public func json() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("type", phase == .raised ? "alert.raised" : "alert.resolved")
        w.string("alert_id", alertID)
        w.string("condition", condition.name)
        w.string("reason", reason)
        w.string("state", ifPresent: state)
        w.string("connection_id", connectionID)
        w.string("account_id", accountID)
        w.string("app_name", appName)
        w.string("place_name", placeName)
        w.timestamp("time", time)
        w.string("link", ifPresent: link)
        w.endObject()
        return w.bytes
    }

    static func frenchCondition(_ c: AlertCondition) -> String {
        switch c {
        case .failing: "en échec"
        case .degraded: "dégradée"
        case .quiet: "silencieuse"
        }
    }

    static func advice(_ c: AlertCondition, french: Bool) -> String {
        switch (c, french) {
        case (.failing, true):
            "Ouvrez ses journaux pour voir la dernière erreur ; si l'application n'est plus autorisée, reconnectez-la."
        case (.failing, false):
            "Open its logs to see the last error; if the app is no longer authorized, reconnect it."
        case (.degraded, true):
            "Une partie de ses appels échoue : ouvrez ses journaux filtrés sur les erreurs."
        case (.degraded, false):
            "Some of its calls fail: open its logs filtered on errors."
        case (.quiet, true):
            "Vérifiez que l'application est en marche et toujours configurée pour ce restaurant."
        case (.quiet, false):
            "Check that the app is running and still set up for this restaurant."
        }
    }
}
