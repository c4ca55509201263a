import ArgumentParser
import Foundation
import Journal
import Projections

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Rebuild beside the live projections and compare them; exit 1 at the first difference.",
        discussion: """
            Each projection is rebuilt up to its live checkpoint, so a projector that is behind is not a \
            difference. One behind a compaction is compared as it will be once it has applied it: a copy \
            of it is caught up to the compaction's marker, the live store is left as it is.
            """)

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
            var outcome: (checkpoint: UInt64, compared: UInt64, difference: String?) = (0, 0, nil)
            for attempt in 0..<3 {
                let checkpoint = try live.checkpoint()
                // Behind a compaction, the live store holds events as they were before it
                // rewrote them: a copy of it is caught up past the compaction and compared.
                let target = try reporting { try ProjectionBuilder.lastCompaction(in: journal, after: checkpoint) } ?? checkpoint
                let place = scratch + "/" + type.name
                _ = try reporting {
                    try ProjectionBuilder.rebuild(type, journal: journal, at: place, upTo: target, logger: logger)
                }
                let rebuilt = try ProjectionStore(type, at: place, readOnly: true)
                let compared = target == checkpoint
                    ? live
                    : try reporting {
                        try ProjectionBuilder.caughtUpCopy(
                            of: live, type, journal: journal, at: scratch + "/live-\(type.name)-\(attempt)", through: target, logger: logger)
                    }
                outcome = (checkpoint, target, try ProjectionBuilder.firstDifference(compared, rebuilt))
                let now = try live.checkpoint()
                if outcome.difference == nil || now == checkpoint { break }
            }
            let behind = outcome.compared == outcome.checkpoint
                ? ""
                : " (its projector was at \(outcome.checkpoint), before the compaction at \(outcome.compared): a copy of it was caught up)"
            if let difference = outcome.difference {
                print("\(type.name): DIFFERS at checkpoint \(outcome.compared)\(behind): \(difference)")
                failed = true
            } else {
                print("\(type.name): identical to a replay up to event \(outcome.compared)\(behind)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
