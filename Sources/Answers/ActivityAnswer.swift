public import Events
public import Domain
public import Projections

/// A connection's requests per local day, oldest first (`GET …/activity`).
public struct ActivityAnswer: Hashable, Sendable {
    public struct Day: Hashable, Sendable {
        public var date: LocalDay
        public var total: UInt64
        /// Requests by class: 2xx, 3xx, 4xx, 5xx.
        public var byClass: [StatusClass: UInt64]

        /// Client and server errors.
        public var errors: UInt64 { (byClass[.clientError] ?? 0) + (byClass[.serverError] ?? 0) }
    }

    public var connectionID: String
    public var timeZone: String
    public var total: UInt64
    public var days: [Day]

    /// The classes the answer counts (1xx are counted in the total only).
    static let classes = StatusClass.allCases.filter { $0 != .informational }

    public init(_ series: ActivitySeries) {
        connectionID = series.connectionID
        timeZone = series.timeZone
        total = series.total
        days = series.days.map { day, counts in
            Day(date: day, total: UInt64(counts.total),
                byClass: Dictionary(uniqueKeysWithValues: Self.classes.map { ($0, UInt64(counts.count($0))) }))
        }
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.string("connection_id", connectionID)
        w.string("time_zone", timeZone)
        w.unsigned("total", total)
        w.beginArray("days")
        for day in days {
            w.beginObject()
            w.string("date", day.date.description)
            w.unsigned("total", day.total)
            for c in Self.classes { w.unsigned(c.name, day.byClass[c] ?? 0) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    public init(json bytes: [UInt8]) throws(AnswerError) {
        let r = try AnswerReader.parse(bytes)
        connectionID = try r.string("connection_id")
        timeZone = try r.string("time_zone")
        total = try r.unsigned("total")
        var days: [Day] = []
        for d in try r.objects("days") {
            let text = try d.string("date")
            guard let date = LocalDay(text) else { throw AnswerError("activity.days: \"\(text)\" is not a date") }
            var byClass: [StatusClass: UInt64] = [:]
            for c in Self.classes { byClass[c] = try d.optionalUnsigned(c.name) ?? 0 }
            days.append(Day(date: date, total: try d.unsigned("total"), byClass: byClass))
        }
        self.days = days
    }
}
