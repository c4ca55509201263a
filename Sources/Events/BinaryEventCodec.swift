/// The journal's binary form of an event, format version 1.
///
/// ```
/// u8       format version (1)
/// uvarint  kind
/// i64 LE   time, microseconds since the Unix epoch
/// ...      the kind's fields, in declaration order
/// ```
/// Fields: `uvarint` is unsigned LEB128; `string` is a uvarint byte length and UTF-8;
/// `bytes` a uvarint length and raw bytes; `optional<T>` a byte 0 (absent) or 1 then T;
/// `headers` a uvarint count of (string name, string value). `docs/journal-format.md`
/// gives the fields of each kind.
public enum BinaryEventCodec {
    public static let formatVersion: UInt8 = 1

    /// Encodes `event` at the end of `out`, without intermediate buffers; refuses, writing
    /// nothing, what the decoder would refuse to read back (``checkRanges(_:)``).
    public static func encode(_ event: Event, into out: inout [UInt8]) throws(EventEncodingError) {
        try checkRanges(event)
        out.append(formatVersion)
        out.appendVarint(UInt64(event.kindNumber))
        out.appendInt64LE(event.time.microseconds)
        switch event.payload {
        case .accountRegistered(let e):
            out.appendString(e.accountID)
            out.appendString(e.name)
            out.appendString(e.timeZone)
        case .locationRegistered(let e):
            out.appendString(e.locationID)
            out.appendString(e.accountID)
            out.appendString(e.name)
            out.appendString(e.timeZone)
        case .appRegistered(let e):
            out.appendString(e.appID)
            out.appendString(e.name)
            out.append(e.level.rawValue)
            out.appendString(e.scope)
            out.appendOptionalString(e.openURL)
            out.appendOptionalString(e.disconnectCallbackURL)
            // Field 7, added by a minor revision: written only when there is one, so records
            // without redirect URIs keep their bytes.
            if !e.redirectURIs.isEmpty || e.isPublic || e.installURL != nil {
                out.appendVarint(UInt64(e.redirectURIs.count))
                for uri in e.redirectURIs { out.appendString(uri) }
            }
            // Field 8, a later minor revision: written only for a public client (or before field 9).
            if e.isPublic || e.installURL != nil { out.append(e.isPublic ? 1 : 0) }
            // Field 9, a later one still: the install URL, written only when there is one.
            if let url = e.installURL { out.appendString(url) }
        case .connectionCreated(let e):
            out.appendString(e.connectionID)
            out.appendString(e.appID)
            out.appendString(e.accountID)
            out.appendOptionalString(e.locationID)
            out.appendOptionalString(e.deviceID)
            out.appendString(e.scope)
            out.appendOptionalString(e.customerListID)
            out.appendOptionalString(e.catalogID)
            out.appendBytes(e.tokenDigest)
            out.appendString(e.tokenHint)
        case .connectionReconnected(let e):
            out.appendString(e.connectionID)
            out.appendOptionalString(e.customerListID)
            out.appendOptionalString(e.catalogID)
        case .connectionBlocked(let e), .connectionUnblocked(let e), .connectionDisconnected(let e):
            out.appendString(e.connectionID)
            out.appendString(e.actor)
            out.appendOptionalString(e.reason)
        case .requestLogged(let e):
            out.reserveCapacity(out.count + 64 + e.url.utf8.count + e.requestBody.count + e.responseBody.count)
            RequestRecord.append(e, expired: false, to: &out)
        case .callbackAttempted(let e):
            out.appendString(e.connectionID)
            out.appendString(e.deliveryID)
            out.appendVarint(UInt64(e.attempt))
            out.appendString(e.url)
            if let status = e.status {
                out.append(1)
                out.appendUInt16LE(status)
            } else {
                out.append(0)
            }
            out.appendOptionalString(e.error)
            out.appendOptionalTimestamp(e.nextAttemptAt)
        case .callbackResendRequested(let e):
            out.appendString(e.connectionID)
            out.appendString(e.deliveryID)
            out.appendString(e.actor)
        case .requestBodiesExpired(let e):
            RequestRecord.append(e, expired: true, to: &out)
        case .requestsRolledUp(let e):
            out.appendString(e.connectionID)
            out.appendInt64LE(e.day)
            out.appendVarint(e.total)
            for i in 0..<5 { out.appendVarint(i < e.byClass.count ? e.byClass[i] : 0) }
            out.appendInt64LE(e.firstTime.microseconds)
            out.appendInt64LE(e.lastTime.microseconds)
        case .connectionTombstoned(let e):
            out.appendString(e.connectionID)
            out.appendString(e.appID)
            out.appendString(e.accountID)
            out.appendOptionalString(e.locationID)
            out.appendInt64LE(e.disconnectedAt.microseconds)
            out.appendVarint(e.requestCount)
        case .retentionApplied(let e):
            for t in [e.bodiesBefore, e.logsBefore, e.disconnectedBefore, e.tombstonesBefore] { out.appendInt64LE(t.microseconds) }
            if let limit = e.limit, let scanned = e.scannedThrough {
                out.appendVarint(limit)
                out.appendVarint(scanned)
            }
        case .userRegistered(let e):
            out.appendString(e.email)
            out.appendOptionalString(e.accountID)
            out.append(e.role.rawValue)
            out.appendString(e.passwordHash)
            out.appendString(e.actor)
            // Field 6, later than the others: written only when set, so older records read as before.
            if let language = e.language { out.appendString(language) }
        case .userPasswordChanged(let e):
            out.appendString(e.email)
            out.appendString(e.passwordHash)
            out.appendString(e.actor)
        case .userRemoved(let e):
            out.appendString(e.email)
            out.appendString(e.actor)
        case .authorizationCodeIssued(let e):
            out.appendBytes(e.codeDigest)
            out.appendString(e.appID)
            out.appendString(e.redirectURI)
            out.appendString(e.accountID)
            out.appendOptionalString(e.locationID)
            out.appendOptionalString(e.deviceID)
            out.appendOptionalString(e.codeChallenge)
            out.appendString(e.approvedBy)
            out.appendInt64LE(e.expiresAt.microseconds)
            // Fields 10 and 11, a minor revision: written only when either is set.
            if e.catalogID != nil || e.customerListID != nil {
                out.appendOptionalString(e.catalogID)
                out.appendOptionalString(e.customerListID)
            }
        case .authorizationCodeRedeemed(let e):
            out.appendBytes(e.codeDigest)
        case .catalogRegistered(let e), .customerListRegistered(let e):
            out.appendString(e.id)
            out.appendString(e.accountID)
            out.appendOptionalString(e.locationID)
            out.appendString(e.name)
        case .callbackSet(let e):
            out.appendString(e.connectionID)
            out.appendOptionalString(e.url)
            out.appendVarint(UInt64(e.events.count))
            for pair in e.events { out.appendString(pair) }
        case .callbackDeleted(let e):
            out.appendString(e.connectionID)
        case .hubEventPublished(let e):
            out.appendString(e.eventID)
            out.appendString(e.resourceType)
            out.appendString(e.eventType)
            out.appendString(e.accountID)
            out.appendString(e.locationID)
            out.appendVarint(UInt64(e.ids.count))
            for id in e.ids {
                out.appendString(id.name)
                out.appendString(id.value)
            }
            out.appendOptionalString(e.newState)
            out.appendOptionalString(e.previousState)
            out.appendOptionalString(e.stateChange)
            out.appendOptionalString(e.causedBy)
        case .callbackDelivered(let e):
            out.appendString(e.connectionID)
            out.appendString(e.eventID)
            out.appendVarint(UInt64(e.attempt))
            out.appendString(e.url)
            if let status = e.status {
                out.append(1)
                out.appendUInt16LE(status)
            } else {
                out.append(0)
            }
            out.appendInt64LE(e.durationMicroseconds)
            out.appendOptionalString(e.error)
            out.appendOptionalTimestamp(e.nextAttemptAt)
            out.appendOptionalString(e.answer)
        case .callbackEventAcknowledged(let e):
            out.appendString(e.connectionID)
            out.appendString(e.eventID)
        case .callbackEventDropped(let e):
            out.appendString(e.connectionID)
            out.appendString(e.eventID)
            out.appendString(e.reason)
        case .callbackEventResent(let e):
            out.appendString(e.connectionID)
            out.appendString(e.eventID)
            out.appendString(e.actor)
        case .alertRaised(let e):
            out.appendString(e.alertID)
            out.appendString(e.connectionID)
            out.appendString(e.accountID)
            out.append(e.condition.rawValue)
            out.appendString(e.reason)
            if let seq = e.lastErrorSeq {
                out.append(1)
                out.appendVarint(seq)
            } else {
                out.append(0)
            }
        case .alertResolved(let e):
            out.appendString(e.alertID)
            out.appendString(e.connectionID)
            out.appendString(e.state)
        case .alertSettingsChanged(let e):
            out.appendString(e.connectionID)
            out.append(e.muted ? 1 : 0)
            out.append(e.degraded ? 1 : 0)
            out.appendString(e.actor)
        case .alertNotified(let e):
            out.appendString(e.alertID)
            out.appendString(e.connectionID)
            out.append(e.phase.rawValue)
            out.append(e.channel.rawValue)
            out.appendString(e.address)
            out.appendVarint(UInt64(e.attempt))
            out.append(e.delivered ? 1 : 0)
            out.appendOptionalString(e.error)
            out.appendOptionalTimestamp(e.nextAttemptAt)
        case .unknown(_, let payload):
            out.append(contentsOf: payload)
        }
    }

    /// The encoded bytes of `event`.
    public static func encode(_ event: Event) throws(EventEncodingError) -> [UInt8] {
        var out = [UInt8]()
        try encode(event, into: &out)
        return out
    }

    /// The kind number and time of an encoded event, read without decoding its fields.
    public static func header(of bytes: UnsafeRawBufferPointer) throws(EventDecodingError) -> (kind: UInt32, time: Timestamp) {
        var reader = ByteReader(bytes)
        return try readHeader(&reader)
    }

    static func readHeader(_ reader: inout ByteReader) throws(EventDecodingError) -> (kind: UInt32, time: Timestamp) {
        let version = try reader.readByte()
        guard version == formatVersion else { throw .unsupportedVersion(version) }
        let kindOffset = reader.offset
        let kind = try reader.readVarint()
        guard kind <= UInt64(UInt32.max) else { throw .invalidValue("event kind", at: kindOffset) }
        // A kind this build does not know is skipped whatever its header holds (the
        // format's rule for readers): its time is range-checked only for known kinds.
        guard Event.Kind(rawValue: UInt32(kind)) != nil else {
            return (UInt32(kind), Timestamp(microseconds: try reader.readInt64LE()))
        }
        return (UInt32(kind), try reader.readTimestamp())
    }

    /// Whether decoding copies request and response bodies.
    public enum Bodies: Sendable {
        case decode
        /// Leave the bodies out (their lengths are kept): for readers that rewrite requests
        /// without them, and copy nothing of them.
        case skip
        /// Leave out the bodies (lengths kept) and the headers of requests: for readers that
        /// only count or index them (the projectors).
        case summary
        /// Of a request, only its connection id, method, status and duration: the request id,
        /// resource and URL are left empty, no header is read and the body lengths are
        /// unknown (zero). For readers that only count requests per connection, which then
        /// skip most of each record.
        case counting
    }

    /// Decodes one event. Fields added after the known ones by a later minor revision are
    /// ignored; a record that ends early throws.
    public static func decode(_ bytes: UnsafeRawBufferPointer, bodies: Bodies = .decode) throws(EventDecodingError) -> Event {
        var r = ByteReader(bytes)
        let (kindNumber, time) = try readHeader(&r)
        guard let kind = Event.Kind(rawValue: kindNumber) else {
            return Event(time: time, .unknown(kind: kindNumber, payload: r.remaining()))
        }
        let payload: Event.Payload
        switch kind {
        case .accountRegistered:
            payload = .accountRegistered(AccountRegistered(
                accountID: try r.readString(), name: try r.readString(), timeZone: try r.readString()))
        case .locationRegistered:
            payload = .locationRegistered(LocationRegistered(
                locationID: try r.readString(), accountID: try r.readString(),
                name: try r.readString(), timeZone: try r.readString()))
        case .appRegistered:
            let appID = try r.readString()
            let name = try r.readString()
            let levelOffset = r.offset
            guard let level = ConnectionLevel(rawValue: try r.readByte()) else {
                throw .invalidValue("connection level", at: levelOffset)
            }
            var app = AppRegistered(
                appID: appID, name: name, level: level, scope: try r.readString(),
                openURL: try r.readOptionalString(), disconnectCallbackURL: try r.readOptionalString())
            if !r.isAtEnd {
                let count = try r.readVarint()
                guard count <= UInt64(r.bytesLeft) else { throw .truncated(at: r.offset) }
                for _ in 0..<count { app.redirectURIs.append(try r.readString()) }
            }
            if !r.isAtEnd {
                let flagOffset = r.offset
                switch try r.readByte() {
                case 0: app.isPublic = false
                case 1: app.isPublic = true
                default: throw .invalidValue("public flag", at: flagOffset)
                }
            }
            if !r.isAtEnd { app.installURL = try r.readString() }
            payload = .appRegistered(app)
        case .connectionCreated:
            payload = .connectionCreated(ConnectionCreated(
                connectionID: try r.readString(), appID: try r.readString(), accountID: try r.readString(),
                locationID: try r.readOptionalString(), deviceID: try r.readOptionalString(),
                scope: try r.readString(), customerListID: try r.readOptionalString(),
                catalogID: try r.readOptionalString(), tokenDigest: try r.readBytes(), tokenHint: try r.readString()))
        case .connectionReconnected:
            payload = .connectionReconnected(ConnectionReconnected(
                connectionID: try r.readString(), customerListID: try r.readOptionalString(),
                catalogID: try r.readOptionalString()))
        case .connectionBlocked, .connectionUnblocked, .connectionDisconnected:
            let change = ConnectionStatusChanged(
                connectionID: try r.readString(), actor: try r.readString(), reason: try r.readOptionalString())
            payload = kind == .connectionBlocked ? .connectionBlocked(change)
                : kind == .connectionUnblocked ? .connectionUnblocked(change) : .connectionDisconnected(change)
        case .requestLogged, .requestBodiesExpired:
            let request = try readRequest(&r, expired: kind == .requestBodiesExpired, bodies: bodies)
            payload = kind == .requestLogged ? .requestLogged(request) : .requestBodiesExpired(request)
        case .callbackAttempted:
            let connectionID = try r.readString()
            let deliveryID = try r.readString()
            let attemptOffset = r.offset
            let attempt = try r.readVarint()
            guard attempt <= UInt64(UInt32.max) else { throw .invalidValue("attempt number", at: attemptOffset) }
            let url = try r.readString()
            let status: UInt16? = try r.readPresence() ? try r.readUInt16LE() : nil
            let error = try r.readOptionalString()
            let next: Timestamp? = try r.readPresence() ? try r.readTimestamp() : nil
            payload = .callbackAttempted(CallbackAttempted(
                connectionID: connectionID, deliveryID: deliveryID, attempt: UInt32(attempt), url: url, status: status,
                error: error, nextAttemptAt: next))
        case .callbackResendRequested:
            payload = .callbackResendRequested(CallbackResendRequested(
                connectionID: try r.readString(), deliveryID: try r.readString(), actor: try r.readString()))
        case .requestsRolledUp:
            let connectionID = try r.readString()
            let dayOffset = r.offset
            let day = try r.readInt64LE()
            guard Timestamp.isWithinTextRange(day: day) else {
                throw .invalidValue("day outside the years 0001-9999", at: dayOffset)
            }
            let total = try r.readVarint()
            var byClass: [UInt64] = []
            for _ in 0..<5 { byClass.append(try r.readVarint()) }
            payload = .requestsRolledUp(RequestsRolledUp(
                connectionID: connectionID, day: day, total: total, byClass: byClass,
                firstTime: try r.readTimestamp(), lastTime: try r.readTimestamp()))
        case .connectionTombstoned:
            payload = .connectionTombstoned(ConnectionTombstoned(
                connectionID: try r.readString(), appID: try r.readString(), accountID: try r.readString(),
                locationID: try r.readOptionalString(), disconnectedAt: try r.readTimestamp(),
                requestCount: try r.readVarint()))
        case .retentionApplied:
            var applied = RetentionApplied(
                bodiesBefore: try r.readTimestamp(), logsBefore: try r.readTimestamp(),
                disconnectedBefore: try r.readTimestamp(),
                tombstonesBefore: try r.readTimestamp())
            if !r.isAtEnd {
                applied.limit = try r.readVarint()
                applied.scannedThrough = try r.readVarint()
            }
            payload = .retentionApplied(applied)
        case .userRegistered:
            let email = try r.readString()
            let accountID = try r.readOptionalString()
            let roleOffset = r.offset
            guard let role = UserRole(rawValue: try r.readByte()) else { throw .invalidValue("user role", at: roleOffset) }
            var user = UserRegistered(
                email: email, accountID: accountID, role: role, passwordHash: try r.readString(), actor: try r.readString())
            if !r.isAtEnd { user.language = try r.readString() }
            payload = .userRegistered(user)
        case .userPasswordChanged:
            payload = .userPasswordChanged(UserPasswordChanged(
                email: try r.readString(), passwordHash: try r.readString(), actor: try r.readString()))
        case .userRemoved:
            payload = .userRemoved(UserRemoved(email: try r.readString(), actor: try r.readString()))
        case .authorizationCodeIssued:
            var grant = AuthorizationCodeIssued(
                codeDigest: try r.readBytes(), appID: try r.readString(), redirectURI: try r.readString(),
                accountID: try r.readString(), locationID: try r.readOptionalString(), deviceID: try r.readOptionalString(),
                codeChallenge: try r.readOptionalString(), approvedBy: try r.readString(), expiresAt: try r.readTimestamp())
            if !r.isAtEnd {
                grant.catalogID = try r.readOptionalString()
                grant.customerListID = try r.readOptionalString()
            }
            payload = .authorizationCodeIssued(grant)
        case .authorizationCodeRedeemed:
            payload = .authorizationCodeRedeemed(AuthorizationCodeRedeemed(codeDigest: try r.readBytes()))
        case .catalogRegistered, .customerListRegistered:
            let list = ListRegistered(
                id: try r.readString(), accountID: try r.readString(), locationID: try r.readOptionalString(), name: try r.readString())
            payload = kind == .catalogRegistered ? .catalogRegistered(list) : .customerListRegistered(list)
        case .callbackSet:
            let connection = try r.readString()
            let url = try r.readOptionalString()
            let count = try r.readVarint()
            guard count <= UInt64(r.bytesLeft) else { throw .truncated(at: r.offset) }
            var events: [String] = []
            for _ in 0..<count { events.append(try r.readString()) }
            payload = .callbackSet(CallbackSet(connectionID: connection, url: url, events: events))
        case .callbackDeleted:
            payload = .callbackDeleted(CallbackDeleted(connectionID: try r.readString()))
        case .hubEventPublished:
            var e = HubEventPublished(
                eventID: try r.readString(), resourceType: try r.readString(), eventType: try r.readString(),
                accountID: try r.readString(), locationID: try r.readString())
            let count = try r.readVarint()
            guard count <= UInt64(r.bytesLeft) else { throw .truncated(at: r.offset) }
            for _ in 0..<count { e.ids.append(HubEventID(try r.readString(), try r.readString())) }
            e.newState = try r.readOptionalString()
            e.previousState = try r.readOptionalString()
            e.stateChange = try r.readOptionalString()
            e.causedBy = try r.readOptionalString()
            payload = .hubEventPublished(e)
        case .callbackDelivered:
            let connection = try r.readString()
            let eventID = try r.readString()
            let attempt = try r.readVarint()
            guard attempt <= UInt64(UInt32.max) else { throw .invalidValue("attempt", at: r.offset) }
            let url = try r.readString()
            let status: UInt16? = try r.readPresence() ? try r.readUInt16LE() : nil
            let duration = try r.readInt64LE()
            let error = try r.readOptionalString()
            let next: Timestamp? = try r.readPresence() ? try r.readTimestamp() : nil
            payload = .callbackDelivered(CallbackDelivered(
                connectionID: connection, eventID: eventID, attempt: UInt32(attempt), url: url, status: status,
                durationMicroseconds: duration, error: error, nextAttemptAt: next, answer: try r.readOptionalString()))
        case .callbackEventAcknowledged:
            payload = .callbackEventAcknowledged(CallbackEventAcknowledged(connectionID: try r.readString(), eventID: try r.readString()))
        case .callbackEventDropped:
            payload = .callbackEventDropped(CallbackEventDropped(
                connectionID: try r.readString(), eventID: try r.readString(), reason: try r.readString()))
        case .callbackEventResent:
            payload = .callbackEventResent(CallbackEventResent(
                connectionID: try r.readString(), eventID: try r.readString(), actor: try r.readString()))
        case .alertRaised:
            let alertID = try r.readString()
            let connection = try r.readString()
            let account = try r.readString()
            let conditionOffset = r.offset
            guard let condition = AlertCondition(rawValue: try r.readByte()) else { throw .invalidValue("alert condition", at: conditionOffset) }
            let reason = try r.readString()
            let lastError: UInt64? = try r.readPresence() ? try r.readVarint() : nil
            payload = .alertRaised(AlertRaised(
                alertID: alertID, connectionID: connection, accountID: account, condition: condition, reason: reason, lastErrorSeq: lastError))
        case .alertResolved:
            payload = .alertResolved(AlertResolved(alertID: try r.readString(), connectionID: try r.readString(), state: try r.readString()))
        case .alertSettingsChanged:
            payload = .alertSettingsChanged(AlertSettingsChanged(
                connectionID: try r.readString(), muted: try r.readPresence(), degraded: try r.readPresence(), actor: try r.readString()))
        case .alertNotified:
            let alertID = try r.readString()
            let connection = try r.readString()
            let phaseOffset = r.offset
            guard let phase = AlertPhase(rawValue: try r.readByte()) else { throw .invalidValue("alert phase", at: phaseOffset) }
            let channelOffset = r.offset
            guard let channel = AlertChannel(rawValue: try r.readByte()) else { throw .invalidValue("alert channel", at: channelOffset) }
            let address = try r.readString()
            let attempt = try r.readVarint()
            guard attempt >= 1, attempt <= UInt64(UInt32.max) else { throw .invalidValue("attempt", at: r.offset) }
            let delivered = try r.readPresence()
            let error = try r.readOptionalString()
            let next: Timestamp? = try r.readPresence() ? try r.readTimestamp() : nil
            payload = .alertNotified(AlertNotified(
                alertID: alertID, connectionID: connection, phase: phase, channel: channel, address: address, attempt: UInt32(attempt),
                delivered: delivered, error: error, nextAttemptAt: next))
        }
        return Event(time: time, payload)
    }

    /// Reads fields 1–11 of a request record (``RequestRecord``) as `bodies` says.
    private static func readRequest(_ r: inout ByteReader, expired: Bool, bodies: Bodies) throws(EventDecodingError) -> RequestLogged {
        var request = try RequestRecord.readHead(&r, counting: bodies == .counting).request
        guard bodies != .counting else {
            request.skippedBodyLengths = .init(request: 0, response: 0)
            return request
        }
        // An expired request's headers are read whatever `bodies` says.
        let tail = try RequestRecord.readTail(
            &r, expired: expired, headers: bodies == .summary && !expired ? .skipped : .strings, copyingBodies: bodies == .decode)
        request.requestHeaders = tail.requestHeaders
        request.responseHeaders = tail.responseHeaders
        request.requestBody = tail.requestBody
        request.responseBody = tail.responseBody
        request.skippedBodyLengths = tail.lengths
        request.errorSummary = tail.errorSummary
        return request
    }

    /// Decodes one event from an array of bytes.
    public static func decode(_ bytes: [UInt8]) throws(EventDecodingError) -> Event {
        try bytes.withUnsafeBytes { raw in Result { () throws(EventDecodingError) in try decode(raw) } }.get()
    }
}

/// The primitives of the binary format, public so other stores (projections) can use
/// the same compact encoding for their own records.
extension [UInt8] {
    @inline(__always)
    public mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    @inline(__always)
    public mutating func appendInt64LE(_ value: Int64) {
        let v = UInt64(bitPattern: value)
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    @inline(__always)
    public mutating func appendUInt16LE(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    @inline(__always)
    public mutating func appendString(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            append(contentsOf: utf8)
        }
    }

    /// A presence byte, then the time's microseconds when present.
    @inline(__always)
    public mutating func appendOptionalTimestamp(_ t: Timestamp?) {
        if let t {
            append(1)
            appendInt64LE(t.microseconds)
        } else {
            append(0)
        }
    }

    @inline(__always)
    public mutating func appendOptionalString(_ s: String?) {
        if let s {
            append(1)
            appendString(s)
        } else {
            append(0)
        }
    }

    @inline(__always)
    public mutating func appendBytes(_ bytes: [UInt8]) {
        appendVarint(UInt64(bytes.count))
        append(contentsOf: bytes)
    }

    /// A `string` or `bytes` field from bytes in hand.
    @inline(__always)
    public mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        appendVarint(UInt64(bytes.count))
        append(contentsOf: bytes)
    }

    /// An `optional<string>` or `optional<bytes>` field from bytes in hand.
    @inline(__always)
    public mutating func appendOptionalBytes(_ bytes: UnsafeBufferPointer<UInt8>?) {
        if let bytes {
            append(1)
            appendBytes(bytes)
        } else {
            append(0)
        }
    }

    public mutating func appendHeaders(_ headers: [Header]) {
        appendVarint(UInt64(headers.count))
        for h in headers {
            appendString(h.name)
            appendString(h.value)
        }
    }
}

/// Reads binary fields in place, checking every length against the end.
public struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    public private(set) var offset = 0

    public var bytesLeft: Int { bytes.count - offset }

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inline(__always)
    public mutating func readByte() throws(EventDecodingError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    public mutating func readVarint() throws(EventDecodingError) -> UInt64 {
        // Most varints are lengths under 128: one byte, no loop.
        if offset < bytes.count, bytes[offset] < 0x80 {
            defer { offset += 1 }
            return UInt64(bytes[offset])
        }
        return try readLongVarint()
    }

    private mutating func readLongVarint() throws(EventDecodingError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64, shift != 63 || byte <= 1 else { throw .varintTooLong(at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    public mutating func readInt64LE() throws(EventDecodingError) -> Int64 {
        guard bytes.count - offset >= 8 else { throw .truncated(at: bytes.count) }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += 8
        return Int64(bitPattern: v)
    }

    /// A time, refused outside the years 0001–9999 that the text form can write.
    public mutating func readTimestamp() throws(EventDecodingError) -> Timestamp {
        let start = offset
        let time = Timestamp(microseconds: try readInt64LE())
        guard time.isWithinTextRange else { throw .invalidValue("time outside the years 0001-9999", at: start) }
        return time
    }

    public mutating func readUInt16LE() throws(EventDecodingError) -> UInt16 {
        guard bytes.count - offset >= 2 else { throw .truncated(at: bytes.count) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func readSlice() throws(EventDecodingError) -> UnsafeRawBufferPointer {
        let lengthOffset = offset
        let length = try readVarint()
        guard length <= UInt64(bytes.count - offset) else { throw .truncated(at: lengthOffset) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
        offset += Int(length)
        return slice
    }

    public mutating func readString() throws(EventDecodingError) -> String {
        let start = offset
        let slice = try readSlice()
        guard let s = String(validatingUTF8Bytes: slice.assumingMemoryBound(to: UInt8.self)) else {
            throw .invalidUTF8(at: start)
        }
        return s
    }

    /// The presence byte of an optional field: 0 absent, 1 present.
    public mutating func readPresence() throws(EventDecodingError) -> Bool {
        let flagOffset = offset
        switch try readByte() {
        case 0: return false
        case 1: return true
        default: throw .invalidValue("optional flag", at: flagOffset)
        }
    }

    public mutating func readOptionalString() throws(EventDecodingError) -> String? {
        let flagOffset = offset
        switch try readByte() {
        case 0: return nil
        case 1: return try readString()
        default: throw .invalidValue("optional flag", at: flagOffset)
        }
    }

    public mutating func readBytes() throws(EventDecodingError) -> [UInt8] {
        [UInt8](try readSlice())
    }

    /// Steps over a `bytes` field, returning its length.
    public mutating func skipBytes() throws(EventDecodingError) -> Int {
        try readSlice().count
    }

    /// Steps over a header list without making strings; returns an empty list.
    public mutating func skipHeaders() throws(EventDecodingError) -> [Header] {
        let countOffset = offset
        let count = try readVarint()
        guard count <= UInt64(bytes.count - offset) / 2 else { throw .truncated(at: countOffset) }
        for _ in 0..<count {
            _ = try readSlice()
            _ = try readSlice()
        }
        return []
    }

    public mutating func readHeaders() throws(EventDecodingError) -> [Header] {
        let countOffset = offset
        let count = try readVarint()
        // Each header takes at least two bytes: a bound that stops huge counts early.
        guard count <= UInt64(bytes.count - offset) / 2 else { throw .truncated(at: countOffset) }
        var headers: [Header] = []
        headers.reserveCapacity(Int(count))
        for _ in 0..<count {
            headers.append(Header(try readString(), try readString()))
        }
        return headers
    }

    public var isAtEnd: Bool { offset >= bytes.count }

    public func remaining() -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(rebasing: bytes[offset...]))
    }
}

extension BinaryEventCodec {
    /// The fields of a `requestLogged` event as bytes, for a writer that reads them from
    /// text and never builds a ``RequestLogged`` (the ingestion path). Strings must be
    /// valid UTF-8.
    public struct RequestLoggedBytes {
        public var time: Timestamp
        public var connectionID: UnsafeBufferPointer<UInt8>
        public var requestID: UnsafeBufferPointer<UInt8>?
        public var method: HTTPMethod
        public var resource: UnsafeBufferPointer<UInt8>
        public var url: UnsafeBufferPointer<UInt8>
        public var status: UInt16
        public var durationMicroseconds: UInt64
        public var requestBody: UnsafeBufferPointer<UInt8>
        public var responseBody: UnsafeBufferPointer<UInt8>

        public init(
            time: Timestamp, connectionID: UnsafeBufferPointer<UInt8>, requestID: UnsafeBufferPointer<UInt8>?,
            method: HTTPMethod, resource: UnsafeBufferPointer<UInt8>, url: UnsafeBufferPointer<UInt8>, status: UInt16,
            durationMicroseconds: UInt64, requestBody: UnsafeBufferPointer<UInt8>, responseBody: UnsafeBufferPointer<UInt8>
        ) {
            self.time = time
            self.connectionID = connectionID
            self.requestID = requestID
            self.method = method
            self.resource = resource
            self.url = url
            self.status = status
            self.durationMicroseconds = durationMicroseconds
            self.requestBody = requestBody
            self.responseBody = responseBody
        }
    }

    /// Writes the record ``encode(_:into:)`` writes for the same request: the header lists
    /// are given by their lengths and `header(response, index)`, each header's name and
    /// value. Refuses, writing nothing, a time the decoder would refuse.
    public static func appendRequestLogged(
        _ r: RequestLoggedBytes, requestHeaders: Int, responseHeaders: Int,
        header: (_ response: Bool, _ index: Int) -> (name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>),
        into out: inout [UInt8]
    ) throws(EventEncodingError) {
        guard r.time.isWithinTextRange else { throw EventEncodingError(field: "time", value: "\(r.time.microseconds) µs since 1970") }
        out.reserveCapacity(out.count + 64 + r.url.count + r.requestBody.count + r.responseBody.count)
        out.append(formatVersion)
        out.appendVarint(UInt64(Event.Kind.requestLogged.rawValue))
        out.appendInt64LE(r.time.microseconds)
        RequestRecord.appendHead(
            .init(connectionID: r.connectionID, requestID: r.requestID, method: r.method, resource: r.resource, url: r.url,
                  status: r.status, durationMicroseconds: r.durationMicroseconds), to: &out)
        RequestRecord.appendHeaders(count: requestHeaders, to: &out) { header(false, $0) }
        RequestRecord.appendBody(.bytes(r.requestBody), to: &out)
        RequestRecord.appendHeaders(count: responseHeaders, to: &out) { header(true, $0) }
        RequestRecord.appendBody(.bytes(r.responseBody), to: &out)
    }
}
