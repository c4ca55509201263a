import ArgumentParser
import Foundation

/// `junction hub-event publish`: the hub's API publishing its changes by hand (a script, a
/// test): NDJSON on standard input, one event a line, all or nothing.
struct HubEventCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub-event", abstract: "Publish the hub's events (through the daemon).",
        subcommands: [HubEventPublishCommand.self])
}

struct HubEventPublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Publish hub events from NDJSON on standard input; prints their ids.",
        discussion: """
            One event a line, as apps will see it without its id: resource_type, event_type,
            location_id, the resource's ids (order_id, customer_list_id, …), new_state,
            previous_state or state_change, and optionally created_at and caused_by (the
            connection whose call made the change, which is not sent its own event).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        guard input.contains(where: { $0 != 10 && $0 != 13 && $0 != 32 }) else { throw CommandFailure("no events on standard input") }
        let reply = try await socket.client(global).send(.post, "/v1/hub-events", body: input, contentType: "application/x-ndjson")
        printReceipt(reply, json: json) { v in
            (v["ids"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "\n")
        }
    }
}
