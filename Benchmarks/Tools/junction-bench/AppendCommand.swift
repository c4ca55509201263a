import ArgumentParser
import Foundation
import Journal
import Logging

/// Appends a record file to a new journal through `Journal.append`, one batch at a time,
/// each awaited (so each is its own durable commit, as in the C loop it is compared with).
struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "append", abstract: "Durable appends through the Swift API.")

    @Option(help: "A file written by `records`.")
    var records: String

    @Option(help: "The new journal's directory.")
    var journal: String

    @Option(help: "Records per append.")
    var batch: Int = 100

    @Option(help: "Concurrent appenders (more than 1 shares commits: group commit).")
    var concurrency: Int = 1

    func validate() throws {
        guard batch >= 1, concurrency >= 1 else { throw ValidationError("--batch and --concurrency must be at least 1") }
    }

    func run() async throws {
        let (batches, count, bytes) = try readBatches(records, size: batch)
        let journal = try Journal.create(at: journal, logger: Logger(label: "junction.bench"))
        defer { journal.close() }
        let clock = ContinuousClock()
        let started = clock.now
        let latencies = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var mine = Latencies()
                    var i = worker
                    while i < batches.count {
                        let t = clock.now
                        _ = try await journal.append(batches[i])
                        mine.add(clock.now - t)
                        i += concurrency
                    }
                    return mine
                }
            }
            var all = Latencies()
            for try await part in group { for s in part.samples { all.add(.seconds(s)) } }
            return all
        }
        let seconds = (clock.now - started).seconds
        printJSON { w in
            w.integer("records", Int64(count))
            w.integer("bytes", Int64(bytes))
            w.integer("batch", Int64(batch))
            w.integer("concurrency", Int64(concurrency))
            w.integer("commits", Int64(journal.transactionCount))
            w.value("seconds", .number(seconds))
            w.value("per_second", .number(Double(count) / seconds))
            latencies.write(&w)
        }
    }
}
