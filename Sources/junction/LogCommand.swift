import ArgumentParser
import Events
import Foundation
import Projections

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "One log entry: its request and response, or one body as a JSON document.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var query: QueryOptions

    @Argument(help: "The connection id.")
    var connection: String

    @Argument(help: "The entry's sequence number (the SEQ column of `junction logs`).")
    var seq: UInt64

    @Flag(help: "Print only the request body, as JSON.")
    var request = false

    @Flag(help: "Print only the response body, as JSON.")
    var response = false

    func validate() throws {
        if request && response { throw ValidationError("give --request or --response, not both") }
    }

    func run() async throws {
        let source = try query.source(global, global.makeLogger("junction.log"))
        defer { source.close() }
        if request || response {
            let body = try await source.body(connection, seq: seq, request: request)
            FileHandle.standardOutput.write(Data(body + [10]))
            return
        }
        let detail = try await source.log(connection, seq: seq)
        if query.json {
            print(String(decoding: detail.serialized, as: UTF8.self))
            return
        }
        let e = detail["entry"] ?? .null
        print("\(e["method"]?.stringValue ?? "") \(e["url"]?.stringValue ?? "") → \(e["status"]?.integerValue ?? 0)")
        print("time      \(e["local_time"]?.stringValue ?? "")")
        print("resource  \(e["resource"]?.stringValue ?? "")")
        print("duration  \(String(format: "%.1f", Double(e["duration_us"]?.integerValue ?? 0) / 1000)) ms")
        if let id = e["request_id"]?.stringValue { print("request   \(id)") }
        if let note = detail["note"]?.stringValue { print("\n\(note)") }
        for part in ["request", "response"] {
            print("\n" + part.uppercased())
            for h in detail[part]?["headers"]?.arrayValue ?? [] {
                print("\(h.arrayValue?.first?.stringValue ?? ""): \(h.arrayValue?.last?.stringValue ?? "")")
            }
            print(String(decoding: (detail[part]?["body"] ?? .null).serialized, as: UTF8.self))
        }
    }
}
