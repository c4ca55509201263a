public import Events
internal import Domain
public import Projections

/// A hub event as the hub's API shows it to an app: `id`, `resource_type`, `event_type`,
/// `created_at` in the location's zone with its offset, the resource's ids, then the states
/// (left out of a list of events, as the reference does).
public enum HubEventAnswer {
    /// The event's JSON object, written into `w`.
    public static func write(
        _ e: ReceivedEvent, timeZone: String, states: Bool, into w: inout JSONWriter, key: String? = nil,
        then more: (inout JSONWriter) -> Void = { _ in }
    ) {
        w.beginObject(key)
        w.string("id", e.event.eventID)
        w.string("resource_type", e.event.resourceType)
        w.string("event_type", e.event.eventType)
        w.string("created_at", LocalTime.rfc3339(e.time, in: timeZone))
        for id in e.event.ids where id.name != "location_id" { w.string(id.name, id.value) }
        w.string("location_id", e.event.locationID)
        if states {
            if let state = e.event.previousState { w.raw("previous_state", state.utf8) }
            if let state = e.event.newState { w.raw("new_state", state.utf8) }
            if let change = e.event.stateChange { w.raw("state_change", change.utf8) }
        }
        more(&w)
        w.endObject()
    }

    /// The body POSTed to an active callback: the event whole.
    public static func body(_ e: ReceivedEvent, timeZone: String) -> [UInt8] {
        var w = JSONWriter()
        write(e, timeZone: timeZone, states: true, into: &w)
        return w.bytes
    }

    /// What Junction adds for people (the back office, the command line): the event's fate.
    public static func writeStatus(_ e: ReceivedEvent, into w: inout JSONWriter) {
        w.string("state", e.state.name)
        w.unsigned("attempts", UInt64(e.attempts))
        if let status = e.lastStatus { w.unsigned("last_status", UInt64(status)) }
        if let next = e.nextAttemptAt { w.timestamp("next_attempt_at", next) }
        w.string("reason", ifPresent: e.reason)
    }
}

/// A connection's callback as operators read it (`GET /v1/connections/:id/callback`,
/// `junction callback`): the subscription, the waiting events with their fate, and every
/// delivery attempt.
public enum HubCallbackAnswer {
    public static func write(
        connectionID: String, callback: CallbackSet?, waiting: [ReceivedEvent], deliveries: [DeliveryAttempt],
        zone: (String) -> String, into w: inout JSONWriter
    ) {
        w.beginObject()
        w.string("connection_id", connectionID)
        if let callback {
            w.beginObject("callback")
            if let url = callback.url { w.string("url", url) } else { w.null("url") }
            w.string("mode", callback.url == nil ? "passive" : "active")
            writeEvents(callback.events, into: &w)
            w.endObject()
        } else {
            w.null("callback")
        }
        w.integer("waiting_count", Int64(waiting.count))
        w.beginArray("waiting")
        for e in waiting {
            // The app's view of the event, then its fate.
            HubEventAnswer.write(e, timeZone: zone(e.event.locationID), states: false, into: &w) { HubEventAnswer.writeStatus(e, into: &$0) }
        }
        w.endArray()
        w.beginArray("deliveries")
        for d in deliveries { writeDelivery(d, into: &w) }
        w.endArray()
        w.endObject()
    }

    /// `events` as the hub's API writes them: `{"order": ["create", "update"], …}`.
    public static func writeEvents(_ pairs: [String], into w: inout JSONWriter) {
        var byResource: [(String, [String])] = []
        for pair in pairs {
            let parts = pair.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if let i = byResource.firstIndex(where: { $0.0 == parts[0] }) { byResource[i].1.append(parts[1]) } else { byResource.append((parts[0], [parts[1]])) }
        }
        w.beginObject("events")
        for (resource, events) in byResource {
            w.beginArray(resource)
            for e in events { w.string(nil, e) }
            w.endArray()
        }
        w.endObject()
    }

    public static func writeDelivery(_ d: DeliveryAttempt, into w: inout JSONWriter) {
        w.beginObject()
        w.unsigned("seq", d.seq)
        w.timestamp("time", d.time)
        w.string("event_id", d.attempt.eventID)
        w.unsigned("attempt", UInt64(d.attempt.attempt))
        w.string("url", d.attempt.url)
        if let status = d.attempt.status { w.unsigned("status", UInt64(status)) } else { w.null("status") }
        w.integer("duration_ms", d.attempt.durationMicroseconds / 1000)
        w.string("error", ifPresent: d.attempt.error)
        if let next = d.attempt.nextAttemptAt { w.timestamp("next_attempt_at", next) }
        w.string("answer", ifPresent: d.attempt.answer)
        w.endObject()
    }
}
