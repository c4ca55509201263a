internal import Events
internal import Replication

/// The `replication` member of `/v1/status`: a writer's shipping, or a follower's reading.
func writeReplicationStatus(_ w: inout JSONWriter, role: ReplicationRole) {
    if let replicator = role.replicator {
        let s = replicator.status
        w.beginObject("replication")
        w.string("role", "writer")
        w.string("mode", s.mode.rawValue)
        w.string("stream", s.stream)
        w.string("epoch", s.epoch)
        w.unsigned("shipped", s.shipped)
        w.unsigned("lag_events", s.head > s.shipped ? s.head - s.shipped : 0)
        w.integer("lag_ms", Int64(s.lagSeconds * 1000))
        w.string("fenced", ifPresent: s.fenced)
        w.endObject()
    } else if let follower = role.follower {
        let s = follower.status
        w.beginObject("replication")
        w.string("role", "follower")
        w.string("stream", s.stream)
        w.string("writer", ifPresent: s.writer)
        w.unsigned("applied", s.applied)
        w.unsigned("stream_last", s.streamLast)
        w.unsigned("lag_events", s.streamLast > s.applied ? s.streamLast - s.applied : 0)
        w.string("failure", ifPresent: s.failure)
        w.endObject()
    }
}
