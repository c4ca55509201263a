public import Events

/// What failed calls are grouped by: resource, method, status and the error the answer
/// gave (``ErrorSummary``).
public struct ErrorGroupKey: Hashable, Sendable {
    public var resource: String
    public var method: HTTPMethod
    public var status: UInt16
    /// Empty when the answer said nothing readable.
    public var error: String

    public init(resource: String, method: HTTPMethod, status: UInt16, error: String) {
        self.resource = resource
        self.method = method
        self.status = status
        self.error = error
    }

    /// The key of `entry`'s group, if it failed.
    public init?(_ entry: LogEntry) {
        guard let error = entry.error else { return nil }
        self.init(resource: entry.resource, method: entry.method, status: entry.status, error: error)
    }

    /// The group's id in URLs (`error=`): its key's bytes in base64url, so that no
    /// character of a resource or message needs escaping.
    public var id: String { Base64URL.encode(keyBytes) }

    /// The group an id names; nil when the text is not one.
    public init?(id: String) {
        guard let bytes = Base64URL.decode(id) else { return nil }
        self.init(keyBytes: bytes)
    }

    /// What names the group after its connection, in its error stream's key and its id:
    /// resource, 0x00, method, status (big-endian), error.
    var keyBytes: [UInt8] {
        var bytes = Array(resource.utf8)
        bytes.append(0)
        bytes.append(method.rawValue)
        bytes.append(UInt8(status >> 8))
        bytes.append(UInt8(status & 0xFF))
        bytes.append(contentsOf: error.utf8)
        return bytes
    }

    /// The group `bytes` (``keyBytes``) name; nil when they are not of that form.
    init?<Bytes: Collection<UInt8>>(keyBytes bytes: Bytes) where Bytes.Index == Int {
        guard let zero = bytes.firstIndex(of: 0), bytes.endIndex >= zero + 4,
              let method = HTTPMethod(rawValue: bytes[zero + 1]),
              let resource = String(validating: bytes[bytes.startIndex..<zero], as: UTF8.self),
              let error = String(validating: bytes[(zero + 4)...], as: UTF8.self)
        else { return nil }
        self.init(resource: resource, method: method, status: UInt16(bytes[zero + 2]) << 8 | UInt16(bytes[zero + 3]), error: error)
    }
}

/// The failed calls of one group, over the entries the logs keep.
public struct ErrorGroup: Hashable, Sendable {
    public var key: ErrorGroupKey
    /// The connection whose calls these are (a group list of an account holds several).
    public var connectionID: String
    public var count: Int
    public var firstTime: Timestamp
    public var lastTime: Timestamp
    /// The newest entry of the group.
    public var lastSeq: UInt64

    public init(key: ErrorGroupKey, connectionID: String, count: Int, firstTime: Timestamp, lastTime: Timestamp, lastSeq: UInt64) {
        self.key = key
        self.connectionID = connectionID
        self.count = count
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.lastSeq = lastSeq
    }

    /// The order a list shows: the most recent failure first.
    public static func newestFirst(_ a: ErrorGroup, _ b: ErrorGroup) -> Bool {
        (a.lastTime, a.lastSeq) > (b.lastTime, b.lastSeq)
    }
}
