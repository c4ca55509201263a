public import Events
internal import Domain

/// One line of `POST /v1/hub-events`: an event as the hub's apps will see it, without its
/// id (Junction gives it one) — `resource_type`, `event_type`, `location_id`, the ids of
/// the resource and its parents (`order_id`, `customer_list_id`, …), the states, and
/// optionally `created_at` (RFC 3339, any offset) and `caused_by` (a connection id).
public enum HubEventLine {
    /// A line that cannot be an event: the field at fault and why.
    public struct Refusal: Error, Sendable {
        public var field: String
        public var message: String
    }

    /// The event of `value`, its account found from its location by `accountOf` (nil: not
    /// registered); its time is `created_at`, or `now`.
    public static func parse(
        _ value: JSONValue, now: Timestamp, accountOf: (String) -> String?
    ) throws(Refusal) -> (time: Timestamp, event: HubEventPublished) {
        guard case .object(let members) = value else { throw Refusal(field: "line", message: "expected a JSON object") }
        var resourceType: String?
        var eventType: String?
        var locationID: String?
        var accountID: String?
        var time = now
        var event = HubEventPublished(eventID: "", resourceType: "", eventType: "", accountID: "", locationID: "")
        func text(_ key: String, _ v: JSONValue) throws(Refusal) -> String {
            guard case .string(let s) = v, !s.isEmpty else { throw Refusal(field: key, message: "expected a non-empty string") }
            return s
        }
        func id(_ key: String, _ v: JSONValue) throws(Refusal) -> String {
            let s = try text(key, v)
            guard Identifier.isValid(s) else { throw Refusal(field: key, message: "\"\(s)\" is not an id (1 to 64 letters, digits, '-' or '_')") }
            return s
        }
        func state(_ v: JSONValue) -> String? {
            guard v != .null else { return nil }
            var out: [UInt8] = []
            JSONWriter.appendValue(v, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        for (key, v) in members {
            switch key {
            case "resource_type": resourceType = try text(key, v)
            case "event_type": eventType = try text(key, v)
            case "location_id": locationID = try id(key, v)
            case "account_id": accountID = try id(key, v)
            case "caused_by": event.causedBy = v == .null ? nil : try id(key, v)
            case "created_at":
                guard let t = Timestamp(rfc3339: try text(key, v)) else { throw Refusal(field: key, message: "not an RFC 3339 time") }
                time = t
            case "new_state": event.newState = state(v)
            case "previous_state": event.previousState = state(v)
            case "state_change": event.stateChange = state(v)
            case "id": throw Refusal(field: key, message: "Junction gives each event its id: send none")
            default:
                guard key.hasSuffix("_id") else { throw Refusal(field: key, message: "not a field of a hub event") }
                event.ids.append(HubEventID(key, try id(key, v)))
            }
        }
        guard let resourceType else { throw Refusal(field: "resource_type", message: "missing") }
        guard let eventType else { throw Refusal(field: "event_type", message: "missing") }
        guard let locationID else { throw Refusal(field: "location_id", message: "missing") }
        guard let owner = accountOf(locationID) else { throw Refusal(field: "location_id", message: "location \"\(locationID)\" is not registered") }
        if let accountID, accountID != owner {
            throw Refusal(field: "account_id", message: "location \"\(locationID)\" belongs to account \"\(owner)\"")
        }
        event.resourceType = resourceType
        event.eventType = eventType
        event.locationID = locationID
        event.accountID = owner
        return (time, event)
    }
}

extension HubEventLine {
    /// A batch that cannot be published: the line at fault, and whether it is not JSON at
    /// all (`malformed`) or not a hub event the hub's rules take.
    public struct BatchRefusal: Error, Sendable {
        public var line: Int
        public var malformed: Bool
        public var field: String
        public var message: String

        /// `line N: field: message`, as the answers say it.
        public var description: String { "line \(line): \(malformed ? "" : field + ": ")\(message)" }
    }

    /// The events of an NDJSON batch (blank lines skipped), each parsed and checked by the
    /// hub's rules for events (the pair, the states it carries); none if one is refused.
    public static func parseBatch(
        _ bytes: [UInt8], now: Timestamp, accountOf: (String) -> String?
    ) throws(BatchRefusal) -> [(time: Timestamp, event: HubEventPublished)] {
        var events: [(time: Timestamp, event: HubEventPublished)] = []
        var refusal: BatchRefusal?
        bytes.withUnsafeBufferPointer { all in
            try? LogEntryParser.forEachLine(all) { line, range in
                let value: JSONValue
                do {
                    value = try JSONParser.parse(UnsafeBufferPointer(rebasing: all[range]))
                } catch {
                    refusal = BatchRefusal(line: line, malformed: true, field: "line", message: "malformed JSON: \(error)")
                    throw error
                }
                do throws(Refusal) {
                    let parsed = try parse(value, now: now, accountOf: accountOf)
                    var checked = parsed.event
                    checked.eventID = "checked"
                    if let shape = HubEventRouting.isPair(resource: checked.resourceType, event: checked.eventType)
                        ? HubEventRouting.shapeRefusal(checked)
                        : (field: "event_type", message: "\(checked.resourceType).\(checked.eventType) is not an event of the hub's callbacks") {
                        throw Refusal(field: shape.field, message: shape.message)
                    }
                    events.append(parsed)
                } catch {
                    refusal = BatchRefusal(line: line, malformed: false, field: error.field, message: error.message)
                    throw error
                }
            }
        }
        if let refusal { throw refusal }
        return events
    }
}
