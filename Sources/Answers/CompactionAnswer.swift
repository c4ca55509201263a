public import Events
public import Projections

/// What a compaction run did (`POST /v1/compact`, `junction compact`).
public struct CompactionAnswer: Hashable, Sendable {
    public var limit: UInt64
    public var bodiesExpired: UInt64
    public var requestsRolledUp: UInt64
    public var rollupsWritten: UInt64
    public var connectionsTombstoned: UInt64
    public var eventsRemovedWithTombstones: UInt64
    public var tombstonesRemoved: UInt64
    /// Settled hub events whose states expired with the bodies.
    public var hubEventStatesExpired: UInt64
    public var bytesBefore: UInt64
    public var bytesAfter: UInt64
    public var bytesFreed: UInt64
    public var markerSeq: UInt64

    public init(_ r: Compactor.Report) {
        limit = r.limit
        bodiesExpired = UInt64(r.bodiesExpired)
        requestsRolledUp = UInt64(r.requestsRolledUp)
        rollupsWritten = UInt64(r.rollupsWritten)
        connectionsTombstoned = UInt64(r.connectionsTombstoned)
        eventsRemovedWithTombstones = UInt64(r.eventsRemovedWithTombstones)
        tombstonesRemoved = UInt64(r.tombstonesRemoved)
        hubEventStatesExpired = UInt64(r.hubEventStatesExpired)
        bytesBefore = UInt64(r.bytesBefore)
        bytesAfter = UInt64(r.bytesAfter)
        bytesFreed = UInt64(r.bytesFreed)
        markerSeq = r.markerSeq
    }

    private static let members: [(String, any KeyPath<CompactionAnswer, UInt64> & Sendable)] = [
        ("limit", \.limit), ("bodies_expired", \.bodiesExpired), ("requests_rolled_up", \.requestsRolledUp),
        ("rollups_written", \.rollupsWritten), ("connections_tombstoned", \.connectionsTombstoned),
        ("events_removed_with_tombstones", \.eventsRemovedWithTombstones), ("tombstones_removed", \.tombstonesRemoved),
        ("hub_event_states_expired", \.hubEventStatesExpired),
        ("bytes_before", \.bytesBefore), ("bytes_after", \.bytesAfter), ("bytes_freed", \.bytesFreed),
        ("marker_seq", \.markerSeq),
    ]

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        for (name, path) in Self.members { w.unsigned(name, self[keyPath: path]) }
        w.endObject()
    }

    public init(json bytes: [UInt8]) throws(AnswerError) {
        let r = try AnswerReader.parse(bytes)
        limit = try r.unsigned("limit")
        bodiesExpired = try r.unsigned("bodies_expired")
        requestsRolledUp = try r.unsigned("requests_rolled_up")
        rollupsWritten = try r.unsigned("rollups_written")
        connectionsTombstoned = try r.unsigned("connections_tombstoned")
        eventsRemovedWithTombstones = try r.unsigned("events_removed_with_tombstones")
        tombstonesRemoved = try r.unsigned("tombstones_removed")
        // Answers of a daemon from before the hub's callbacks lack it.
        hubEventStatesExpired = try r.optionalUnsigned("hub_event_states_expired") ?? 0
        bytesBefore = try r.unsigned("bytes_before")
        bytesAfter = try r.unsigned("bytes_after")
        bytesFreed = try r.unsigned("bytes_freed")
        markerSeq = try r.unsigned("marker_seq")
    }

    /// One sentence for a person.
    public var summary: String {
        """
        compacted events up to \(limit): \(bodiesExpired) bodies expired, \(requestsRolledUp) requests \
        rolled up into \(rollupsWritten) day counts, \(connectionsTombstoned) connections tombstoned \
        (\(eventsRemovedWithTombstones) events), \(tombstonesRemoved) tombstones removed, \
        \(hubEventStatesExpired) hub events' states expired; \
        \(bytesFreed) bytes freed (\(bytesBefore) → \(bytesAfter)); cutoffs recorded as event \(markerSeq)
        """
    }
}
