import ArgumentParser
import Events

/// `junction alerts`: an account's alerts (or every account's), newest first.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List alerts: connections that entered failing, quiet or degraded, and when they left it.",
        subcommands: [AlertsListCommand.self, AlertsSettingsCommand.self], defaultSubcommand: AlertsListCommand.self)
}

struct AlertsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List alerts, newest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Option(help: "Only this account's alerts (default: every account's).") var account: String?
    @Flag(help: "Only the open ones.") var open = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(
            .get, "/v1/alerts" + queryString([("after", "head"), ("account", account), ("open", open ? "1" : nil)]))
        guard !json, let v = reply.json else {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        let alerts = v["alerts"]?.arrayValue ?? []
        if alerts.isEmpty { print(open ? "no open alert" : "no alert") }
        for a in alerts {
            let state = a["open"] == .bool(true) ? "open" : "resolved \(a["resolved_at"]?.stringValue ?? "") (\(a["resolved_state"]?.stringValue ?? ""))"
            print("\(a["alert_id"]?.stringValue ?? "")  \(a["raised_at"]?.stringValue ?? "")  \(a["connection_id"]?.stringValue ?? "")  "
                + "\(a["condition"]?.stringValue ?? "")  \(state)  — \(a["reason"]?.stringValue ?? "")")
            for n in a["notifications"]?.arrayValue ?? [] {
                let outcome = n["delivered"] == .bool(true) ? "sent" : (n["error"]?.stringValue ?? "waiting")
                print("    \(n["phase"]?.stringValue ?? "") \(n["channel"]?.stringValue ?? "") \(n["address"]?.stringValue ?? ""): "
                    + "\(outcome) after \(n["attempts"]?.integerValue ?? 0) attempt(s)")
            }
        }
    }
}

/// `junction alerts settings CONN --mute`: how a connection's alerts reach its owners.
struct AlertsSettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Show or change a connection's alert settings (muted, alerts on degraded service).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Argument(help: "The connection id.") var connection: String
    @Flag(inversion: .prefixedNo, help: "Mute its alerts: journaled and shown, e-mailed to no one.") var mute: Bool?
    @Flag(inversion: .prefixedNo, help: "Alert on degraded service too, not only failing and quiet.") var degraded: Bool?
    @Option(help: "Who changes them (journaled).") var actor = "operator"
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let client = try socket.client(global)
        if mute != nil || degraded != nil {
            var w = JSONWriter()
            w.beginObject()
            w.string("actor", actor)
            if let mute { w.bool("muted", mute) }
            if let degraded { w.bool("degraded", degraded) }
            w.endObject()
            _ = try await client.send(.put, "/v1/connections/\(connection)/alert-settings", body: w.bytes)
        }
        let reply = try await client.send(.get, "/v1/connections/\(connection)/alert-settings?after=head")
        guard !json, let v = reply.json else {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        print("muted     \(v["muted"] == .bool(true) ? "yes" : "no")")
        print("degraded  \(v["degraded"] == .bool(true) ? "alerts too" : "no alert")")
    }
}
