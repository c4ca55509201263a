import ArgumentParser
import Events
import Foundation

struct DisconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect", abstract: "Remove a connection for good: its token dies at once (through the daemon).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var change: StatusChangeOptions
    func run() async throws { try await change.send("disconnect", "disconnected", global: global, socket: socket) }
}
