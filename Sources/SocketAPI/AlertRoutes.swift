internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Domain
internal import Hub
internal import Projections
internal import Answers
internal import FrontDoor

extension Router where Context == BasicRequestContext {
    /// Alerts: the list of an account (or all), and a connection's settings, which its
    /// owner changes (muted: journaled and shown, sent to no one; degraded: alert on it too).
    func addAlertRoutes(_ c: RouteContext) {
        get("/v1/alerts") { request, _ in
            try await c.waitForProjections(request, ["health"])
            let account = request.query("account")
            let open = request.query("open")
            guard open == nil || open == "1" || open == "0" || open == "true" || open == "false" else {
                throw APIError.invalid("open", "must be 1 or 0, not \"\(open!)\"")
            }
            let limit = try request.queryInt("limit") ?? 200
            guard (1...1000).contains(limit) else { throw APIError.invalid("limit", "must be from 1 to 1000, not \(limit)") }
            let alerts = try answering { try c.queries.alerts(account: account, openOnly: open == "1" || open == "true", limit: limit) }
            return jsonResponse { AlertAnswer.writeList(alerts, into: &$0) }
        }

        get("/v1/connections/:id/alert-settings") { request, context in
            try await c.waitForProjections(request, ["connections", "health"])
            let id = try context.id()
            let preferences = try answering { () throws -> AlertPreferences in
                _ = try c.queries.connection(id)
                return try c.queries.alertPreferences(connection: id)
            }
            return jsonResponse { AlertAnswer.writeSettings(connectionID: id, preferences, into: &$0) }
        }

        put("/v1/connections/:id/alert-settings") { request, context in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: c.maxBodyBytes)
            var f = try JSONFields(bytes)
            let muted = try f.optionalBool("muted")
            let degraded = try f.optionalBool("degraded")
            let actor = try f.optionalString("actor") ?? request.headers[HTTPField.Name("X-Actor")!] ?? "operator"
            try f.refuseLeftovers()
            guard muted != nil || degraded != nil else { throw APIError.invalid("muted", "give muted, degraded or both (true or false)") }
            let id = try context.id()
            // What is not given stays as it is.
            let current = c.writer.alertSettings()[id]
            let receipt = try await c.writer.setAlertSettings(
                connectionID: id, muted: muted ?? current?.muted ?? false, degraded: degraded ?? current?.degraded ?? false, actor: actor, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("alert_settings")
            return ReceiptAnswer(receipt, created: false, connectionID: id).response(.ok)
        }
    }
}
