import ArgumentParser
import Dispatch
import Foundation
import Journal
import Projections

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Run one projector: follow the journal and keep a projection current.",
        discussion: """
            Applies each batch of events and its checkpoint in one transaction, so it can be
            killed at any moment and resumes where its last commit left it. Stops cleanly on
            SIGTERM or SIGINT. Projections: \(ProjectionCatalog.names.joined(separator: ", ")).
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The projection to run.")
    var name: String

    @Option(help: ArgumentHelp("Stop when this process (the supervising daemon) dies.", visibility: .hidden))
    var parentPid: Int32?

    func validate() throws {
        guard ProjectionCatalog.type(named: name) != nil else {
            throw ValidationError("unknown projection \"\(name)\" (known: \(ProjectionCatalog.names.joined(separator: ", ")))")
        }
    }

    /// The arguments that run this command, spelled as its options are above: how the
    /// daemon starts its projectors.
    static func arguments(_ name: String, data: String, logLevel: String, parentPID: Int32) -> [String] {
        [configuration.commandName!, name, "--data", data, "--log-level", logLevel, "--parent-pid", "\(parentPID)"]
    }

    func run() async throws {
        // Catch SIGTERM and SIGINT first thing, so a stop that comes while the projector
        // opens its stores is not lost.
        let signals = StopSignals()
        guard signals.stopWithParent(parentPid) else { return }
        let logger = global.makeLogger("junction.project.\(name)")
        let data = global.dataDirectory
        let type = ProjectionCatalog.type(named: name)!
        let projector: Projector
        do {
            let journal = try data.openJournalForReading(logger: logger)
            let store = try ProjectionStore(type, at: data.projectionPath(name), readOnly: false, lockingFor: "junction project \(name)")
            projector = try Projector(journal: journal, store: store, type: type, logger: logger)
        } catch let error as JournalError {
            throw CommandFailure(error.description)
        } catch let error as ProjectionError {
            throw CommandFailure(error.description)
        }
        try await signals.run { try await projector.run() }
    }
}
