internal import Hummingbird
internal import Events
internal import Domain
internal import Projections
internal import Answers
internal import FrontDoor

extension Router where Context == BasicRequestContext {
    /// Operators' view of a connection's callback: its subscription, its waiting events,
    /// its delivery attempts (all, or the failed ones with `failed=1`).
    func addHubCallbackRoutes(_ c: RouteContext) {
        get("/v1/connections/:id/callback") { request, context in
            try await c.waitForProjections(request, ["connections"])
            let id = try context.id()
            let failed = request.uri.queryParameters.get("failed") == "1"
            let (callback, waiting, deliveries, zones) = try answering {
                _ = try c.queries.connection(id)
                let waiting = try c.queries.waitingEvents(id, count: 1000).events
                var zones: [String: String] = [:]
                for e in waiting where zones[e.event.locationID] == nil {
                    zones[e.event.locationID] = (try c.queries.place(e.event.locationID))?.timeZone ?? "UTC"
                }
                return (try c.queries.callback(id), waiting, try c.queries.deliveries(id, failedOnly: failed), zones)
            }
            return jsonResponse { w in
                HubCallbackAnswer.write(connectionID: id, callback: callback, waiting: waiting, deliveries: deliveries,
                                        zone: { zones[$0] ?? "UTC" }, into: &w)
            }
        }
    }
}

extension Router where Context == BasicRequestContext {
    /// A connection's health at `now` (default: the time of the request).
    func addHealthRoutes(_ c: RouteContext) {
        get("/v1/connections/:id/health") { request, context in
            try await c.waitForProjections(request, ["connections", "health"])
            let id = try context.id()
            var now = Timestamp.now
            if let text = request.uri.queryParameters.get("now") {
                guard let t = Timestamp(rfc3339: String(text)) else { throw APIError.invalid("now", "not an RFC 3339 time") }
                now = t
            }
            let health = try answering { () throws -> ConnectionHealth in
                _ = try c.queries.connection(id)
                guard let h = try c.queries.health(id, now: now) else { throw APIError.notFound("connection \"\(id)\" not found") }
                return h
            }
            return jsonResponse { w in HealthAnswer.write(health, into: &w) }
        }
    }
}
