import Answers
import ArgumentParser
import Domain
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
            print(jsonText { detail.writeJSON(&$0) })
            return
        }
        let e = detail.entry
        print("\(e.method) \(e.url) → \(e.status)")
        print("time      \(e.localTime)")
        print("resource  \(e.resource)")
        print("duration  \(String(format: "%.1f", Double(e.durationMicroseconds) / 1000)) ms")
        if let id = e.requestID { print("request   \(id)") }
        if detail.bodiesExpired { print("\n\(LogDetailAnswer.expiredNote)") }
        for (name, part) in [("request", detail.request), ("response", detail.response)] {
            print("\n" + name.uppercased())
            for h in part.headers { print("\(h.name): \(h.value)") }
            // Bodies are JSON documents: shown in the API's compact form.
            print(String(decoding: ((try? JSONParser.parse(part.body)) ?? .null).serialized, as: UTF8.self))
        }
    }
}
