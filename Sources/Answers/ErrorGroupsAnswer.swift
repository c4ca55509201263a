public import Events
internal import Domain
public import Projections

/// One error group as a list shows it.
public struct ErrorGroupAnswer: Hashable, Sendable {
    public var id: String
    public var connectionID: String
    public var resource: String
    public var method: String
    public var status: UInt64
    /// The error the answers gave (empty when they said nothing readable).
    public var error: String
    public var count: UInt64
    public var firstTime: Timestamp
    public var lastTime: Timestamp
    /// The two times in the connection's zone, with their offsets.
    public var firstLocalTime: String
    public var lastLocalTime: String
    public var lastSeq: UInt64

    public init(_ g: ErrorGroup, timeZone: String) {
        id = g.key.id
        connectionID = g.connectionID
        resource = g.key.resource
        method = g.key.method.name
        status = UInt64(g.key.status)
        error = g.key.error
        count = UInt64(g.count)
        firstTime = g.firstTime
        lastTime = g.lastTime
        firstLocalTime = LocalTime.rfc3339(g.firstTime, in: timeZone)
        lastLocalTime = LocalTime.rfc3339(g.lastTime, in: timeZone)
        lastSeq = g.lastSeq
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.string("id", id)
        w.string("connection_id", connectionID)
        w.string("resource", resource)
        w.string("method", method)
        w.unsigned("status", status)
        w.string("error", error)
        w.unsigned("count", count)
        w.timestamp("first_time", firstTime)
        w.string("first_local_time", firstLocalTime)
        w.timestamp("last_time", lastTime)
        w.string("last_local_time", lastLocalTime)
        w.unsigned("last_seq", lastSeq)
        w.endObject()
    }

    init(_ r: AnswerReader) throws(AnswerError) {
        id = try r.string("id")
        connectionID = try r.string("connection_id")
        resource = try r.string("resource")
        method = try r.string("method")
        status = try r.unsigned("status")
        error = try r.string("error")
        count = try r.unsigned("count")
        firstTime = try r.time("first_time")
        firstLocalTime = try r.string("first_local_time")
        lastTime = try r.time("last_time")
        lastLocalTime = try r.string("last_local_time")
        lastSeq = try r.unsigned("last_seq")
    }
}

/// The error groups of a connection or an account (`GET …/errors`), the most recent
/// failure first.
public struct ErrorGroupsAnswer: Hashable, Sendable {
    public var groups: [ErrorGroupAnswer]
    /// How many failed calls the groups hold together.
    public var failures: UInt64 { groups.reduce(0) { $0 + $1.count } }

    /// `timeZone` gives each group's connection's zone.
    public init(_ groups: [ErrorGroup], timeZone: (String) -> String) {
        self.groups = groups.map { ErrorGroupAnswer($0, timeZone: timeZone($0.connectionID)) }
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.unsigned("failures", failures)
        w.beginArray("groups")
        for g in groups { g.writeJSON(&w) }
        w.endArray()
        w.endObject()
    }

    public init(json bytes: [UInt8]) throws(AnswerError) {
        let r = try AnswerReader.parse(bytes)
        var groups: [ErrorGroupAnswer] = []
        for g in try r.objects("groups") { groups.append(try ErrorGroupAnswer(g)) }
        self.groups = groups
    }
}
