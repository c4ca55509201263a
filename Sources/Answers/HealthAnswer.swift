public import Events
public import Domain
public import Projections

/// A connection's health as the API writes it (`GET /v1/connections/{id}/health`,
/// `junction health`).
public enum HealthAnswer {
    public static func write(_ h: ConnectionHealth, into w: inout JSONWriter) {
        w.beginObject()
        w.string("connection_id", h.connectionID)
        w.timestamp("now", h.now)
        w.string("state", h.state.rawValue)
        w.string("reason", h.reason)
        for (key, call) in [("last_request", h.summary.lastRequest), ("last_success", h.summary.lastSuccess), ("last_error", h.summary.lastError)] {
            guard let call else {
                w.null(key)
                continue
            }
            w.beginObject(key)
            w.timestamp("time", call.time)
            w.unsigned("seq", call.seq)
            w.string("method", call.method.name)
            w.string("url", call.url)
            w.unsigned("status", UInt64(call.status))
            w.endObject()
        }
        w.beginObject("last_hour")
        w.integer("calls", Int64(h.lastHour.calls))
        w.integer("errors", Int64(h.lastHour.errors))
        w.endObject()
        w.beginObject("last_day")
        w.unsigned("calls", h.lastDay.calls)
        w.unsigned("errors", h.lastDay.errors)
        w.endObject()
        w.beginArray("hours")
        for hour in h.hours {
            w.beginObject()
            w.timestamp("hour", Timestamp(microseconds: hour.hour))
            w.beginArray("by_class")
            for n in hour.byClass { w.unsigned(nil, UInt64(n)) }
            w.endArray()
            if let p50 = hour.p50 { w.unsigned("p50_us", p50) }
            if let p95 = hour.p95 { w.unsigned("p95_us", p95) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
