internal import Foundation

/// The canonical text form of events: one JSON object per line, for people and tools.
///
/// ```json
/// {"seq":7,"event":"connectionBlocked","time":"2026-11-29T09:14:03.000000Z","connection_id":"k2x9q","actor":"owner@example.com"}
/// ```
/// Members are snake_case and always written in the same order: `seq` (when known),
/// `event`, `time`, then the fields of the kind; absent optional fields are left out.
/// Bodies are strings when they are valid UTF-8 and `…_base64` otherwise. Reading
/// accepts `null` for absent fields, headers as an object or as `[name, value]` pairs,
/// and ignores `seq`; it refuses unknown members, so a misspelt field is not silently
/// dropped.
///
/// Reading checks syntax only (types, ids, times, methods, scopes, base64): whether a
/// zone, a location id or a URL is one the hub takes is the domain's rule
/// (`Domain.ValueRules`), checked by whoever appends the events.
public enum NDJSONEventCodec {
    /// A line that is not a valid event, with the member at fault.
    public struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        /// The member at fault, or `nil` when the line as a whole is wrong.
        public let field: String?
        public let message: String

        public init(field: String?, message: String) {
            self.field = field
            self.message = message
        }

        public var description: String {
            if let field { return "\(field): \(message)" }
            return message
        }
    }

    // MARK: Writing

    /// Appends the canonical JSON line of `event` (without the newline) to `out`.
    public static func encode(_ event: Event, seq: UInt64? = nil, into out: inout [UInt8]) {
        var w = JSONWriter()
        w.beginObject()
        if let seq { w.unsigned("seq", seq) }
        switch event.payload {
        case .unknown(let kind, let payload):
            w.string("event", "unknown")
            w.timestamp("time", event.time)
            w.unsigned("kind", UInt64(kind))
            w.string("payload_base64", Data(payload).base64EncodedString())
            w.endObject()
            out.append(contentsOf: w.bytes)
            return
        default:
            w.string("event", Event.Kind(rawValue: event.kindNumber)!.name)
            w.timestamp("time", event.time)
        }
        switch event.payload {
        case .accountRegistered(let e):
            w.string("account_id", e.accountID)
            w.string("name", e.name)
            w.string("time_zone", e.timeZone)
        case .locationRegistered(let e):
            w.string("location_id", e.locationID)
            w.string("account_id", e.accountID)
            w.string("name", e.name)
            w.string("time_zone", e.timeZone)
        case .appRegistered(let e):
            w.string("app_id", e.appID)
            w.string("name", e.name)
            w.string("level", e.level.name)
            w.string("scope", e.scope)
            w.string("open_url", ifPresent: e.openURL)
            w.string("disconnect_callback_url", ifPresent: e.disconnectCallbackURL)
            if !e.redirectURIs.isEmpty {
                w.beginArray("redirect_uris")
                for uri in e.redirectURIs { w.string(nil, uri) }
                w.endArray()
            }
            if e.isPublic { w.bool("public", true) }
            w.string("install_url", ifPresent: e.installURL)
        case .connectionCreated(let e):
            w.string("connection_id", e.connectionID)
            w.string("app_id", e.appID)
            w.string("account_id", e.accountID)
            w.string("location_id", ifPresent: e.locationID)
            w.string("device_id", ifPresent: e.deviceID)
            w.string("scope", e.scope)
            w.string("customer_list_id", ifPresent: e.customerListID)
            w.string("catalog_id", ifPresent: e.catalogID)
            w.string("token_digest", HexText.encode(e.tokenDigest))
            w.string("token_hint", e.tokenHint)
        case .connectionReconnected(let e):
            w.string("connection_id", e.connectionID)
            w.string("customer_list_id", ifPresent: e.customerListID)
            w.string("catalog_id", ifPresent: e.catalogID)
        case .connectionBlocked(let e), .connectionUnblocked(let e), .connectionDisconnected(let e):
            w.string("connection_id", e.connectionID)
            w.string("actor", e.actor)
            w.string("reason", ifPresent: e.reason)
        case .requestLogged(let e):
            writeRequestHead(&w, e)
            writeBody(&w, "request_body", e.requestBody)
            w.headers("response_headers", e.responseHeaders)
            writeBody(&w, "response_body", e.responseBody)
        case .callbackAttempted(let e):
            w.string("connection_id", e.connectionID)
            w.string("delivery_id", e.deliveryID)
            w.unsigned("attempt", UInt64(e.attempt))
            w.string("url", e.url)
            if let status = e.status { w.unsigned("status", UInt64(status)) }
            w.string("error", ifPresent: e.error)
            if let next = e.nextAttemptAt { w.timestamp("next_attempt_at", next) }
        case .callbackResendRequested(let e):
            w.string("connection_id", e.connectionID)
            w.string("delivery_id", e.deliveryID)
            w.string("actor", e.actor)
        case .requestBodiesExpired(let e):
            writeRequestHead(&w, e)
            w.unsigned("request_body_length", UInt64(e.requestBodyLength))
            w.headers("response_headers", e.responseHeaders)
            w.unsigned("response_body_length", UInt64(e.responseBodyLength))
            w.string("error_summary", ifPresent: e.errorSummary)
        case .requestsRolledUp(let e):
            w.string("connection_id", e.connectionID)
            w.integer("day", e.day)
            w.unsigned("total", e.total)
            w.beginArray("by_class")
            for c in e.byClass { w.unsigned(nil, c) }
            w.endArray()
            w.timestamp("first_time", e.firstTime)
            w.timestamp("last_time", e.lastTime)
        case .connectionTombstoned(let e):
            w.string("connection_id", e.connectionID)
            w.string("app_id", e.appID)
            w.string("account_id", e.accountID)
            w.string("location_id", ifPresent: e.locationID)
            w.timestamp("disconnected_at", e.disconnectedAt)
            w.unsigned("request_count", e.requestCount)
        case .retentionApplied(let e):
            w.timestamp("bodies_before", e.bodiesBefore)
            w.timestamp("logs_before", e.logsBefore)
            w.timestamp("disconnected_before", e.disconnectedBefore)
            w.timestamp("tombstones_before", e.tombstonesBefore)
            if let limit = e.limit, let scanned = e.scannedThrough {
                w.unsigned("limit", limit)
                w.unsigned("scanned_through", scanned)
            }
        case .userRegistered(let e):
            w.string("email", e.email)
            w.string("account_id", ifPresent: e.accountID)
            w.string("role", e.role.name)
            w.string("password_hash", e.passwordHash)
            w.string("actor", e.actor)
            w.string("language", ifPresent: e.language)
        case .userPasswordChanged(let e):
            w.string("email", e.email)
            w.string("password_hash", e.passwordHash)
            w.string("actor", e.actor)
        case .userRemoved(let e):
            w.string("email", e.email)
            w.string("actor", e.actor)
        case .authorizationCodeIssued(let e):
            w.string("code_digest", HexText.encode(e.codeDigest))
            w.string("app_id", e.appID)
            w.string("redirect_uri", e.redirectURI)
            w.string("account_id", e.accountID)
            w.string("location_id", ifPresent: e.locationID)
            w.string("device_id", ifPresent: e.deviceID)
            w.string("code_challenge", ifPresent: e.codeChallenge)
            w.string("approved_by", e.approvedBy)
            w.timestamp("expires_at", e.expiresAt)
            w.string("catalog_id", ifPresent: e.catalogID)
            w.string("customer_list_id", ifPresent: e.customerListID)
        case .authorizationCodeRedeemed(let e):
            w.string("code_digest", HexText.encode(e.codeDigest))
        case .catalogRegistered(let e):
            w.string("catalog_id", e.id)
            w.string("account_id", e.accountID)
            w.string("location_id", ifPresent: e.locationID)
            w.string("name", e.name)
        case .customerListRegistered(let e):
            w.string("customer_list_id", e.id)
            w.string("account_id", e.accountID)
            w.string("location_id", ifPresent: e.locationID)
            w.string("name", e.name)
        case .callbackSet(let e):
            w.string("connection_id", e.connectionID)
            if let url = e.url { w.string("url", url) } else { w.null("url") }
            w.beginArray("events")
            for pair in e.events { w.string(nil, pair) }
            w.endArray()
        case .callbackDeleted(let e):
            w.string("connection_id", e.connectionID)
        case .hubEventPublished(let e):
            w.string("event_id", e.eventID)
            w.string("resource_type", e.resourceType)
            w.string("event_type", e.eventType)
            w.string("account_id", e.accountID)
            w.string("location_id", e.locationID)
            w.beginObject("ids")
            for id in e.ids { w.string(id.name, id.value) }
            w.endObject()
            if let state = e.newState { w.raw("new_state", state.utf8) }
            if let state = e.previousState { w.raw("previous_state", state.utf8) }
            if let change = e.stateChange { w.raw("state_change", change.utf8) }
            w.string("caused_by", ifPresent: e.causedBy)
        case .callbackDelivered(let e):
            w.string("connection_id", e.connectionID)
            w.string("event_id", e.eventID)
            w.unsigned("attempt", UInt64(e.attempt))
            w.string("url", e.url)
            if let status = e.status { w.unsigned("status", UInt64(status)) }
            w.integer("duration_us", e.durationMicroseconds)
            w.string("error", ifPresent: e.error)
            if let next = e.nextAttemptAt { w.timestamp("next_attempt_at", next) }
            w.string("answer", ifPresent: e.answer)
        case .callbackEventAcknowledged(let e):
            w.string("connection_id", e.connectionID)
            w.string("event_id", e.eventID)
        case .callbackEventDropped(let e):
            w.string("connection_id", e.connectionID)
            w.string("event_id", e.eventID)
            w.string("reason", e.reason)
        case .callbackEventResent(let e):
            w.string("connection_id", e.connectionID)
            w.string("event_id", e.eventID)
            w.string("actor", e.actor)
        case .alertRaised(let e):
            w.string("alert_id", e.alertID)
            w.string("connection_id", e.connectionID)
            w.string("account_id", e.accountID)
            w.string("condition", e.condition.name)
            w.string("reason", e.reason)
            if let seq = e.lastErrorSeq { w.unsigned("last_error_seq", seq) }
        case .alertResolved(let e):
            w.string("alert_id", e.alertID)
            w.string("connection_id", e.connectionID)
            w.string("state", e.state)
        case .alertSettingsChanged(let e):
            w.string("connection_id", e.connectionID)
            w.bool("muted", e.muted)
            w.bool("degraded", e.degraded)
            w.string("actor", e.actor)
        case .alertNotified(let e):
            w.string("alert_id", e.alertID)
            w.string("connection_id", e.connectionID)
            w.string("phase", e.phase.name)
            w.string("channel", e.channel.name)
            w.string("address", e.address)
            w.unsigned("attempt", UInt64(e.attempt))
            w.bool("delivered", e.delivered)
            w.string("error", ifPresent: e.error)
            if let next = e.nextAttemptAt { w.timestamp("next_attempt_at", next) }
        case .unknown:
            break
        }
        w.endObject()
        out.append(contentsOf: w.bytes)
    }

    /// The canonical JSON line of `event`, without the newline.
    public static func encode(_ event: Event, seq: UInt64? = nil) -> String {
        var out = [UInt8]()
        encode(event, seq: seq, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The members a request and an expired request share.
    private static func writeRequestHead(_ w: inout JSONWriter, _ e: RequestLogged) {
        w.string("connection_id", e.connectionID)
        w.string("request_id", ifPresent: e.requestID)
        w.string("method", e.method.name)
        w.string("resource", e.resource)
        w.string("url", e.url)
        w.unsigned("status", UInt64(e.status))
        w.unsigned("duration_us", e.durationMicroseconds)
        w.headers("request_headers", e.requestHeaders)
    }

    private static func writeBody(_ w: inout JSONWriter, _ key: String, _ body: [UInt8]) {
        if let text = String(validating: body, as: UTF8.self) {
            w.string(key, text)
        } else {
            w.string(key + "_base64", Data(body).base64EncodedString())
        }
    }

    // MARK: Reading

    /// Parses and validates one line.
    public static func decode(line: UnsafeBufferPointer<UInt8>) throws(Error) -> Event {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw Error(field: nil, message: "malformed JSON: \(error)")
        }
        return try decode(value)
    }

    public static func decode(line: String) throws(Error) -> Event {
        var line = line
        return try line.withUTF8 { b in Result { () throws(Error) in try decode(line: b) } }.get()
    }

    /// Builds and validates an event from a parsed JSON object.
    public static func decode(_ value: JSONValue) throws(Error) -> Event {
        guard case .object(let members) = value else {
            throw Error(field: nil, message: "expected a JSON object, found \(value.typeName)")
        }
        var f = Fields(members)
        let kindName = try f.string("event")
        let time = try f.timestamp("time")
        _ = f.take("seq")
        if kindName == "unknown" {
            // An event of a kind a newer writer knows, exported verbatim: kept as it was.
            let number = try f.integer("kind")
            guard number >= 0, number <= Int64(UInt32.max), Event.Kind(rawValue: UInt32(number)) == nil else {
                throw Error(field: "kind", message: "\(number) is not the number of an unknown kind")
            }
            let payload = try f.body("payload")
            try f.refuseLeftovers()
            return Event(time: time, .unknown(kind: UInt32(number), payload: payload))
        }
        guard let kind = Event.Kind(name: kindName) else {
            let known = Event.Kind.allCases.map(\.name).joined(separator: ", ")
            throw Error(field: "event", message: "unknown event \"\(kindName)\" (known: \(known))")
        }
        let payload: Event.Payload
        switch kind {
        case .accountRegistered:
            payload = .accountRegistered(AccountRegistered(
                accountID: try f.id("account_id"), name: try f.nonEmpty("name"), timeZone: try f.timeZone("time_zone")))
        case .locationRegistered:
            payload = .locationRegistered(LocationRegistered(
                locationID: try f.id("location_id"), accountID: try f.id("account_id"),
                name: try f.nonEmpty("name"), timeZone: try f.timeZone("time_zone")))
        case .appRegistered:
            let appID = try f.id("app_id")
            let name = try f.nonEmpty("name")
            let levelName = try f.string("level")
            guard let level = ConnectionLevel(name: levelName) else {
                throw Error(field: "level", message: "must be account, location or either, not \"\(levelName)\"")
            }
            var app = AppRegistered(
                appID: appID, name: name, level: level, scope: try f.scope("scope"),
                openURL: try f.optionalURL("open_url"), disconnectCallbackURL: try f.optionalURL("disconnect_callback_url"))
            switch f.take("redirect_uris") {
            case nil, .null?: break
            case .array(let items)?:
                for item in items {
                    guard case .string(let uri) = item, !uri.isEmpty else {
                        throw Error(field: "redirect_uris", message: "expected an array of URLs")
                    }
                    app.redirectURIs.append(uri)
                }
            case let other?: throw Error(field: "redirect_uris", message: "expected an array of URLs, found \(other.typeName)")
            }
            switch f.take("public") {
            case nil, .null?: break
            case .bool(let flag)?: app.isPublic = flag
            case let other?: throw Error(field: "public", message: "expected true or false, found \(other.typeName)")
            }
            app.installURL = try f.optionalURL("install_url")
            payload = .appRegistered(app)
        case .connectionCreated:
            let digestHex = try f.string("token_digest")
            guard let digest = HexText.decode(digestHex), digest.count == 32 else {
                throw Error(field: "token_digest", message: "must be the SHA-256 of the token as 64 hex digits")
            }
            payload = .connectionCreated(ConnectionCreated(
                connectionID: try f.id("connection_id"), appID: try f.id("app_id"), accountID: try f.id("account_id"),
                locationID: try f.optionalID("location_id"), deviceID: try f.optionalDeviceID("device_id"),
                scope: try f.scope("scope"), customerListID: try f.optionalID("customer_list_id"),
                catalogID: try f.optionalID("catalog_id"), tokenDigest: digest, tokenHint: try f.string("token_hint")))
        case .connectionReconnected:
            let e = ConnectionReconnected(
                connectionID: try f.id("connection_id"), customerListID: try f.optionalID("customer_list_id"),
                catalogID: try f.optionalID("catalog_id"))
            guard e.customerListID != nil || e.catalogID != nil else {
                throw Error(field: nil, message: "a reconnect names a catalog_id or a customer_list_id")
            }
            payload = .connectionReconnected(e)
        case .connectionBlocked, .connectionUnblocked, .connectionDisconnected:
            let change = ConnectionStatusChanged(
                connectionID: try f.id("connection_id"), actor: try f.nonEmpty("actor"), reason: try f.optionalString("reason"))
            payload = kind == .connectionBlocked ? .connectionBlocked(change)
                : kind == .connectionUnblocked ? .connectionUnblocked(change) : .connectionDisconnected(change)
        case .requestLogged:
            let connectionID = try f.id("connection_id")
            let requestID = try f.optionalString("request_id")
            let methodName = try f.string("method")
            guard let method = HTTPMethod(name: methodName) else {
                throw Error(field: "method", message: "unknown HTTP method \"\(methodName)\"")
            }
            let resource = try f.nonEmpty("resource")
            let url = try f.nonEmpty("url")
            let status = try f.integer("status")
            guard (100...599).contains(status) else {
                throw Error(field: "status", message: "must be an HTTP status from 100 to 599, not \(status)")
            }
            let duration = try f.optionalInteger("duration_us") ?? 0
            guard duration >= 0 else { throw Error(field: "duration_us", message: "must not be negative") }
            payload = .requestLogged(RequestLogged(
                connectionID: connectionID, requestID: requestID, method: method, resource: resource, url: url,
                status: UInt16(status), durationMicroseconds: UInt64(duration),
                requestHeaders: try f.headers("request_headers"), requestBody: try f.body("request_body"),
                responseHeaders: try f.headers("response_headers"), responseBody: try f.body("response_body")))
        case .callbackAttempted:
            let connectionID = try f.id("connection_id")
            let deliveryID = try f.nonEmpty("delivery_id")
            let attempt = try f.integer("attempt")
            guard attempt >= 1, attempt <= Int64(UInt32.max) else {
                throw Error(field: "attempt", message: "must be from 1 to \(UInt32.max), not \(attempt)")
            }
            let url = try f.nonEmpty("url")
            let status = try f.optionalInteger("status")
            if let status, !(100...599).contains(status) {
                throw Error(field: "status", message: "must be an HTTP status from 100 to 599, not \(status)")
            }
            let error = try f.optionalString("error")
            let next = try f.optionalString("next_attempt_at").map { text throws(Error) -> Timestamp in
                guard let t = Timestamp(rfc3339: text) else { throw Error(field: "next_attempt_at", message: "not an RFC 3339 time") }
                return t
            }
            payload = .callbackAttempted(CallbackAttempted(
                connectionID: connectionID, deliveryID: deliveryID, attempt: UInt32(attempt), url: url,
                status: status.map { UInt16($0) }, error: error, nextAttemptAt: next))
        case .callbackResendRequested:
            payload = .callbackResendRequested(CallbackResendRequested(
                connectionID: try f.id("connection_id"), deliveryID: try f.nonEmpty("delivery_id"), actor: try f.nonEmpty("actor")))
        case .requestBodiesExpired:
            let connectionID = try f.id("connection_id")
            let requestID = try f.optionalString("request_id")
            let methodName = try f.string("method")
            guard let method = HTTPMethod(name: methodName) else {
                throw Error(field: "method", message: "unknown HTTP method \"\(methodName)\"")
            }
            var request = RequestLogged(
                connectionID: connectionID, requestID: requestID, method: method, resource: try f.nonEmpty("resource"),
                url: try f.nonEmpty("url"), status: UInt16(try f.count("status", max: 599)),
                durationMicroseconds: try f.count("duration_us", optional: true),
                requestHeaders: try f.headers("request_headers"))
            let requestLength = try f.count("request_body_length", optional: true)
            request.responseHeaders = try f.headers("response_headers")
            let responseLength = try f.count("response_body_length", optional: true)
            request.skippedBodyLengths = .init(request: Int(requestLength), response: Int(responseLength))
            request.errorSummary = try f.optionalString("error_summary")
            payload = .requestBodiesExpired(request)
        case .requestsRolledUp:
            let connectionID = try f.id("connection_id")
            let day = try f.integer("day")
            guard Timestamp.isWithinTextRange(day: day) else {
                throw Error(field: "day", message: "outside the years 0001-9999")
            }
            let total = try f.count("total")
            guard case .array(let items)? = f.take("by_class"), items.count == 5 else {
                throw Error(field: "by_class", message: "expected 5 counts (1xx … 5xx)")
            }
            var byClass: [UInt64] = []
            for item in items {
                guard case .integer(let i) = item, i >= 0 else {
                    throw Error(field: "by_class", message: "expected 5 counts (1xx … 5xx), found \(item.typeName)")
                }
                byClass.append(UInt64(i))
            }
            payload = .requestsRolledUp(RequestsRolledUp(
                connectionID: connectionID, day: day, total: total, byClass: byClass,
                firstTime: try f.timestamp("first_time"), lastTime: try f.timestamp("last_time")))
        case .connectionTombstoned:
            payload = .connectionTombstoned(ConnectionTombstoned(
                connectionID: try f.id("connection_id"), appID: try f.id("app_id"), accountID: try f.id("account_id"),
                locationID: try f.optionalID("location_id"), disconnectedAt: try f.timestamp("disconnected_at"),
                requestCount: try f.count("request_count")))
        case .retentionApplied:
            var applied = RetentionApplied(
                bodiesBefore: try f.timestamp("bodies_before"), logsBefore: try f.timestamp("logs_before"),
                disconnectedBefore: try f.timestamp("disconnected_before"), tombstonesBefore: try f.timestamp("tombstones_before"))
            if let limit = try f.optionalInteger("limit") {
                guard limit >= 0 else { throw Error(field: "limit", message: "must be a sequence number, not \(limit)") }
                let scanned = try f.count("scanned_through")
                applied.limit = UInt64(limit)
                applied.scannedThrough = scanned
            }
            payload = .retentionApplied(applied)
        case .userRegistered:
            let email = try f.nonEmpty("email")
            let accountID = try f.optionalID("account_id")
            let roleName = try f.string("role")
            guard let role = UserRole(name: roleName) else {
                throw Error(field: "role", message: "expected \"owner\" or \"operator\", not \"\(roleName)\"")
            }
            payload = .userRegistered(UserRegistered(
                email: email, accountID: accountID, role: role, passwordHash: try f.nonEmpty("password_hash"),
                actor: try f.nonEmpty("actor"), language: try f.optionalID("language")))
        case .userPasswordChanged:
            payload = .userPasswordChanged(UserPasswordChanged(
                email: try f.nonEmpty("email"), passwordHash: try f.nonEmpty("password_hash"), actor: try f.nonEmpty("actor")))
        case .userRemoved:
            payload = .userRemoved(UserRemoved(email: try f.nonEmpty("email"), actor: try f.nonEmpty("actor")))
        case .authorizationCodeIssued:
            payload = .authorizationCodeIssued(AuthorizationCodeIssued(
                codeDigest: try f.sha256("code_digest"), appID: try f.id("app_id"), redirectURI: try f.nonEmpty("redirect_uri"),
                accountID: try f.id("account_id"), locationID: try f.optionalID("location_id"),
                deviceID: try f.optionalString("device_id"), codeChallenge: try f.optionalString("code_challenge"),
                approvedBy: try f.nonEmpty("approved_by"), expiresAt: try f.timestamp("expires_at"),
                catalogID: try f.optionalID("catalog_id"), customerListID: try f.optionalID("customer_list_id")))
        case .authorizationCodeRedeemed:
            payload = .authorizationCodeRedeemed(AuthorizationCodeRedeemed(codeDigest: try f.sha256("code_digest")))
        case .catalogRegistered:
            payload = .catalogRegistered(ListRegistered(
                id: try f.id("catalog_id"), accountID: try f.id("account_id"), locationID: try f.optionalID("location_id"),
                name: try f.nonEmpty("name")))
        case .customerListRegistered:
            payload = .customerListRegistered(ListRegistered(
                id: try f.id("customer_list_id"), accountID: try f.id("account_id"), locationID: try f.optionalID("location_id"),
                name: try f.nonEmpty("name")))
        case .callbackSet:
            let connection = try f.id("connection_id")
            let url = try f.optionalURL("url")
            var events: [String] = []
            switch f.take("events") {
            case .array(let items)?:
                for item in items {
                    guard case .string(let pair) = item, !pair.isEmpty else { throw Error(field: "events", message: "expected an array of resource.event pairs") }
                    events.append(pair)
                }
            case let other?: throw Error(field: "events", message: "expected an array of resource.event pairs, found \(other.typeName)")
            case nil: throw Error(field: "events", message: "missing")
            }
            payload = .callbackSet(CallbackSet(connectionID: connection, url: url, events: events))
        case .callbackDeleted:
            payload = .callbackDeleted(CallbackDeleted(connectionID: try f.id("connection_id")))
        case .hubEventPublished:
            var e = HubEventPublished(
                eventID: try f.id("event_id"), resourceType: try f.nonEmpty("resource_type"), eventType: try f.nonEmpty("event_type"),
                accountID: try f.id("account_id"), locationID: try f.id("location_id"))
            switch f.take("ids") {
            case nil, .null?: break
            case .object(let members)?:
                for (name, value) in members {
                    guard case .string(let id) = value else { throw Error(field: "ids", message: "\(name) must be a string") }
                    e.ids.append(HubEventID(name, id))
                }
            case let other?: throw Error(field: "ids", message: "expected an object of ids, found \(other.typeName)")
            }
            e.newState = f.compactJSON("new_state")
            e.previousState = f.compactJSON("previous_state")
            e.stateChange = f.compactJSON("state_change")
            e.causedBy = try f.optionalID("caused_by")
            payload = .hubEventPublished(e)
        case .callbackDelivered:
            let connection = try f.id("connection_id")
            let eventID = try f.id("event_id")
            let attempt = try f.integer("attempt")
            guard attempt >= 1, attempt <= Int64(UInt32.max) else {
                throw Error(field: "attempt", message: "must be from 1 to \(UInt32.max), not \(attempt)")
            }
            let url = try f.nonEmpty("url")
            let status = try f.optionalInteger("status")
            if let status, !(100...599).contains(status) {
                throw Error(field: "status", message: "must be an HTTP status from 100 to 599, not \(status)")
            }
            let duration = try f.integer("duration_us")
            let error = try f.optionalString("error")
            let next = try f.optionalString("next_attempt_at").map { text throws(Error) -> Timestamp in
                guard let t = Timestamp(rfc3339: text) else { throw Error(field: "next_attempt_at", message: "not an RFC 3339 time") }
                return t
            }
            payload = .callbackDelivered(CallbackDelivered(
                connectionID: connection, eventID: eventID, attempt: UInt32(attempt), url: url, status: status.map { UInt16($0) },
                durationMicroseconds: duration, error: error, nextAttemptAt: next, answer: try f.optionalString("answer")))
        case .callbackEventAcknowledged:
            payload = .callbackEventAcknowledged(CallbackEventAcknowledged(
                connectionID: try f.id("connection_id"), eventID: try f.id("event_id")))
        case .callbackEventDropped:
            payload = .callbackEventDropped(CallbackEventDropped(
                connectionID: try f.id("connection_id"), eventID: try f.id("event_id"), reason: try f.nonEmpty("reason")))
        case .callbackEventResent:
            payload = .callbackEventResent(CallbackEventResent(
                connectionID: try f.id("connection_id"), eventID: try f.id("event_id"), actor: try f.nonEmpty("actor")))
        case .alertRaised:
            let alertID = try f.id("alert_id")
            let connection = try f.id("connection_id")
            let account = try f.id("account_id")
            let conditionName = try f.string("condition")
            guard let condition = AlertCondition(name: conditionName) else {
                throw Error(field: "condition", message: "expected \"failing\", \"quiet\" or \"degraded\", not \"\(conditionName)\"")
            }
            let reason = try f.nonEmpty("reason")
            let lastError = try f.optionalInteger("last_error_seq")
            if let lastError, lastError < 1 { throw Error(field: "last_error_seq", message: "must be a sequence number from 1") }
            payload = .alertRaised(AlertRaised(
                alertID: alertID, connectionID: connection, accountID: account, condition: condition, reason: reason,
                lastErrorSeq: lastError.map { UInt64($0) }))
        case .alertResolved:
            payload = .alertResolved(AlertResolved(
                alertID: try f.id("alert_id"), connectionID: try f.id("connection_id"), state: try f.nonEmpty("state")))
        case .alertSettingsChanged:
            payload = .alertSettingsChanged(AlertSettingsChanged(
                connectionID: try f.id("connection_id"), muted: try f.bool("muted"), degraded: try f.bool("degraded"),
                actor: try f.nonEmpty("actor")))
        case .alertNotified:
            let alertID = try f.id("alert_id")
            let connection = try f.id("connection_id")
            let phaseName = try f.string("phase")
            guard let phase = AlertPhase(name: phaseName) else {
                throw Error(field: "phase", message: "expected \"raised\" or \"resolved\", not \"\(phaseName)\"")
            }
            let channelName = try f.string("channel")
            guard let channel = AlertChannel(name: channelName) else {
                throw Error(field: "channel", message: "expected \"email\" or \"webhook\", not \"\(channelName)\"")
            }
            let address = try f.nonEmpty("address")
            let attempt = try f.integer("attempt")
            guard attempt >= 1, attempt <= Int64(UInt32.max) else {
                throw Error(field: "attempt", message: "must be from 1 to \(UInt32.max), not \(attempt)")
            }
            let delivered = try f.bool("delivered")
            let error = try f.optionalString("error")
            let next = try f.optionalString("next_attempt_at").map { text throws(Error) -> Timestamp in
                guard let t = Timestamp(rfc3339: text) else { throw Error(field: "next_attempt_at", message: "not an RFC 3339 time") }
                return t
            }
            payload = .alertNotified(AlertNotified(
                alertID: alertID, connectionID: connection, phase: phase, channel: channel, address: address,
                attempt: UInt32(attempt), delivered: delivered, error: error, nextAttemptAt: next))
        }
        try f.refuseLeftovers()
        return Event(time: time, payload)
    }

    /// The members of one object, taken one by one so leftovers can be refused.
    private struct Fields {
        private var members: [(key: String, value: JSONValue)]
        /// Stands in for a member that was given twice (no JSON key can hold a NUL here).
        private static let repeatedMarker = "\u{0}repeated"

        init(_ members: [(key: String, value: JSONValue)]) {
            self.members = members
        }

        mutating func take(_ key: String) -> JSONValue? {
            guard let k = members.firstIndex(where: { $0.key == key }) else { return nil }
            let value = members[k].value
            members.remove(at: k)
            if members.contains(where: { $0.key == key }) { members.append((key: Fields.repeatedMarker, value: .string(key))) }
            return value
        }

        func refuseLeftovers() throws(Error) {
            if let repeated = members.first(where: { $0.key == Fields.repeatedMarker }), case .string(let name) = repeated.value {
                throw Error(field: name, message: "member given more than once")
            }
            if let first = members.first { throw Error(field: first.key, message: "unknown member") }
        }

        mutating func optionalString(_ key: String) throws(Error) -> String? {
            switch take(key) {
            case nil, .null?: return nil
            case .string(let s)?: return s
            case let other?: throw Error(field: key, message: "expected a string, found \(other.typeName)")
            }
        }

        mutating func string(_ key: String) throws(Error) -> String {
            guard let s = try optionalString(key) else { throw Error(field: key, message: "missing") }
            return s
        }

        /// A JSON value as compact text (nil when absent or null).
        mutating func compactJSON(_ key: String) -> String? {
            guard let value = take(key), value != .null else { return nil }
            var out: [UInt8] = []
            JSONWriter.appendValue(value, to: &out)
            return String(decoding: out, as: UTF8.self)
        }

        /// A SHA-256 digest as 64 hex digits.
        mutating func sha256(_ key: String) throws(Error) -> [UInt8] {
            let text = try string(key)
            guard let digest = HexText.decode(text), digest.count == 32 else {
                throw Error(field: key, message: "must be a SHA-256 as 64 hex digits")
            }
            return digest
        }

        mutating func nonEmpty(_ key: String) throws(Error) -> String {
            let s = try string(key)
            guard !s.isEmpty else { throw Error(field: key, message: "must not be empty") }
            return s
        }

        mutating func id(_ key: String) throws(Error) -> String {
            let s = try string(key)
            guard Identifier.isValid(s) else {
                throw Error(field: key, message: "\"\(s)\" is not an id (1 to 64 letters, digits, '-' or '_')")
            }
            return s
        }

        mutating func optionalID(_ key: String) throws(Error) -> String? {
            guard let s = try optionalString(key) else { return nil }
            guard Identifier.isValid(s) else {
                throw Error(field: key, message: "\"\(s)\" is not an id (1 to 64 letters, digits, '-' or '_')")
            }
            return s
        }

        mutating func optionalDeviceID(_ key: String) throws(Error) -> String? {
            guard let s = try optionalString(key) else { return nil }
            guard Identifier.isValidDeviceID(s) else {
                throw Error(field: key, message: "\"\(s)\" is not a device id (letters, digits and _ - . ( ) [ ] { })")
            }
            return s
        }

        /// A zone's name; whether it is one the hub takes is the domain's rule.
        mutating func timeZone(_ key: String) throws(Error) -> String {
            try nonEmpty(key)
        }

        mutating func scope(_ key: String) throws(Error) -> String {
            let s = try string(key)
            do {
                return try Scope(parsing: s).description
            } catch {
                throw Error(field: key, message: error.description)
            }
        }

        /// A URL's text; whether an app can be reached there is the domain's rule.
        mutating func optionalURL(_ key: String) throws(Error) -> String? {
            guard let s = try optionalString(key) else { return nil }
            guard !s.isEmpty else { throw Error(field: key, message: "must not be empty") }
            return s
        }

        mutating func timestamp(_ key: String) throws(Error) -> Timestamp {
            let s = try string(key)
            guard let t = Timestamp(rfc3339: s) else {
                throw Error(field: key, message: "\"\(s)\" is not an RFC 3339 time (2026-11-29T09:14:03Z)")
            }
            return t
        }

        mutating func optionalInteger(_ key: String) throws(Error) -> Int64? {
            switch take(key) {
            case nil, .null?: return nil
            case .integer(let i)?: return i
            case let other?: throw Error(field: key, message: "expected an integer, found \(other.typeName)")
            }
        }

        /// A count or size: an integer from 0 to `max`, never clamped into range.
        mutating func count(_ key: String, optional: Bool = false, max: Int64 = .max) throws(Error) -> UInt64 {
            guard let i = try optionalInteger(key) else {
                if optional { return 0 }
                throw Error(field: key, message: "missing")
            }
            guard i >= 0, i <= max else { throw Error(field: key, message: "must be from 0 to \(max), not \(i)") }
            return UInt64(i)
        }

        mutating func bool(_ key: String) throws(Error) -> Bool {
            switch take(key) {
            case .bool(let b)?: return b
            case nil: throw Error(field: key, message: "missing")
            case let other?: throw Error(field: key, message: "expected true or false, found \(other.typeName)")
            }
        }

        mutating func integer(_ key: String) throws(Error) -> Int64 {
            guard let i = try optionalInteger(key) else { throw Error(field: key, message: "missing") }
            return i
        }

        mutating func headers(_ key: String) throws(Error) -> [Header] {
            switch take(key) {
            case nil, .null?: return []
            case .object(let members)?:
                var headers: [Header] = []
                for m in members {
                    guard case .string(let v) = m.value else {
                        throw Error(field: key, message: "header \"\(m.key)\" must be a string")
                    }
                    headers.append(Header(m.key, v))
                }
                return headers
            case .array(let items)?:
                var headers: [Header] = []
                for item in items {
                    guard case .array(let pair) = item, pair.count == 2,
                          case .string(let name) = pair[0], case .string(let v) = pair[1]
                    else { throw Error(field: key, message: "each header must be a [name, value] pair of strings") }
                    headers.append(Header(name, v))
                }
                return headers
            case let other?:
                throw Error(field: key, message: "expected an object or an array of pairs, found \(other.typeName)")
            }
        }

        mutating func body(_ key: String) throws(Error) -> [UInt8] {
            let text = try optionalString(key)
            let encoded = try optionalString(key + "_base64")
            switch (text, encoded) {
            case (let t?, nil): return Array(t.utf8)
            case (nil, let b?):
                guard let data = Data(base64Encoded: b) else {
                    throw Error(field: key + "_base64", message: "not valid base64")
                }
                return [UInt8](data)
            case (nil, nil): return []
            case (_?, _?): throw Error(field: key, message: "give \(key) or \(key)_base64, not both")
            }
        }
    }
}

