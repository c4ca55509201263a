public import Events
public import Projections

/// Alerts as the API writes them (`GET /v1/alerts`, `junction alerts`).
public enum AlertAnswer {
    public static func write(_ a: AlertRecord, into w: inout JSONWriter) {
        w.beginObject()
        w.string("alert_id", a.alertID)
        w.string("connection_id", a.connectionID)
        w.string("account_id", a.accountID)
        w.string("condition", a.condition.name)
        w.string("reason", a.reason)
        if let seq = a.lastErrorSeq { w.unsigned("last_error_seq", seq) }
        w.timestamp("raised_at", a.raisedAt)
        if let t = a.resolvedAt { w.timestamp("resolved_at", t) }
        w.string("resolved_state", ifPresent: a.resolvedState)
        w.bool("open", a.isOpen)
        w.beginArray("notifications")
        for n in a.notifications {
            w.beginObject()
            w.string("phase", n.phase.name)
            w.string("channel", n.channel.name)
            w.string("address", n.address)
            w.unsigned("attempts", UInt64(n.attempts))
            w.bool("delivered", n.delivered)
            w.string("error", ifPresent: n.error)
            if let t = n.nextAttemptAt { w.timestamp("next_attempt_at", t) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    public static func writeList(_ alerts: [AlertRecord], into w: inout JSONWriter) {
        w.beginObject()
        w.beginArray("alerts")
        for a in alerts { write(a, into: &w) }
        w.endArray()
        w.endObject()
    }

    public static func writeSettings(connectionID: String, _ p: AlertPreferences, into w: inout JSONWriter) {
        w.beginObject()
        w.string("connection_id", connectionID)
        w.bool("muted", p.muted)
        w.bool("degraded", p.degraded)
        w.endObject()
    }
}
