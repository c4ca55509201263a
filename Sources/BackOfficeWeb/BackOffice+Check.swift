internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Projections
internal import Answers
internal import Pages
internal import Hub
internal import FrontDoor

/// **Vérifier la connexion** and the alerts: the check page of a connection, its alert
/// settings (a form, behind the CSRF token), and the list of the account's alerts.
extension BackOffice {
    func addCheckRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/connections/:id/check") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            let (health, alerts, preferences) = try answering { () throws -> (ConnectionHealth?, [AlertRecord], AlertPreferences) in
                (try api.queries.health(c.connectionID, now: .now),
                 try api.queries.alerts(account: c.accountID, limit: 1000).filter { $0.connectionID == c.connectionID }.prefix(10).map { $0 },
                 try api.queries.alertPreferences(connection: c.connectionID))
            }
            guard let health else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            let t = v.language.labels
            return html(renderer.render(CheckPage(
                chrome: chrome(v, request, title: t.checkConnection), connection: ConnectionHeader(c, t), health: health,
                alerts: alerts, preferences: preferences)))
        }

        router.post("/connections/:id/check/alert-settings") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            guard let form = try await checkedForm(request, v) else { return refusedForm(v, request) }
            let receipt = try await api.writer.setAlertSettings(
                connectionID: c.connectionID, muted: form["muted"]?.first == "1", degraded: form["degraded"]?.first == "1", actor: v.email)
            await settle(receipt.seq)
            return redirect("/connections/\(c.connectionID)/check")
        }

        router.get("/alerts") { request, _ in
            guard let v = await viewer(request) else { return toLogin(request) }
            let alerts = try answering { try api.queries.alerts(account: v.account, limit: 500) }
            var names: [String: String] = [:]
            var zones: [String: String] = [:]
            for id in Set(alerts.map(\.connectionID)) {
                guard let c = connection(id, v) else { continue }
                names[id] = c.app.name + " · " + (c.locationName ?? c.locationID ?? c.accountName ?? c.accountID)
                zones[id] = c.timeZone
            }
            let t = v.language.labels
            return html(renderer.render(AlertsPage(
                chrome: chrome(v, request, title: t.alerts, onAlerts: true), alerts: alerts, names: names, zones: zones)))
        }
    }
}
