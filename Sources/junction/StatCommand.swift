import ArgumentParser
import Events
import Journal

struct StatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stat", abstract: "Show the journal's head, event count and sizes.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let logger = global.makeLogger("junction.stat")
        let stats: Journal.Statistics
        let id: String
        do {
            let journal = try global.dataDirectory.openJournalForReading(logger: logger)
            stats = try journal.statistics()
            id = journal.id
            journal.close()
        } catch let error as JournalError {
            throw CommandFailure(error.description)
        }
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.string("journal_id", id)
            w.unsigned("head", stats.head)
            if let first = stats.first { w.unsigned("first", first) } else { w.null("first") }
            w.integer("count", Int64(stats.count))
            w.integer("event_bytes", Int64(stats.eventBytes))
            w.integer("used_bytes", Int64(stats.usedBytes))
            w.integer("file_bytes", Int64(stats.fileBytes))
            w.integer("map_size", Int64(stats.mapSize))
            w.endObject()
            print(String(decoding: w.bytes, as: UTF8.self))
        } else {
            print("journal     \(id)")
            print("head        \(stats.head)")
            print("first       \(stats.first.map(String.init) ?? "-")")
            print("count       \(stats.count)")
            print("event bytes \(stats.eventBytes) (\(human(stats.eventBytes)))")
            print("used bytes  \(stats.usedBytes) (\(human(stats.usedBytes)))")
            print("file bytes  \(stats.fileBytes) (\(human(stats.fileBytes)))")
        }
    }

    private func human(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
