import ArgumentParser
import Events
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "The daemon's journal head and each projector's checkpoint, lag and restarts.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(.get, "/v1/status")
        guard !json, let v = reply.json else {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        let j = v["journal"] ?? .null
        print("journal  head \(j["head"]?.integerValue ?? 0), \(j["count"]?.integerValue ?? 0) events, \(j["used_bytes"]?.integerValue ?? 0) bytes, durability \(j["durability"]?.stringValue ?? "")")
        for p in v["projections"]?.arrayValue ?? [] {
            print(column(p["name"]?.stringValue ?? "", 12) + "checkpoint \(p["checkpoint"]?.integerValue ?? 0), lag \(p["lag"]?.integerValue ?? 0), restarts \(p["restarts"]?.integerValue ?? 0), \(p["state"]?.stringValue ?? "")")
        }
    }
}
