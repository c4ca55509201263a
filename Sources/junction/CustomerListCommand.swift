import ArgumentParser

/// `junction customer-list add|list`: the customer lists the grant and Reconnecter offer (through the daemon).
struct CustomerListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer-list", abstract: "Register and list customer lists (through the daemon).",
        subcommands: [CustomerListAddCommand.self, CustomerListListCommand.self])
}

struct CustomerListAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register a customer list of an account or of one of its locations.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var list: ListAddOptions

    func run() async throws { try await list.run(.customerList, global, socket) }
}

struct CustomerListListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The customer lists a connection to this place may be granted: id, owner, name.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var list: ListListOptions

    func run() async throws { try await list.run(.customerList, global, socket) }
}
