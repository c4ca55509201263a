import ArgumentParser

/// The in-process half of `tools/bench-compare`: each subcommand measures one thing through
/// Junction's own libraries and prints one JSON object on standard output.
@main
struct JunctionBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junction-bench",
        abstract: "In-process measurements for tools/bench-compare (one JSON object each).",
        subcommands: [RecordsCommand.self, AppendCommand.self, ReplayCommand.self, PageCommand.self]
    )
}
