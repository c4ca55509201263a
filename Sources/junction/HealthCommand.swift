import ArgumentParser
import Events

/// `junction health CONN`: does the connection work? Its state, the reason, its last call,
/// success and error, and the error share of the last hour and day.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Does the connection work? Its state (ok, degraded, failing, quiet, blocked, disconnected) and why.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Argument(help: "The connection id.") var connection: String
    @Option(help: ArgumentHelp("Evaluate at this time instead of now (RFC 3339).", valueName: "TIME")) var now: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(
            .get, "/v1/connections/\(connection)/health" + queryString([("after", "head"), ("now", now)]))
        guard !json, let v = reply.json else {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        print("state         \(v["state"]?.stringValue ?? "") (\(v["reason"]?.stringValue ?? ""))")
        for (key, label) in [("last_request", "last call"), ("last_success", "last success"), ("last_error", "last error")] {
            guard let call = v[key], call != .null else {
                print("\(label.padding(toLength: 13, withPad: " ", startingAt: 0)) none")
                continue
            }
            let text = "\(call["time"]?.stringValue ?? "")  \(call["method"]?.stringValue ?? "") \(call["url"]?.stringValue ?? ""), "
                + "\(call["status"]?.integerValue ?? 0) (log entry \(call["seq"]?.integerValue ?? 0))"
            print("\(label.padding(toLength: 13, withPad: " ", startingAt: 0)) \(text)")
        }
        for (key, label) in [("last_hour", "last hour"), ("last_day", "last day")] {
            let calls = v[key]?["calls"]?.integerValue ?? 0
            let errors = v[key]?["errors"]?.integerValue ?? 0
            print("\(label.padding(toLength: 13, withPad: " ", startingAt: 0)) \(calls) calls, \(errors) errors")
        }
    }
}
