internal import AsyncHTTPClient
internal import Foundation
internal import Events
internal import NIOCore
internal import Domain
internal import Projections
internal import Answers
internal import Hub

/// The hub's events: for each connection with an active callback that is not blocked, its
/// first waiting event (the connections projection's queue), POSTed signed with the app's
/// client secret; per connection in order, across connections at once. Every attempt is
/// reported (journaled), and the projection, which applies it, is where the next one is
/// read from: a restarted notifier starts where the journal left it. At least once: an
/// answer whose report was lost is sent again, with the same event id.
extension Notifier {
    /// Starts the attempts that are due; the time the next one falls due, if any.
    func startDueHubDeliveries() async -> Timestamp? {
        guard let queries else { return nil }
        // The queue is the projection: read it once it holds what the journal holds.
        if let head = try? journal.head {
            _ = try? await queries.projections(["connections"], behind: head, by: .now + .seconds(2))
        }
        let due: [(connectionID: String, appID: String, url: String, event: ReceivedEvent)]
        do {
            due = try queries.nextDeliveries()
        } catch {
            logger.error("cannot read the callback queue", metadata: ["error": "\(error)"])
            return Timestamp.now.adding(.seconds(1))
        }
        let now = Timestamp.now
        var wake: Timestamp?
        for d in due where !hubInFlight.contains(d.connectionID) {
            let key = d.connectionID + "\u{0}" + d.event.event.eventID
            // This notifier's own last attempt, when the projection does not show it yet.
            let (attempts, nextDue) = if let known = hubAttempts[key], known.attempts > d.event.attempts {
                (known.attempts, known.due)
            } else {
                (d.event.attempts, d.event.nextAttemptAt)
            }
            let at = attempts == 0 ? now : (nextDue ?? now)
            guard at <= now else {
                wake = min(wake ?? at, at)
                continue
            }
            hubInFlight.insert(d.connectionID)
            let zone = (try? queries.place(d.event.event.locationID))??.timeZone ?? "UTC"
            hubTasks[d.connectionID] = Task {
                await self.deliverHubEvent(d.connectionID, appID: d.appID, url: d.url, event: d.event, attempts: attempts, zone: zone)
            }
        }
        return wake
    }

    private func deliverHubEvent(_ connection: String, appID: String, url: String, event: ReceivedEvent, attempts: UInt32, zone: String) async {
        defer {
            hubInFlight.remove(connection)
            hubTasks[connection] = nil
        }
        let key = connection + "\u{0}" + event.event.eventID
        let number = attempts + 1
        let body = HubEventAnswer.body(event, timeZone: zone)
        var status: UInt16?
        var failure: String?
        var answer: String?
        var final = false
        let started = ContinuousClock.now
        if attempts >= UInt32(configuration.maxAttempts) {
            // Its last attempt was journaled but not its drop (a crash between the two).
            final = true
        } else if let host = URL(string: url)?.host, !configuration.allowPrivateAddresses, await AddressPolicy.resolvesToPrivate(host: host) {
            failure = "refused: \(host) is a loopback or private address"
            final = true
        } else {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "junction-notifier")
            request.headers.add(name: "X-HubRise-Hmac-SHA256", value: tokens.clientSignature(of: body, for: appID))
            request.headers.add(name: "X-Junction-Attempt", value: "\(number)")
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .init(configuration.timeout))
                status = UInt16(response.status.code)
                var buffer = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
                let bytes = buffer.readBytes(length: min(buffer.readableBytes, 4096)) ?? []
                answer = bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            } catch {
                failure = "\(error)"
            }
        }
        let duration = (ContinuousClock.now - started).components
        let micros = duration.seconds * 1_000_000 + duration.attoseconds / 1_000_000_000_000
        let now = Timestamp.now
        let delivered = CallbackDelivery.acknowledges(status: status)
        var next: Timestamp?
        if !delivered, !final, Int(number) < configuration.maxAttempts {
            next = now.adding(configuration.backoff(after: Int(number)))
        }
        hubAttempts[key] = (number, next)
        logger.info("hub event delivery", metadata: [
            "callback.connection": "\(connection)", "callback.event": "\(event.event.eventID)", "callback.attempt": "\(number)",
            "callback.status": "\(status.map(String.init) ?? "-")", "callback.error": "\(failure ?? "-")",
        ])
        var reports: [Event] = []
        if attempts < UInt32(configuration.maxAttempts) {
            reports.append(Event(time: now, .callbackDelivered(CallbackDelivered(
                connectionID: connection, eventID: event.event.eventID, attempt: number, url: url, status: status,
                durationMicroseconds: micros, error: failure, nextAttemptAt: next, answer: answer))))
        }
        if !delivered, next == nil {
            let reason = failure.map { "no acknowledgement after \(number) attempts: \($0)" } ?? "no acknowledgement after \(number) attempts"
            reports.append(Event(time: now, .callbackEventDropped(CallbackEventDropped(
                connectionID: connection, eventID: event.event.eventID, reason: final && attempts >= UInt32(configuration.maxAttempts)
                    ? "no acknowledgement after \(attempts) attempts" : reason))))
        }
        for report in reports {
            do {
                try await self.report(report)
            } catch {
                // Not recorded: the projection still shows it waiting; it is tried again.
                logger.error("cannot record a hub event delivery", metadata: ["callback.event": "\(event.event.eventID)", "error": "\(error)"])
                return
            }
        }
        // Over, and journaled: the projection says so from now on (the loop reads it only
        // once it holds these reports). A resend starts afresh.
        if next == nil { hubAttempts[key] = nil }
    }
}
