internal import Foundation
public import Events
public import Journal
internal import Domain

/// The hub's callbacks: a connection's subscription, the hub's events, a passive
/// callback's acknowledgements. Deliveries are reported by the notifier as events.
extension Writer {
    /// Sets (creates or replaces) a connection's callback: active with `url`, passive
    /// without. `events` are `resource.event` pairs, kept sorted and once each.
    public func setCallback(_ connectionID: String, url: String?, events: [String], key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        let allowPrivate = allowPrivateCallbacks
        let pairs = Array(Set(events)).sorted()
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            // Which addresses the notifier may call is this daemon's policy, not the hub's rule.
            if let url, !allowPrivate, let host = URL(string: url)?.host, AddressPolicy.isPrivateLiteral(host) {
                throw DomainError.invalid("url", "\(host) is a loopback or private address (the daemon's --allow-private-callbacks permits it)")
            }
            return try s.decide(.callbackSet(CallbackSet(connectionID: connectionID, url: url, events: pairs)), at: time)
        }
    }

    /// Deletes a connection's callback; its waiting events go with it.
    public func deleteCallback(_ connectionID: String, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.callbackDeleted(CallbackDeleted(connectionID: connectionID)), at: time)
        }
    }

    /// A passive callback's app acknowledges one of its waiting events (the caller checked
    /// it waits: that is the projection's to know).
    public func acknowledgeHubEvent(_ connectionID: String, eventID: String) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.callbackEventAcknowledged(CallbackEventAcknowledged(connectionID: connectionID, eventID: eventID)), at: time)
        }
    }

    /// Delivers a dropped event again (the caller checked it was dropped).
    public func resendHubEvent(_ connectionID: String, eventID: String, actor: String) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.callbackEventResent(CallbackEventResent(connectionID: connectionID, eventID: eventID, actor: actor)), at: time)
        }
    }

    /// Publishes the hub's events, all or nothing, each given its id here; the ids in order.
    /// A retry under the same idempotency key is given the first append's ids.
    public func publishHubEvents(
        _ events: [(time: Timestamp, event: HubEventPublished)], key: IdempotencyKey? = nil
    ) async throws(HubError) -> (appended: Appended, ids: [String]) {
        var generator = SystemRandomNumberGenerator()
        let stamped = events.map { item -> Event in
            var e = item.event
            e.eventID = Writer.newHubEventID(&generator)
            return Event(time: item.time, .hubEventPublished(e))
        }
        let appended = try await appendEvents(stamped, key: key)
        guard appended.replayed else {
            return (appended, stamped.compactMap { if case .hubEventPublished(let e) = $0.payload { e.eventID } else { nil } })
        }
        var ids: [String] = []
        do {
            for seq in appended.range {
                guard let bytes = try journal.record(seq), case .hubEventPublished(let e) = try BinaryEventCodec.decode(bytes).payload else {
                    continue
                }
                ids.append(e.eventID)
            }
        } catch {
            throw HubError.failed("the first append's events could not be read: \(error)")
        }
        return (appended, ids)
    }

    /// Ten characters of `a-z0-9`, as the hub's ids are short: 51 bits of randomness.
    static func newHubEventID(_ generator: inout SystemRandomNumberGenerator) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        return String(decoding: (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }, as: UTF8.self)
    }
}
