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
        let due: [(connectionID: String, appID: String, url: String, events: [ReceivedEvent])]
        let readAt = next
        do {
            due = try queries.nextDeliveries(perConnection: Self.hubEventsPerRead)
        } catch {
            logger.error("cannot read the callback queue", metadata: ["error": "\(error)"])
            return Timestamp.now.adding(.seconds(1))
        }
        let now = Timestamp.now
        var wake: Timestamp?
        for d in due where !hubInFlight.contains(d.connectionID) {
            guard let first = d.events.first else { continue }
            let key = d.connectionID + "\u{0}" + first.event.eventID
            // This notifier's own last attempt, when the projection does not show it yet.
            let (attempts, nextDue) = if let known = hubAttempts[key], known.attempts > first.attempts {
                (known.attempts, known.due)
            } else {
                (first.attempts, first.nextAttemptAt)
            }
            let at = attempts == 0 ? now : (nextDue ?? now)
            guard at <= now else {
                wake = min(wake ?? at, at)
                continue
            }
            hubInFlight.insert(d.connectionID)
            var zones: [String: String] = [:]
            for e in d.events where zones[e.event.locationID] == nil {
                zones[e.event.locationID] = (try? queries.place(e.event.locationID))??.timeZone ?? "UTC"
            }
            hubTasks[d.connectionID] = Task {
                defer {
                    self.hubInFlight.remove(d.connectionID)
                    self.hubTasks[d.connectionID] = nil
                }
                // The events after the first wait untried: they follow at once, while nothing
                // that could stop them (a block, a disconnection, a new or deleted callback) was
                // journaled since the queue was read, and while each one before is over.
                for (i, event) in d.events.enumerated() {
                    if i > 0, (self.hubChanged[d.connectionID] ?? 0) >= readAt || Task.isCancelled { return }
                    let over = await self.deliverHubEvent(
                        d.connectionID, appID: d.appID, url: d.url, event: event, attempts: i == 0 ? attempts : event.attempts,
                        zone: zones[event.event.locationID] ?? "UTC")
                    if !over { return }
                }
            }
        }
        return wake
    }

    /// Waiting events read per connection at a time: delivered one after the other without
    /// reading the projection again between them.
    static let hubEventsPerRead = 32

    /// One attempt; whether the event is over for now (acknowledged, or dropped) so the next
    /// may follow, rather than waiting for a retry.
    private func deliverHubEvent(_ connection: String, appID: String, url: String, event: ReceivedEvent, attempts: UInt32, zone: String) async -> Bool {
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
        do {
            try await record(reports)
        } catch {
            // Not recorded: the projection still shows it waiting; it is tried again.
            logger.error("cannot record a hub event delivery", metadata: ["callback.event": "\(event.event.eventID)", "error": "\(error)"])
            return false
        }
        // Over, and journaled: the projection says so from now on (the loop reads it only
        // once it holds these reports). A resend starts afresh.
        if next == nil { hubAttempts[key] = nil }
        return next == nil
    }
}
