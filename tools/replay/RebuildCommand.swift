import ArgumentParser
import Events
import Foundation
import Journal
import Projections

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild projections from the journal into fresh environments.",
        discussion: """
            By default into <data>/rebuild/<name>, where `junction connections --projections
            <data>/rebuild` can read them. --until-seq and --at give the state at a past
            moment; --replace swaps the result in for the live projection (only while no
            projector runs it).
            """)

    @OptionGroup var options: ReplayOptions
    @OptionGroup var choice: ProjectionChoice

    @Option(help: "Apply events up to this sequence number only.")
    var untilSeq: UInt64?

    @Option(help: "Apply only events that happened at or before this time (RFC 3339).")
    var at: String?

    @Option(help: ArgumentHelp("Where to build (default: <data>/rebuild).", valueName: "DIR"))
    var out: String?

    @Flag(help: "Replace the live projections with the rebuilt ones.")
    var replace = false

    func validate() throws {
        if let at, Timestamp(rfc3339: at) == nil { throw ValidationError("--at: \"\(at)\" is not an RFC 3339 time") }
        if replace && (untilSeq != nil || at != nil || out != nil) {
            throw ValidationError("--replace rebuilds the whole journal into the live place: no --until-seq, --at or --out")
        }
    }

    func run() throws {
        let logger = options.makeLogger("junction.replay")
        let data = options.dataDirectory
        let journal = try reporting { try data.openJournalForReading(logger: logger) }
        defer { journal.close() }
        let head = try reporting { try journal.head }
        let limit = untilSeq ?? head
        var filter: Projector.EventFilter?
        if let at, let cutoff = Timestamp(rfc3339: at) {
            filter = { (_: UInt64, event: Event) -> Bool in event.time <= cutoff }
        }
        let outDirectory = out ?? data.root + "/rebuild"
        var locks: [DirectoryLock] = []
        var jobs: [(type: any Projection.Type, path: String)] = []
        for type in choice.types {
            if replace {
                let live = data.projectionPath(type.name)
                try PrivateFiles.createDirectory(live)
                locks.append(try reporting { try DirectoryLock(directory: live, purpose: "junction-replay rebuild --replace") })
                jobs.append((type, data.projectionsPath + "/.\(type.name).rebuild"))
            } else {
                jobs.append((type, outDirectory + "/" + type.name))
            }
        }
        // Each projection on its own thread: the rebuild takes about as long as the slowest.
        let bar = ProgressBar(label: jobs.map { $0.type.name }.joined(separator: "+"), from: 0, to: limit)
        let rebuilt = try reporting {
            try ProjectionBuilder.rebuildConcurrently(jobs, journal: journal, upTo: limit, filter: filter, logger: logger) {
                bar.update($0)
            }
        }
        bar.finish()
        for result in rebuilt {
            var place = result.path
            if replace {
                let live = data.projectionPath(result.name)
                // Keep the live directory (it holds the lock file): swap the data files.
                for file in ["data.mdb", "lock.mdb"] {
                    _ = try? FileManager.default.removeItem(atPath: live + "/" + file)
                    try FileManager.default.moveItem(atPath: result.path + "/" + file, toPath: live + "/" + file)
                }
                try? FileManager.default.removeItem(atPath: result.path)
                place = live
            }
            let seconds = result.duration.secondsWithFraction
            print(String(format: "rebuilt %@ to event %llu in %.2f s (%@ events/s) at %@", result.name, result.checkpoint, seconds,
                         ProgressBar.rate(result.checkpoint, over: result.duration), place))
        }
        // The live stores' locks go only once their new files are in place.
        locks.removeAll()
    }
}
