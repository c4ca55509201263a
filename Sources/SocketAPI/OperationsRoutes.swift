internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Answers
internal import Journal
internal import Projections
internal import Hub
internal import FrontDoor
internal import Supervision

extension Router where Context == BasicRequestContext {
    func addOperationsRoutes(_ c: RouteContext) {

        get("/health") { _, _ in c.nodeHealth() }
        get("/health/writer") { _, _ in try c.writerHealth() }

        // The gateway's check: who does this token belong to, and may it call the API?
        let tokenCheck: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            guard let token = request.headers[HTTPField.Name("X-Access-Token")!], !token.isEmpty else {
                throw APIError.unauthorized("The access token is invalid or the connection has been revoked")
            }
            let owner = try c.writer.checkToken(token)
            return jsonResponse { w in
                w.beginObject()
                w.string("connection_id", owner.connectionID)
                w.string("app_id", owner.appID)
                w.string("account_id", owner.accountID)
                w.string("location_id", ifPresent: owner.locationID)
                w.string("level", owner.locationID == nil ? "account" : "location")
                w.string("scope", owner.scope)
                w.endObject()
            }
        }
        get("/v1/token", use: tokenCheck)
        post("/v1/token/check", use: tokenCheck)

        get("/v1/status") { _, _ in
            let stats = try c.writer.journal.statistics()
            let checkpoints = try c.queries.checkpoints()
            let projectors = c.supervisor.status()
            return jsonResponse { w in
                w.beginObject()
                w.beginObject("journal")
                w.string("id", c.writer.journal.id)
                w.unsigned("head", stats.head)
                w.integer("count", Int64(stats.count))
                w.integer("used_bytes", Int64(stats.usedBytes))
                w.integer("file_bytes", Int64(stats.fileBytes))
                w.string("durability", c.writer.journal.durability.rawValue)
                w.endObject()
                w.beginArray("projections")
                for name in checkpoints.keys.sorted() {
                    let checkpoint = checkpoints[name] ?? 0
                    let p = projectors.first { $0.name == name }
                    w.beginObject()
                    w.string("name", name)
                    w.unsigned("checkpoint", checkpoint)
                    w.unsigned("lag", stats.head > checkpoint ? stats.head - checkpoint : 0)
                    w.integer("restarts", Int64(p?.restarts ?? 0))
                    if let pid = p?.pid { w.integer("pid", Int64(pid)) } else { w.null("pid") }
                    w.string("state", p?.state ?? "unknown")
                    w.endObject()
                }
                w.endArray()
                writeReplicationStatus(&w, role: c.replication)
                if let n = projectors.first(where: { $0.name == ProjectorSupervisor.notifierName }) {
                    w.beginObject("notifier")
                    w.integer("restarts", Int64(n.restarts))
                    if let pid = n.pid { w.integer("pid", Int64(pid)) } else { w.null("pid") }
                    w.string("state", n.state)
                    w.endObject()
                }
                w.endObject()
            }
        }

        // Compaction on request: `{"now"?, "body_days"?, "log_days"?, "disconnected_days"?,
        // "tombstone_days"?}`; answers what it removed and freed.
        post("/v1/compact") { request, _ in
            // A follower's journal changes only through the stream.
            try c.writer.checkTakesWrites()
            try request.requireJSON()
            let bytes = try await request.bytes(limit: c.maxBodyBytes)
            var f = try JSONFields(bytes.isEmpty ? Array("{}".utf8) : bytes)
            var now: Timestamp?
            if let text = try f.optionalString("now") {
                guard let t = Timestamp(rfc3339: text) else { throw APIError.invalid("now", "\"\(text)\" is not an RFC 3339 time") }
                now = t
            }
            var policy = c.compaction.policy
            for (field, path) in [("body_days", \RetentionPolicy.bodyDays), ("log_days", \.logDays),
                                  ("disconnected_days", \.disconnectedDays), ("tombstone_days", \.tombstoneDays)] {
                guard let value = f.take(field), value != .null else { continue }
                guard case .integer(let days) = value, days >= 0, days <= 36_500 else {
                    throw APIError.invalid(field, "must be a number of days from 0 to 36500")
                }
                policy[keyPath: path] = Int(days)
            }
            try f.refuseLeftovers()
            let report: Compactor.Report
            do {
                report = try await c.compaction.compact(now: now, policy: policy)
            } catch let error as ProjectionError where error.isInvalid {
                throw APIError.unprocessable(error.description)
            }
            return jsonResponse { CompactionAnswer(report).writeJSON(&$0) }
        }

        get("/metrics") { _, _ in
            let stats = try c.writer.journal.statistics()
            let checkpoints = try c.queries.checkpoints()
            c.metrics.update(head: stats.head, bytes: stats.usedBytes, checkpoints: checkpoints, projectors: c.supervisor.status())
            if let replicator = c.replication.replicator {
                let s = replicator.status
                c.metrics.updateReplication(lagEvents: s.head > s.shipped ? s.head - s.shipped : 0, lagSeconds: s.lagSeconds)
            } else if let follower = c.replication.follower {
                let s = follower.status
                c.metrics.updateReplication(lagEvents: s.streamLast > s.applied ? s.streamLast - s.applied : 0, lagSeconds: nil)
            }
            return bytesResponse(.ok, c.metrics.emit(), contentType: "text/plain; version=0.0.4")
        }
    }
}
