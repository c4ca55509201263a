import ArgumentParser
import Foundation
import Journal
import Logging
import Projections

/// Rebuilds every projection from a data directory's journal into a scratch directory, in
/// process, and times each.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Rebuild all projections in process.")

    @Option(help: "The data directory.")
    var data: String

    @Option(help: "Where to build (default: <data>/bench-replay, removed afterwards).")
    var out: String?

    func run() throws {
        let logger = Logger(label: "junction.bench")
        let directory = DataDirectory(data)
        let journal = try directory.openJournalForReading(logger: logger)
        defer { journal.close() }
        let head = try journal.head
        let events = try journal.statistics().count
        let target = out ?? data + "/bench-replay"
        let clock = ContinuousClock()
        let started = clock.now
        // The three rebuilds run at once, as `junction-replay rebuild` runs them.
        let rebuilt = try ProjectionBuilder.rebuildConcurrently(
            ProjectionCatalog.all.map { ($0, target + "/" + $0.name) }, journal: journal, upTo: head, logger: logger)
        let seconds = (clock.now - started).seconds
        let each = rebuilt.map { ($0.name, $0.duration.seconds) }
        var sizes: [String: Int] = [:]
        for type in ProjectionCatalog.all {
            let file = target + "/" + type.name + "/data.mdb"
            sizes[type.name] = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
        }
        if out == nil { try? FileManager.default.removeItem(atPath: target) }
        printJSON { w in
            w.integer("events", Int64(events))
            w.value("seconds", .number(seconds))
            w.value("per_second", .number(Double(events) / seconds))
            w.beginObject("projections")
            for (name, s) in each {
                w.beginObject(name)
                w.value("seconds", .number(s))
                w.value("per_second", .number(Double(events) / s))
                w.integer("file_bytes", Int64(sizes[name] ?? 0))
                w.endObject()
            }
            w.endObject()
        }
    }
}
