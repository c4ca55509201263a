import ArgumentParser

/// Long-running fault tools for Junction's reliability tests. Each stops by itself or
/// when killed; tests kill them on purpose.
@main
struct Chaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junction-chaos",
        abstract: "Fault-injection helpers for Junction's reliability tests.",
        subcommands: [AppendLoop.self, KillLoop.self, HoldReader.self]
    )
}
