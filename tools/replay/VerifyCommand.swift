import ArgumentParser
import Foundation
import Journal
import Projections

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Rebuild beside the live projections and compare them; exit 1 at the first difference.",
        discussion: "Each projection is rebuilt up to its live checkpoint, so a projector that is behind is not a difference.")

    @OptionGroup var options: ReplayOptions
    @OptionGroup var choice: ProjectionChoice

    func run() throws {
        let logger = options.makeLogger("junction.replay")
        let data = options.dataDirectory
        let journal = try reporting { try data.openJournalForReading(logger: logger) }
        defer { journal.close() }
        let scratch = NSTemporaryDirectory() + "junction-verify-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var failed = false
        for type in choice.types {
            let live = try reporting { try ProjectionStore(type, at: data.projectionPath(type.name), readOnly: true) }
            // A running projector may move on while we rebuild: compare again at its new
            // checkpoint before calling it a difference.
            var outcome: (UInt64, String?) = (0, nil)
            for _ in 0..<3 {
                let checkpoint = try live.checkpoint()
                _ = try reporting {
                    try ProjectionBuilder.rebuild(type, journal: journal, at: scratch + "/" + type.name, upTo: checkpoint, logger: logger)
                }
                let rebuilt = try ProjectionStore(type, at: scratch + "/" + type.name, readOnly: true)
                outcome = (checkpoint, try ProjectionBuilder.firstDifference(live, rebuilt))
                let now = try live.checkpoint()
                if outcome.1 == nil || now == checkpoint { break }
            }
            if let difference = outcome.1 {
                print("\(type.name): DIFFERS at checkpoint \(outcome.0): \(difference)")
                failed = true
            } else {
                print("\(type.name): identical to a replay up to event \(outcome.0)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
