import ArgumentParser
import Events
import Foundation

struct UnblockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock", abstract: "Restore a blocked app's access (through the daemon).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var change: StatusChangeOptions
    func run() async throws { try await change.send("unblock", "unblocked", global: global, socket: socket) }
}
