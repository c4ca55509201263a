public import Events
public import Domain
public import Projections

/// **Vérifier la connexion**: the hub's FAQ question "does the connection between my system
/// and the hub work?" answered in words from the health projection: the state and why, the
/// last success and the last error (linked to its log entry), the error share and latency
/// of the last hour and day, a 48-hour chart by status class, what to do, and the
/// connection's alerts with their settings.
public struct CheckPage: Sendable {
    /// One hour of the chart: a stacked bar per status class.
    public struct Bar: Sendable {
        public var x: Int
        public var segments: [Segment]
        public var title: String
        public var label: String?
    }

    public struct Segment: Sendable {
        public var y: Int
        public var height: Int
        public var className: String
    }

    /// One line of facts: a sentence, and a link when there is a log entry to open.
    public struct Fact: Sendable {
        public var id: String
        public var text: String
        public var link: String?
    }

    public struct AlertRow: Sendable {
        public var id: String
        public var condition: String
        public var raised: String
        public var resolved: String?
        public var isOpen: Bool
        public var sent: String
    }

    public var chrome: Chrome
    public var connection: ConnectionHeader
    public var stateKey: String
    public var stateLabel: String
    public var verdict: String
    public var facts: [Fact]
    public var advice: String
    public var bars: [Bar]
    public var chartWidth: Int
    public var chartHeight: Int
    public var baseline: Int
    public var legend: [Segment]
    public var legendText: String
    public var alerts: [AlertRow]
    public var hasAlerts: Bool
    public var muted: Bool
    public var degraded: Bool
    public var settingsAction: String
    public var words: Words

    /// The page's own sentences, in its language.
    public struct Words: Sendable {
        public var verdictTitle: String
        public var whatToDo: String
        public var hours48: String
        public var alertsTitle: String
        public var noAlerts: String
        public var mute: String
        public var alertDegraded: String
        public var save: String
        public var open: String
        public var resolved: String
        public var settingsHint: String

        static let fr = Words(
            verdictTitle: "La connexion fonctionne-t-elle ?", whatToDo: "Que faire ?", hours48: "Les 48 dernières heures",
            alertsTitle: "Alertes", noAlerts: "Aucune alerte pour cette connexion.",
            mute: "Ne pas m'envoyer ses alertes (elles restent affichées ici)",
            alertDegraded: "M'alerter aussi quand elle est dégradée", save: "Enregistrer", open: "ouverte", resolved: "résolue",
            settingsHint: "Les alertes sont envoyées par e-mail aux propriétaires du compte quand la connexion passe en échec ou devient silencieuse.")
        static let en = Words(
            verdictTitle: "Does the connection work?", whatToDo: "What to do", hours48: "The last 48 hours",
            alertsTitle: "Alerts", noAlerts: "No alert for this connection.",
            mute: "Do not send me its alerts (they stay shown here)", alertDegraded: "Alert me when it is degraded too",
            save: "Save", open: "open", resolved: "resolved",
            settingsHint: "Alerts are e-mailed to the account's owners when the connection starts failing or goes quiet.")
    }

    public init(
        chrome: Chrome, connection: ConnectionHeader, health: ConnectionHealth, alerts: [AlertRecord], preferences: AlertPreferences
    ) {
        let fr = chrome.t.lang == "fr"
        self.chrome = chrome
        self.connection = connection
        words = fr ? .fr : .en
        let zone = connection.timeZone
        let now = health.now
        let logs = connection.logsURL
        stateKey = health.state.rawValue
        stateLabel = Self.stateLabel(health.state, fr: fr, chrome.t)
        let reason = fr ? HealthRule.frenchReason(health.reason) : health.reason
        verdict = Self.verdict(health.state, reason: reason, fr: fr)
        var facts: [Fact] = []
        func call(_ c: HealthCall) -> String { "\(c.method.name) \(c.url), \(c.status)" }
        if let s = health.summary.lastSuccess {
            facts.append(Fact(
                id: "last-success",
                text: fr ? "Dernière requête réussie \(Self.ago(s.time, now: now, fr: true)) (\(call(s)))"
                    : "Last successful request \(Self.ago(s.time, now: now, fr: false)) (\(call(s)))",
                link: logs + "/\(s.seq)"))
        } else {
            facts.append(Fact(id: "last-success", text: fr ? "Aucune requête réussie connue." : "No successful request known.", link: nil))
        }
        if let e = health.summary.lastError {
            facts.append(Fact(
                id: "last-error",
                text: fr ? "Dernière erreur \(Self.ago(e.time, now: now, fr: true)) (\(call(e)))"
                    : "Last error \(Self.ago(e.time, now: now, fr: false)) (\(call(e)))",
                link: logs + "/\(e.seq)"))
        } else {
            facts.append(Fact(id: "last-error", text: fr ? "Aucune erreur connue." : "No error known.", link: nil))
        }
        // Latency of the last hour: the two clock hours it overlaps; of the day: 24 hours.
        let lastTwo = health.hours.suffix(2), day = health.hours.suffix(24)
        facts.append(Fact(
            id: "last-hour",
            text: Self.share(fr ? "Dernière heure" : "Last hour", calls: UInt64(health.lastHour.calls),
                             errors: UInt64(health.lastHour.errors), durations: Self.merged(lastTwo), fr: fr), link: nil))
        facts.append(Fact(
            id: "last-day",
            text: Self.share(fr ? "Dernières 24 heures" : "Last 24 hours", calls: health.lastDay.calls,
                             errors: health.lastDay.errors, durations: Self.merged(day), fr: fr), link: nil))
        self.facts = facts
        advice = Self.advice(health.state, fr: fr)
        // The chart: 48 stacked bars, 2xx at the bottom.
        let step = 14, barWidth = 10, plot = 120, top = 10
        let highest = max(health.hours.map(\.calls).max() ?? 0, 1)
        let classes = [(1, "class-2xx"), (2, "class-3xx"), (3, "class-4xx"), (4, "class-5xx"), (0, "class-1xx")]
        bars = health.hours.enumerated().map { i, hour in
            var y = top + plot
            var segments: [Segment] = []
            for (index, name) in classes {
                let n = UInt64(hour.byClass[index])
                guard n > 0 else { continue }
                let h = max(Int((Double(n) / Double(highest) * Double(plot)).rounded()), 1)
                y -= h
                segments.append(Segment(y: y, height: h, className: name))
            }
            let start = LocalDisplay.time(Timestamp(microseconds: hour.hour), zone: zone)
            let counts = "2xx \(hour.byClass[1]) · 3xx \(hour.byClass[2]) · 4xx \(hour.byClass[3]) · 5xx \(hour.byClass[4])"
            return Bar(x: 4 + i * step, segments: segments, title: "\(start) — \(counts)",
                       label: i % 12 == 0 ? String(start.dropFirst(11).prefix(5)) : nil)
        }
        _ = barWidth
        chartWidth = 48 * step + 8
        chartHeight = top + plot + 24
        baseline = top + plot
        legend = classes.prefix(4).map { Segment(y: 0, height: 0, className: $0.1) }
        legendText = "2xx · 3xx · 4xx · 5xx"
        self.alerts = alerts.map { a in
            let sent = a.notifications.filter(\.delivered).map { "\($0.channel == .email ? "✉" : "↗") \($0.address)" }
            return AlertRow(
                id: a.alertID, condition: Self.conditionLabel(a.condition, fr: fr, chrome.t),
                raised: LocalDisplay.time(a.raisedAt, zone: zone), resolved: a.resolvedAt.map { LocalDisplay.time($0, zone: zone) },
                isOpen: a.isOpen, sent: Array(Set(sent)).sorted().joined(separator: ", "))
        }
        hasAlerts = !alerts.isEmpty
        muted = preferences.muted
        degraded = preferences.degraded
        settingsAction = connection.checkURL + "/alert-settings"
    }

    static func merged(_ hours: ArraySlice<HealthHour>) -> [UInt32] {
        var sum = Array(repeating: UInt32(0), count: DurationHistogram.buckets)
        for h in hours { for i in 0..<sum.count { sum[i] &+= h.durations[i] } }
        return sum
    }

    static func share(_ label: String, calls: UInt64, errors: UInt64, durations: [UInt32], fr: Bool) -> String {
        guard calls > 0 else { return fr ? "\(label) : aucun appel." : "\(label): no calls." }
        let percent = Int((Double(errors) / Double(calls) * 100).rounded())
        var text = fr ? "\(label) : \(calls) appels, \(percent) % d'erreurs" : "\(label): \(calls) calls, \(percent)% errors"
        if let p50 = DurationHistogram.percentile(durations, 0.5), let p95 = DurationHistogram.percentile(durations, 0.95) {
            text += fr ? ", durée médiane \(milliseconds(p50)), p95 \(milliseconds(p95))" : ", median duration \(milliseconds(p50)), p95 \(milliseconds(p95))"
        }
        return text + "."
    }

    static func milliseconds(_ micros: UInt64) -> String {
        micros >= 10_000 ? "\(micros / 1000) ms" : "\(Double(micros / 100) / 10) ms"
    }

    /// "il y a 3 min" / "3 min ago".
    static func ago(_ time: Timestamp, now: Timestamp, fr: Bool) -> String {
        let seconds = max((now.microseconds - time.microseconds) / 1_000_000, 0)
        let amount: String
        switch seconds {
        case ..<60: amount = "\(seconds) s"
        case ..<3600: amount = "\(seconds / 60) min"
        case ..<172_800: amount = "\(seconds / 3600) h"
        default: amount = fr ? "\(seconds / 86_400) jours" : "\(seconds / 86_400) days"
        }
        return fr ? "il y a \(amount)" : "\(amount) ago"
    }

    static func stateLabel(_ state: HealthState, fr: Bool, _ t: Labels) -> String {
        switch state {
        case .blocked: t.statusBlocked
        case .disconnected: t.statusDisconnected
        default: ConnectionsPage.healthLabel(state, t) ?? state.rawValue
        }
    }

    static func conditionLabel(_ c: AlertCondition, fr: Bool, _ t: Labels) -> String {
        switch c {
        case .failing: t.healthFailing
        case .quiet: t.healthQuiet
        case .degraded: t.healthDegraded
        }
    }

    static func verdict(_ state: HealthState, reason: String, fr: Bool) -> String {
        switch (state, fr) {
        case (.ok, true): "Oui : la connexion fonctionne."
        case (.ok, false): "Yes: the connection works."
        case (.degraded, true): "En partie : la connexion est dégradée — \(reason)."
        case (.degraded, false): "Partly: the connection is degraded — \(reason)."
        case (.failing, true): "Non : la connexion est en échec — \(reason)."
        case (.failing, false): "No: the connection is failing — \(reason)."
        case (.quiet, true): "Peut-être pas : la connexion est silencieuse — \(reason)."
        case (.quiet, false): "Maybe not: the connection has gone quiet — \(reason)."
        case (.blocked, true): "Non : la connexion est bloquée ; l'application ne peut pas appeler l'API."
        case (.blocked, false): "No: the connection is blocked; the app cannot call the API."
        case (.disconnected, true): "Non : la connexion est déconnectée."
        case (.disconnected, false): "No: the connection is disconnected."
        }
    }

    static func advice(_ state: HealthState, fr: Bool) -> String {
        switch (state, fr) {
        case (.ok, true): "Rien à faire. Si une commande manque malgré tout, cherchez-la dans les logs de connexion."
        case (.ok, false): "Nothing to do. If an order is missing all the same, look for it in the connection logs."
        case (.degraded, true): "Une partie des appels échoue : ouvrez la dernière erreur, puis les logs filtrés sur 4xx et 5xx. Si les erreurs viennent d'une ressource, signalez-le à l'éditeur de l'application."
        case (.degraded, false): "Some calls fail: open the last error, then the logs filtered on 4xx and 5xx. If the errors come from one resource, tell the app's developer."
        case (.failing, true): "Ouvrez la dernière erreur. Une 401 : l'application n'est plus autorisée, reconnectez-la. Une 5xx : le service appelé est en panne ; il reprendra seul, l'alerte sera levée à la première réussite."
        case (.failing, false): "Open the last error. A 401: the app is no longer authorized, reconnect it. A 5xx: the service it calls is down; it will recover on its own, and the alert ends with the first success."
        case (.quiet, true): "L'application appelait chaque jour et s'est arrêtée : vérifiez qu'elle est en marche et toujours configurée pour ce restaurant."
        case (.quiet, false): "The app called every day and stopped: check that it runs and is still set up for this restaurant."
        case (.blocked, true): "Débloquez-la depuis la liste des connexions si l'application doit de nouveau accéder à l'API."
        case (.blocked, false): "Unblock it from the connections list if the app should use the API again."
        case (.disconnected, true): "Connectez de nouveau l'application depuis les apps disponibles si vous en avez besoin."
        case (.disconnected, false): "Connect the app again from the available apps if you need it."
        }
    }
}

/// The alerts list: every alert of the viewer's account, newest first.
public struct AlertsPage: Sendable {
    public struct Row: Sendable {
        public var id: String
        public var connection: String
        public var checkURL: String
        public var condition: String
        public var conditionKey: String
        public var raised: String
        public var resolved: String?
        public var isOpen: Bool
        public var reason: String
        public var sent: String
    }

    public var chrome: Chrome
    public var rows: [Row]
    public var hasRows: Bool
    public var words: CheckPage.Words

    /// `names` gives each connection's app and place; `zones` its time zone.
    public init(chrome: Chrome, alerts: [AlertRecord], names: [String: String], zones: [String: String]) {
        let fr = chrome.t.lang == "fr"
        self.chrome = chrome
        words = fr ? .fr : .en
        rows = alerts.map { a in
            let zone = zones[a.connectionID] ?? "UTC"
            let sent = a.notifications.filter(\.delivered).map { "\($0.channel == .email ? "✉" : "↗") \($0.address)" }
            return Row(
                id: a.alertID, connection: names[a.connectionID] ?? a.connectionID,
                checkURL: "/connections/\(URLText.path(a.connectionID))/check",
                condition: CheckPage.conditionLabel(a.condition, fr: fr, chrome.t), conditionKey: a.condition.name,
                raised: LocalDisplay.time(a.raisedAt, zone: zone), resolved: a.resolvedAt.map { LocalDisplay.time($0, zone: zone) },
                isOpen: a.isOpen, reason: fr ? HealthRule.frenchReason(a.reason) : a.reason,
                sent: Array(Set(sent)).sorted().joined(separator: ", "))
        }
        hasRows = !rows.isEmpty
    }
}
