internal import Events

/// What the writer must know to validate commands and answer token checks: accounts,
/// locations, apps, connections with their status and token digest. Built by replaying
/// the journal at start, then kept current by applying each event the writer appends.
struct WriterState: Sendable {
    struct Connection: Sendable {
        var appID: String
        var accountID: String
        var locationID: String?
        var deviceID: String?
        var scope: String
        var status: Status
        var tokenDigest: [UInt8]
    }

    enum Status: Sendable {
        case active, blocked, disconnected
    }

    /// One app instance on one place: the key under which connecting again finds the
    /// same connection.
    struct Instance: Hashable, Sendable {
        var appID: String
        var placeID: String
        var deviceID: String
    }

    var accounts: [String: String] = [:]  // id → time zone
    var locations: [String: String] = [:]  // id → account id
    var apps: [String: AppRegistered] = [:]
    var connections: [String: Connection] = [:]
    var instances: [Instance: String] = [:]
    /// Connection ids by the first 8 bytes of their token digest.
    var tokens: [UInt64: [String]] = [:]

    static func instance(app: String, account: String, location: String?, device: String?) -> Instance {
        Instance(appID: app, placeID: location ?? account, deviceID: device ?? "")
    }

    static func digestPrefix(_ digest: [UInt8]) -> UInt64 {
        digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func apply(_ event: Event) {
        switch event.payload {
        case .accountRegistered(let e):
            accounts[e.accountID] = e.timeZone
        case .locationRegistered(let e):
            locations[e.locationID] = e.accountID
        case .appRegistered(let e):
            apps[e.appID] = e
        case .connectionCreated(let e):
            connections[e.connectionID] = Connection(
                appID: e.appID, accountID: e.accountID, locationID: e.locationID, deviceID: e.deviceID,
                scope: e.scope, status: .active, tokenDigest: e.tokenDigest)
            instances[Self.instance(app: e.appID, account: e.accountID, location: e.locationID, device: e.deviceID)] = e.connectionID
            tokens[Self.digestPrefix(e.tokenDigest), default: []].append(e.connectionID)
        case .connectionBlocked(let e):
            connections[e.connectionID]?.status = .blocked
        case .connectionUnblocked(let e):
            connections[e.connectionID]?.status = .active
        case .connectionDisconnected(let e):
            guard let c = connections[e.connectionID] else { return }
            connections[e.connectionID]?.status = .disconnected
            let key = Self.instance(app: c.appID, account: c.accountID, location: c.locationID, device: c.deviceID)
            if instances[key] == e.connectionID { instances[key] = nil }
        case .connectionTombstoned(let e):
            // What is left of an old connection: its id stays taken, and it stays gone.
            if connections[e.connectionID] == nil {
                connections[e.connectionID] = Connection(
                    appID: e.appID, accountID: e.accountID, locationID: e.locationID, deviceID: nil, scope: "",
                    status: .disconnected, tokenDigest: [])
            }
        case .connectionReconnected, .requestLogged, .callbackAttempted, .callbackResendRequested, .unknown,
             .requestBodiesExpired, .requestsRolledUp, .retentionApplied:
            break
        }
    }

    /// The connection a token belongs to, comparing digests in constant time.
    func connection(forDigest digest: [UInt8]) -> (String, Connection)? {
        var found: (String, Connection)?
        for id in tokens[Self.digestPrefix(digest)] ?? [] {
            guard let c = connections[id] else { continue }
            if constantTimeEqual(c.tokenDigest, digest) { found = (id, c) }
        }
        return found
    }
}

/// Compares two byte strings without stopping at the first difference.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}
