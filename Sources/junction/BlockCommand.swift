import ArgumentParser
import Events
import Foundation

struct BlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block", abstract: "Stop an app's access to the API for now (through the daemon).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var change: StatusChangeOptions
    func run() async throws { try await change.send("block", "blocked", global: global, socket: socket) }
}
