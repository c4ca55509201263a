internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Hub
internal import FrontDoor
internal import Supervision
internal import Replication

extension Router where Context == BasicRequestContext {
    func addReplicationRoutes(_ c: RouteContext) {
        // Failover: `{"mode"?: "sync"|"async", "writer_name"?, "wait_seconds"?}` makes a
        // follower that holds everything its stream holds (after waiting up to
        // `wait_seconds`, default 10, for it) the stream's writer.
        post("/v1/replication/promote") { request, _ in
            let bytes = try await request.bytes(limit: c.maxBodyBytes)
            var f = try JSONFields(bytes.isEmpty ? Array("{}".utf8) : bytes)
            var mode = ReplicationMode.sync
            if let text = try f.optionalString("mode") {
                guard let m = ReplicationMode(rawValue: text) else { throw APIError.invalid("mode", "\"\(text)\" is not sync or async") }
                mode = m
            }
            let name = try f.optionalString("writer_name")
            var patience = 10
            switch f.take("wait_seconds") {
            case nil, .null?: break
            case .integer(let s)? where (0...3600).contains(s): patience = Int(s)
            case _?: throw APIError.invalid("wait_seconds", "must be a number of seconds from 0 to 3600")
            }
            try f.refuseLeftovers()
            guard let follower = c.replication.follower else {
                throw APIError.conflict("this daemon is not a follower: there is nothing to promote")
            }
            var settings = follower.configuration
            settings.mode = mode
            settings.writerName = name ?? c.writerName
            let replicator: Replicator
            do {
                replicator = try await follower.promote(settings: settings, dataDirectory: c.dataDirectory, patience: .seconds(patience))
            } catch let error as PromotionRefused {
                throw error.reason == .streamUnreadable ? APIError.unavailable(error.message) : APIError.conflict(error.message)
            }
            // The writer delivers the disconnect callbacks; a follower left them to it.
            c.supervisor.supervise(adding: ProjectorSupervisor.notifierName)
            let head = try c.writer.journal.head
            return jsonResponse { w in
                w.beginObject()
                w.string("role", "writer")
                w.string("epoch", replicator.epoch)
                w.unsigned("head", head)
                w.string("mode", mode.rawValue)
                w.endObject()
            }
        }
    }
}
