import ArgumentParser
import Events
import Foundation

struct CallbacksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callbacks", abstract: "A disconnected connection's callback deliveries: each attempt, its answer, the next try.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Argument(help: "The connection id.") var connection: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(.get, "/v1/connections/\(connection)/callbacks?after=head")
        guard !json, let v = reply.json else {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        print("callback URL  \(v["callback_url"]?.stringValue ?? "(none)")")
        print("delivered     \(v["delivered"] == .bool(true) ? "yes" : "no")\(v["pending"] == .bool(true) ? ", a delivery is pending" : "")")
        for r in v["records"]?.arrayValue ?? [] {
            let time = r["time"]?.stringValue ?? ""
            if r["type"]?.stringValue == "resend_requested" {
                print("\(time)  resend requested by \(r["actor"]?.stringValue ?? "") (\(r["delivery_id"]?.stringValue ?? ""))")
                continue
            }
            let outcome = r["status"]?.integerValue.map { "HTTP \($0)" } ?? "error: \(r["error"]?.stringValue ?? "")"
            let next = r["next_attempt_at"]?.stringValue.map { ", next try \($0)" } ?? ""
            print("\(time)  attempt \(r["attempt"]?.integerValue ?? 0) of \(r["delivery_id"]?.stringValue ?? ""): \(outcome)\(next)")
        }
    }
}
