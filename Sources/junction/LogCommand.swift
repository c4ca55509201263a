import ArgumentParser
import Events
import Foundation
import Projections

struct LogCommand: ParsableCommand {
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

    func run() throws {
        let logger = global.makeLogger("junction.log")
        let queries = try query.open(global, logger)
        defer { queries.close() }
        let detail = try answer { try queries.log(connection, seq: seq) }
        if request || response {
            let body = LogDetail.bodyJSON(request ? detail.request.requestBody : detail.request.responseBody)
            FileHandle.standardOutput.write(Data(body + [10]))
            return
        }
        let zone = try answer { try queries.connection(connection) }.timeZone
        if query.json {
            printJSON { detail.writeJSON(&$0, timeZone: zone) }
            return
        }
        let e = detail.entry
        print("\(e.method.name) \(e.url) → \(e.status)")
        print("time      \(LocalTime.rfc3339(e.time, in: zone)) (\(zone))")
        print("resource  \(e.resource)")
        print("duration  \(String(format: "%.1f", Double(e.durationMicroseconds) / 1000)) ms")
        if let id = e.requestID { print("request   \(id)") }
        print("\nREQUEST")
        for h in detail.request.requestHeaders { print("\(h.name): \(h.value)") }
        print(String(decoding: LogDetail.bodyJSON(detail.request.requestBody), as: UTF8.self))
        print("\nRESPONSE")
        for h in detail.request.responseHeaders { print("\(h.name): \(h.value)") }
        print(String(decoding: LogDetail.bodyJSON(detail.request.responseBody), as: UTF8.self))
    }
}
