public import Domain
public import Events

/// One connection as the Connections page lists it.
public struct ConnectionRecord: Hashable, Sendable {
    public var connectionID: String
    public var appID: String
    public var accountID: String
    public var locationID: String?
    public var deviceID: String?
    public var scope: String
    public var customerListID: String?
    public var catalogID: String?
    public var tokenHint: String
    public var status: ConnectionStatus
    public var createdAt: Timestamp
    /// When the status last changed, by whom and why.
    public var statusChangedAt: Timestamp?
    public var statusActor: String?
    public var statusReason: String?
    public var blockedAt: Timestamp?
    public var unblockedAt: Timestamp?
    public var disconnectedAt: Timestamp?
    public var reconnectedAt: Timestamp?
    public var firstRequestAt: Timestamp?
    public var lastRequestAt: Timestamp?
    public var requestCount: UInt64
    /// The journal sequence number of the `connectionCreated` event.
    public var createdSeq: UInt64

    /// `account` for an account-level connection, `location` otherwise.
    public var level: ConnectionLevel { locationID == nil ? .account : .location }

    init(created e: ConnectionCreated, at time: Timestamp, seq: UInt64) {
        connectionID = e.connectionID
        appID = e.appID
        accountID = e.accountID
        locationID = e.locationID
        deviceID = e.deviceID
        scope = e.scope
        customerListID = e.customerListID
        catalogID = e.catalogID
        tokenHint = e.tokenHint
        status = .active
        createdAt = time
        requestCount = 0
        createdSeq = seq
    }

    func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.appendString(connectionID)
        out.appendString(appID)
        out.appendString(accountID)
        out.appendOptionalString(locationID)
        out.appendOptionalString(deviceID)
        out.appendString(scope)
        out.appendOptionalString(customerListID)
        out.appendOptionalString(catalogID)
        out.appendString(tokenHint)
        out.append(status.rawValue)
        out.appendInt64LE(createdAt.microseconds)
        for t in [statusChangedAt, blockedAt, unblockedAt, disconnectedAt, reconnectedAt, firstRequestAt, lastRequestAt] {
            out.appendOptionalTime(t)
        }
        out.appendOptionalString(statusActor)
        out.appendOptionalString(statusReason)
        out.appendVarint(requestCount)
        out.appendVarint(createdSeq)
        return out
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        connectionID = try r.readString()
        appID = try r.readString()
        accountID = try r.readString()
        locationID = try r.readOptionalString()
        deviceID = try r.readOptionalString()
        scope = try r.readString()
        customerListID = try r.readOptionalString()
        catalogID = try r.readOptionalString()
        tokenHint = try r.readString()
        status = ConnectionStatus(rawValue: try r.readByte()) ?? .active
        createdAt = Timestamp(microseconds: try r.readInt64LE())
        statusChangedAt = try r.readOptionalTime()
        blockedAt = try r.readOptionalTime()
        unblockedAt = try r.readOptionalTime()
        disconnectedAt = try r.readOptionalTime()
        reconnectedAt = try r.readOptionalTime()
        firstRequestAt = try r.readOptionalTime()
        lastRequestAt = try r.readOptionalTime()
        statusActor = try r.readOptionalString()
        statusReason = try r.readOptionalString()
        requestCount = try r.readVarint()
        createdSeq = try r.readVarint()
    }
}

extension [UInt8] {
    mutating func appendOptionalTime(_ t: Timestamp?) {
        if let t {
            append(1)
            appendInt64LE(t.microseconds)
        } else {
            append(0)
        }
    }
}

extension ByteReader {
    mutating func readOptionalTime() throws -> Timestamp? {
        try readByte() == 0 ? nil : Timestamp(microseconds: try readInt64LE())
    }
}
