public import Events

/// Random but valid events of every kind, with every optional field sometimes present,
/// unicode text, and bodies from empty to large.
public struct RandomEvents {
    public var rng: SeededGenerator
    /// The largest body generated (rarely; most are small).
    public var maxBodyBytes: Int

    public init(seed: UInt64, maxBodyBytes: Int = 256 << 10) {
        rng = SeededGenerator(seed: seed)
        self.maxBodyBytes = maxBodyBytes
    }

    private static let samples = [
        "Pizzeria Napoli", "Café de l'Été", "Łódź Pierogi", "寿司 Tokyo", "مطعم الشام", "Curry 🍛 House",
        "Zoë's \"Grill\"", "tab\there", "line\nbreak", "back\\slash", "e\u{301}", "👩‍🍳", "", "Ωmega",
    ]
    private static let zones = ["Europe/Paris", "Asia/Kolkata", "America/New_York", "UTC", "Australia/Sydney", "Europe/London"]
    private static let scopes = [
        "location[orders.write,customer_list.read]", "account[customer_list.read],profile",
        "location[orders.write,catalog.read,inventory.write]", "account[all_customer_lists.read,all_catalogs.read]",
        "location[]", "account[orders.read],profile_with_email",
    ]

    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    public mutating func id() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<int(1...8)).map { _ in alphabet[int(0...alphabet.count - 1)] })
    }

    public mutating func text() -> String {
        var s = RandomEvents.samples[int(0...RandomEvents.samples.count - 1)]
        if chance(0.3) { s += RandomEvents.samples[int(0...RandomEvents.samples.count - 1)] }
        return s
    }

    public mutating func nonEmptyText() -> String {
        let s = text()
        return s.isEmpty ? "x" : s
    }

    public mutating func body() -> [UInt8] {
        switch int(0...9) {
        case 0: return []
        case 1: return (0..<int(1...64)).map { _ in UInt8.random(in: 0...255, using: &rng) }  // usually not UTF-8
        case 2: return Array(repeating: UInt8(ascii: "a"), count: int(0...maxBodyBytes))
        default: return Array("{\"name\":\"\(text().replacingQuotes())\",\"n\":\(int(0...99999))}".utf8)
        }
    }

    public mutating func headers() -> [Header] {
        (0..<int(0...4)).map { _ in Header(["Content-Type", "User-Agent", "X-Access-Token", "X-Émoji"][int(0...3)], text()) }
    }

    public mutating func time() -> Timestamp {
        Timestamp(microseconds: Int64(int(0...4_000_000_000)) * 1_000_000 + Int64(int(0...999_999)))
    }

    public mutating func optional(_ make: (inout RandomEvents) -> String) -> String? {
        chance(0.5) ? make(&self) : nil
    }

    /// One random event of a random kind.
    public mutating func event() -> Event {
        let payload: Event.Payload
        switch int(0...15) {
        case 12:
            var r = RequestLogged(
                connectionID: id(), requestID: optional { "req_" + $0.id() }, method: HTTPMethod.allCases[int(0...6)],
                resource: "orders", url: "/orders/\(id())", status: UInt16(int(100...599)), durationMicroseconds: UInt64(int(0...99999)),
                requestHeaders: headers(), requestBody: body(), responseHeaders: headers(), responseBody: body())
            r = r.withoutBodies
            r.errorSummary = optional { "unprocessable_" + $0.id() }
            payload = .requestBodiesExpired(r)
        case 13:
            let classes = (0..<5).map { _ in UInt64(int(0...500)) }
            payload = .requestsRolledUp(RequestsRolledUp(
                connectionID: id(), day: Int64(int(-1000...30000)), total: classes.reduce(0, +), byClass: classes,
                firstTime: time(), lastTime: time()))
        case 14:
            payload = .connectionTombstoned(ConnectionTombstoned(
                connectionID: id(), appID: id(), accountID: id(), locationID: optional { $0.id() + "-2" },
                disconnectedAt: time(), requestCount: UInt64(int(0...100000))))
        case 15:
            payload = .retentionApplied(RetentionApplied(bodiesBefore: time(), logsBefore: time(), disconnectedBefore: time(), tombstonesBefore: time()))
        case 10:
            payload = .callbackAttempted(CallbackAttempted(
                connectionID: id(), deliveryID: "disconnect-\(int(1...99999))", attempt: UInt32(int(1...6)),
                url: "https://\(id()).example.com/cb", status: chance(0.7) ? UInt16(int(100...599)) : nil,
                error: optional { $0.text() }, nextAttemptAt: chance(0.5) ? time() : nil))
        case 11:
            payload = .callbackResendRequested(CallbackResendRequested(
                connectionID: id(), deliveryID: "resend-\(id())", actor: nonEmptyText()))
        case 0:
            payload = .accountRegistered(AccountRegistered(
                accountID: id(), name: nonEmptyText(), timeZone: RandomEvents.zones[int(0...5)]))
        case 1:
            let account = id()
            payload = .locationRegistered(LocationRegistered(
                locationID: account + "-\(int(1...40))", accountID: account, name: nonEmptyText(),
                timeZone: RandomEvents.zones[int(0...5)]))
        case 2:
            payload = .appRegistered(AppRegistered(
                appID: id(), name: nonEmptyText(), level: ConnectionLevel(rawValue: UInt8(int(0...2)))!,
                scope: RandomEvents.scopes[int(0...5)],
                openURL: optional { "https://\($0.id()).example.com/open?x=1" },
                disconnectCallbackURL: optional { "http://\($0.id()).example.org/cb" }))
        case 3:
            payload = .connectionCreated(ConnectionCreated(
                connectionID: id(), appID: id(), accountID: id(), locationID: optional { $0.id() + "-1" },
                deviceID: optional { $0.id() + "(1)[a]{b}_-." }, scope: RandomEvents.scopes[int(0...5)],
                customerListID: optional { $0.id() }, catalogID: optional { $0.id() },
                tokenDigest: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }, tokenHint: id()))
        case 4:
            let both = int(0...2)
            payload = .connectionReconnected(ConnectionReconnected(
                connectionID: id(), customerListID: both != 1 ? id() : nil, catalogID: both != 0 ? id() : nil))
        case 5, 6, 7:
            let change = ConnectionStatusChanged(connectionID: id(), actor: nonEmptyText(), reason: optional { $0.text() })
            payload = [Event.Payload.connectionBlocked(change), .connectionUnblocked(change), .connectionDisconnected(change)][int(0...2)]
        default:
            payload = .requestLogged(RequestLogged(
                connectionID: id(), requestID: optional { "req_" + $0.id() }, method: HTTPMethod.allCases[int(0...6)],
                resource: ["orders", "customers", "catalogs", "inventories", "callback"][int(0...4)],
                url: "/locations/\(id())/orders?q=\(text().utf8.count)", status: UInt16(int(100...599)),
                durationMicroseconds: UInt64(int(0...Int(UInt32.max))), requestHeaders: headers(), requestBody: body(),
                responseHeaders: headers(), responseBody: body()))
        }
        return Event(time: time(), payload)
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        String(unicodeScalars.filter { $0 != "\"" && $0 != "\\" && $0.value >= 0x20 })
    }
}
