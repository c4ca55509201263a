public import Events

/// An account or a location as the connections projection keeps it.
public struct Place: Hashable, Sendable {
    public var id: String
    public var accountID: String
    public var name: String
    /// IANA time zone.
    public var timeZone: String
    public var isLocation: Bool

    func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.appendString(id)
        out.appendString(accountID)
        out.appendString(name)
        out.appendString(timeZone)
        out.append(isLocation ? 1 : 0)
        return out
    }

    init(id: String, accountID: String, name: String, timeZone: String, isLocation: Bool) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.timeZone = timeZone
        self.isLocation = isLocation
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        id = try r.readString()
        accountID = try r.readString()
        name = try r.readString()
        timeZone = try r.readString()
        isLocation = try r.readByte() == 1
    }
}

/// An app as registered.
public struct AppRecord: Hashable, Sendable {
    public var appID: String
    public var name: String
    public var level: ConnectionLevel
    public var scope: String
    public var openURL: String?
    public var disconnectCallbackURL: String?

    init(_ e: AppRegistered) {
        appID = e.appID
        name = e.name
        level = e.level
        scope = e.scope
        openURL = e.openURL
        disconnectCallbackURL = e.disconnectCallbackURL
    }

    func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.appendString(appID)
        out.appendString(name)
        out.append(level.rawValue)
        out.appendString(scope)
        out.appendOptionalString(openURL)
        out.appendOptionalString(disconnectCallbackURL)
        return out
    }

    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        appID = try r.readString()
        name = try r.readString()
        level = ConnectionLevel(rawValue: try r.readByte()) ?? .either
        scope = try r.readString()
        openURL = try r.readOptionalString()
        disconnectCallbackURL = try r.readOptionalString()
    }
}
