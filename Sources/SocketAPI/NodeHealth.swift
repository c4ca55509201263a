package import Hummingbird
internal import Events
internal import Replication
internal import FrontDoor

extension RouteContext {
    /// `GET /health`: the node answers, and says its role (`writer` or `follower`) and
    /// whether it takes writes now; the socket, the back office and a load balancer's
    /// checks read it alike.
    package func nodeHealth() -> Response {
        let role = replication
        let follower = role.follower
        let refusal = role.writeRefusal
        return jsonResponse { w in
            w.beginObject()
            w.string("status", "ok")
            w.string("role", follower == nil ? "writer" : "follower")
            w.bool("takes_writes", follower == nil && refusal == nil)
            w.string("writer", ifPresent: follower?.status.writer)
            w.endObject()
        }
    }

    /// `GET /health/writer`: 200 only on the node that takes writes now, so that a load
    /// balancer routes writes there; elsewhere 503 (with `Retry-After: 1`) naming the writer.
    package func writerHealth() throws -> Response {
        if let follower = replication.follower {
            throw APIError.unavailable("this node follows \(follower.status.writer ?? "the writer"): it takes no writes")
        }
        if let refusal = replication.writeRefusal {
            throw APIError.unavailable("this node takes no writes: \(refusal)")
        }
        return jsonResponse { w in
            w.beginObject()
            w.string("status", "ok")
            w.string("role", "writer")
            w.endObject()
        }
    }
}
