import ArgumentParser

/// `junction catalog add|list`: the catalogs the grant and Reconnecter offer (through the daemon).
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Register and list catalogs (through the daemon).",
        subcommands: [CatalogAddCommand.self, CatalogListCommand.self])
}

struct CatalogAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register a catalog of an account or of one of its locations.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var list: ListAddOptions

    func run() async throws { try await list.run(.catalog, global, socket) }
}

struct CatalogListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The catalogs a connection to this place may be granted: id, owner, name.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @OptionGroup var list: ListListOptions

    func run() async throws { try await list.run(.catalog, global, socket) }
}
