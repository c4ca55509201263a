public import Events

/// The JSON forms of query answers, shared by the command line (`--json`) and the
/// daemon, so both say the same thing the same way.
extension ConnectionView {
    /// The access token as the page shows it: masked but for its last characters.
    public var maskedToken: String { String(repeating: "*", count: 12) + record.tokenHint }

    public func writeJSON(_ w: inout JSONWriter) {
        let r = record
        w.beginObject()
        w.string("connection_id", r.connectionID)
        w.beginObject("app")
        w.string("id", r.appID)
        w.string("name", appName)
        if let app {
            w.string("level", app.level.name)
            w.string("open_url", ifPresent: app.openURL)
        }
        w.endObject()
        w.string("level", r.level.name)
        w.string("account_id", r.accountID)
        w.string("account_name", ifPresent: account?.name)
        w.string("location_id", ifPresent: r.locationID)
        if r.locationID != nil { w.string("location_name", ifPresent: place?.name) }
        w.string("time_zone", timeZone)
        w.string("device_id", ifPresent: r.deviceID)
        w.string("status", r.status.name)
        w.string("scope", r.scope)
        w.string("customer_list_id", ifPresent: r.customerListID)
        w.string("catalog_id", ifPresent: r.catalogID)
        w.string("access_token", maskedToken)
        w.timestamp("created_at", r.createdAt)
        if let t = r.statusChangedAt { w.timestamp("status_changed_at", t) }
        w.string("status_changed_by", ifPresent: r.statusActor)
        w.string("status_reason", ifPresent: r.statusReason)
        if let t = r.blockedAt { w.timestamp("blocked_at", t) }
        if let t = r.unblockedAt { w.timestamp("unblocked_at", t) }
        if let t = r.disconnectedAt { w.timestamp("disconnected_at", t) }
        if let t = r.reconnectedAt { w.timestamp("reconnected_at", t) }
        if let t = r.firstRequestAt { w.timestamp("first_request_at", t) }
        if let t = r.lastRequestAt { w.timestamp("last_request_at", t) }
        w.unsigned("request_count", r.requestCount)
        w.endObject()
    }
}

extension ActivitySeries {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.string("connection_id", connectionID)
        w.string("time_zone", timeZone)
        w.unsigned("total", total)
        w.beginArray("days")
        for (day, counts) in days {
            w.beginObject()
            w.string("date", day.description)
            w.unsigned("total", UInt64(counts.total))
            for c in StatusClass.allCases where c != .informational {
                w.unsigned(c.name, UInt64(counts.count(c)))
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}

extension LogEntry {
    public func writeJSON(_ w: inout JSONWriter, timeZone: String) {
        w.beginObject()
        w.unsigned("seq", seq)
        w.timestamp("time", time)
        w.string("local_time", LocalTime.rfc3339(time, in: timeZone))
        w.string("resource", resource)
        w.string("method", method.name)
        w.string("url", url)
        w.unsigned("status", UInt64(status))
        w.unsigned("duration_us", durationMicroseconds)
        w.string("request_id", ifPresent: requestID)
        w.integer("request_bytes", Int64(requestBytes))
        w.integer("response_bytes", Int64(responseBytes))
        if bodiesExpired { w.bool("bodies_expired", true) }
        w.endObject()
    }
}

extension LogsPage {
    public func writeJSON(_ w: inout JSONWriter, timeZone: String) {
        w.beginObject()
        w.string("time_zone", timeZone)
        w.beginArray("entries")
        for e in entries { e.writeJSON(&w, timeZone: timeZone) }
        w.endArray()
        if let nextCursor { w.string("next_cursor", nextCursor) } else { w.null("next_cursor") }
        w.endObject()
    }
}

extension LogDetail {
    public func writeJSON(_ w: inout JSONWriter, timeZone: String) {
        w.beginObject()
        w.raw("entry", { var e = JSONWriter(); entry.writeJSON(&e, timeZone: timeZone); return e.bytes }())
        if bodiesExpired {
            w.bool("bodies_expired", true)
            w.string("note", "The request and response bodies expired (body retention) and were removed; the entry and its counts remain.")
        }
        w.beginObject("request")
        LogDetail.writeHeaders(&w, request.requestHeaders)
        w.raw("body", LogDetail.bodyJSON(request.requestBody))
        w.endObject()
        w.beginObject("response")
        w.unsigned("status", UInt64(request.status))
        LogDetail.writeHeaders(&w, request.responseHeaders)
        w.raw("body", LogDetail.bodyJSON(request.responseBody))
        w.endObject()
        w.endObject()
    }

    private static func writeHeaders(_ w: inout JSONWriter, _ headers: [Header]) {
        w.beginArray("headers")
        for h in headers {
            w.beginArray()
            w.string(nil, h.name)
            w.string(nil, h.value)
            w.endArray()
        }
        w.endArray()
    }

    /// A body as JSON: itself when it is JSON, else a string (or null when empty), so a
    /// downloaded body is always a valid JSON file.
    public static func bodyJSON(_ body: [UInt8]) -> [UInt8] {
        if body.isEmpty { return Array("null".utf8) }
        if (try? JSONParser.parse(body)) != nil { return body }
        var out: [UInt8] = []
        JSONWriter.appendString(String(decoding: body, as: UTF8.self), to: &out)
        return out
    }
}
