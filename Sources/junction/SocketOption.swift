import ArgumentParser
import Events
import Foundation

/// The daemon's socket, for commands that only the writer can carry out.
struct SocketOption: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon's Unix socket (default: <data>/junction.sock).", valueName: "PATH"))
    var socket: String?

    func client(_ global: GlobalOptions) -> SocketClient {
        SocketClient(socketPath: socket ?? global.dataDirectory.root + "/junction.sock")
    }
}

/// Prints a command's receipt: JSON, or a line for people.
func printReceipt(_ reply: SocketClient.Reply, json: Bool, _ describe: (JSONValue) -> String) {
    if json {
        print(String(decoding: reply.body, as: UTF8.self))
    } else if let value = reply.json {
        print(describe(value))
    }
}
