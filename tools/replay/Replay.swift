import ArgumentParser

/// Rebuilds projections from the journal, checks the live ones, and moves journals in and
/// out as NDJSON.
@main
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junction-replay",
        abstract: "Rebuild and verify Junction's projections; export and import its journal.",
        subcommands: [RebuildCommand.self, VerifyCommand.self, ExportCommand.self, ImportCommand.self]
    )
}
