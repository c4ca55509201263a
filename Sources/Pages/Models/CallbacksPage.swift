public import Projections

/// **Rappels**: every attempt to tell the app of its disconnection, with its answer, and
/// **Renvoyer**.
public struct CallbacksPage: Sendable {
    public struct Row: Sendable {
        public var time: String
        public var delivery: String
        public var attempt: String
        public var url: String
        public var answer: String
        public var delivered: Bool
        public var next: String?
    }

    public var chrome: Chrome
    public var connection: ConnectionHeader
    public var rows: [Row]
    /// Stored, not computed: the templates read values through reflection.
    public private(set) var hasRows = false
    public var canResend: Bool
    public var resendAction: String

    public init(chrome: Chrome, connection: ConnectionHeader, records: [CallbackRecord], canResend: Bool) {
        self.chrome = chrome
        self.connection = connection
        let zone = connection.timeZone
        rows = records.reversed().map { r in
            switch r.kind {
            case .attempt:
                Row(time: LocalDisplay.time(r.time, zone: zone), delivery: r.deliveryID, attempt: "\(r.attempt)",
                    url: r.url ?? "", answer: r.status.map { "HTTP \($0)" } ?? r.error ?? "", delivered: r.delivered,
                    next: r.nextAttemptAt.map { LocalDisplay.time($0, zone: zone) })
            case .resendRequested:
                Row(time: LocalDisplay.time(r.time, zone: zone), delivery: r.deliveryID, attempt: chrome.t.resend,
                    url: "", answer: r.actor ?? "", delivered: false, next: nil)
            }
        }
        hasRows = !rows.isEmpty
        self.canResend = canResend
        resendAction = "/connections/\(URLText.path(connection.id))/callbacks/resend"
    }
}
