import ArgumentParser
import Events
import Foundation

/// `junction callback CONN`: a connection's callback for the hub's events: its URL or
/// passive mode, the events it listens to, what waits, and the delivery attempts.
struct CallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback", abstract: "A connection's callback: URL or passive, events listened to, waiting events, deliveries.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Argument(help: "The connection id.") var connection: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(.get, "/v1/connections/\(connection)/callback?after=head")
        guard !json, let v = reply.json else {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        guard let callback = v["callback"], callback != .null else {
            print("no callback")
            return
        }
        print("callback  \(callback["url"]?.stringValue ?? "passive (the app polls GET /v1/callback/events)")")
        if case .object(let resources)? = callback["events"] {
            let pairs = resources.flatMap { r in (r.value.arrayValue ?? []).compactMap { $0.stringValue.map { "\(r.key).\($0)" } } }
            print("events    \(pairs.joined(separator: ", "))")
        }
        let waiting = v["waiting"]?.arrayValue ?? []
        print("waiting   \(waiting.count)")
        for e in waiting {
            let fate = (e["attempts"]?.integerValue ?? 0) == 0 ? "not tried yet"
                : "\(e["attempts"]?.integerValue ?? 0) attempts, last \(e["last_status"]?.integerValue.map { "HTTP \($0)" } ?? "no answer")"
            print("  \(e["id"]?.stringValue ?? "")  \(e["resource_type"]?.stringValue ?? "").\(e["event_type"]?.stringValue ?? "")  \(e["created_at"]?.stringValue ?? "")  \(fate)")
        }
        let deliveries = v["deliveries"]?.arrayValue ?? []
        if !deliveries.isEmpty { print("deliveries (junction deliveries \(connection) for each attempt): \(deliveries.count)") }
    }
}

/// `junction deliveries CONN [--failed]`: every attempt to deliver a hub event to the connection.
struct DeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries", abstract: "A connection's hub event deliveries: time, event, attempt, answer, duration.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Argument(help: "The connection id.") var connection: String
    @Flag(help: "Only the attempts that failed (no answer, or 500 and above).") var failed = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(
            .get, "/v1/connections/\(connection)/callback?after=head" + (failed ? "&failed=1" : ""))
        let deliveries = reply.json?["deliveries"]?.arrayValue ?? []
        if json {
            var w = JSONWriter()
            w.beginArray()
            for d in deliveries { w.value(nil, d) }
            w.endArray()
            print(String(decoding: w.bytes, as: UTF8.self))
            return
        }
        for d in deliveries {
            let outcome = d["status"]?.integerValue.map { "HTTP \($0)" } ?? "error: \(d["error"]?.stringValue ?? "")"
            let next = d["next_attempt_at"]?.stringValue.map { ", next try \($0)" } ?? ""
            print("\(d["time"]?.stringValue ?? "")  \(d["event_id"]?.stringValue ?? "")  attempt \(d["attempt"]?.integerValue ?? 0)  \(outcome)  \(d["duration_ms"]?.integerValue ?? 0) ms\(next)")
        }
    }
}
