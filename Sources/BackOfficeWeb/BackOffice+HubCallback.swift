internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Projections
internal import Answers
internal import Pages
internal import Hub
internal import FrontDoor

/// The connection's **Callback** tab: the hub's events for the app, waiting, dropped (with
/// **Renvoyer**) and delivered, each attempt downloadable.
extension BackOffice {
    func addHubCallbackRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/connections/:id/callback") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            let (callback, waiting, dropped, deliveries) = try answering {
                (try api.queries.callback(c.connectionID), try api.queries.waitingEvents(c.connectionID, count: 1000).events,
                 try api.queries.receivedEvents(c.connectionID, in: .dropped), try api.queries.deliveries(c.connectionID))
            }
            let t = v.language.labels
            return html(renderer.render(HubCallbackPage(
                chrome: chrome(v, request, title: t.hubCallback), connection: ConnectionHeader(c, t), callback: callback,
                waiting: waiting, dropped: dropped, deliveries: deliveries)))
        }

        router.post("/connections/:id/callback/events/:event/resend") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v) else { return errorPage(v, request, .notFound, v.language.labels.notFound) }
            guard try await checkedForm(request, v) != nil else { return refusedForm(v, request) }
            let eventID = try context.id("event")
            guard let e = try answering({ try api.queries.receivedEvent(c.connectionID, eventID: eventID) }), e.state == .dropped else {
                return errorPage(v, request, .notFound, v.language.labels.notFound)
            }
            let receipt = try await api.writer.resendHubEvent(c.connectionID, eventID: eventID, actor: v.email)
            await settle(receipt.seq)
            return redirect("/connections/\(c.connectionID)/callback")
        }

        // One attempt as JSON: what was sent (the event as the app sees it) and what came back.
        router.get("/connections/:id/callback/deliveries/:seq") { request, context in
            guard let v = await viewer(request) else { return toLogin(request) }
            guard let c = connection(try context.id(), v), let seq = UInt64(try context.id("seq")),
                  let d = try answering({ try api.queries.delivery(c.connectionID, seq: seq) }) else {
                return errorPage(v, request, .notFound, v.language.labels.notFound)
            }
            let event = try answering { try api.queries.receivedEvent(c.connectionID, eventID: d.attempt.eventID) }
            let zone = event.flatMap { try? api.queries.place($0.event.locationID)?.timeZone } ?? c.timeZone
            var w = JSONWriter()
            w.beginObject()
            w.beginObject("request")
            w.string("method", "POST")
            w.string("url", d.attempt.url)
            w.timestamp("time", d.time)
            w.unsigned("attempt", UInt64(d.attempt.attempt))
            if let event { HubEventAnswer.write(event, timeZone: zone, states: true, into: &w, key: "body") }
            w.endObject()
            w.beginObject("response")
            if let status = d.attempt.status { w.unsigned("status", UInt64(status)) } else { w.null("status") }
            w.integer("duration_ms", d.attempt.durationMicroseconds / 1000)
            w.string("error", ifPresent: d.attempt.error)
            w.string("body", ifPresent: d.attempt.answer)
            w.endObject()
            w.endObject()
            var response = bytesResponse(.ok, w.bytes, contentType: "application/json")
            response.headers[.contentDisposition] = "attachment; filename=\"delivery-\(c.connectionID)-\(seq).json\""
            return response
        }
    }
}
