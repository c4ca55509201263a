import Answers
import ArgumentParser
import Events
import Foundation
import Journal
import Projections

/// Retention on the command line (days).
struct RetentionOptions: ParsableArguments {
    @Option(help: "Days request bodies are kept.") var bodyDays: Int = 30
    @Option(help: "Days log entries are kept (older ones fold into per-day counts).") var logDays: Int = 90
    @Option(help: "Days a disconnected connection's history is kept before it folds into a tombstone.") var disconnectedDays: Int = 90
    @Option(help: "Days a tombstone is kept.") var tombstoneDays: Int = 365

    func validate() throws {
        for (name, days) in [("--body-days", bodyDays), ("--log-days", logDays), ("--disconnected-days", disconnectedDays),
                             ("--tombstone-days", tombstoneDays)] where !(0...36_500).contains(days) {
            throw ValidationError("\(name) must be from 0 to 36500")
        }
    }

    var policy: RetentionPolicy {
        RetentionPolicy(bodyDays: bodyDays, logDays: logDays, disconnectedDays: disconnectedDays, tombstoneDays: tombstoneDays)
    }
}

struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Drop expired bodies, fold old log entries and retired connections, keeping every answer within retention.",
        discussion: """
            Offline (refuses to run beside the daemon; with --socket, asks the daemon to do it
            online instead). Brings the projections up to date first, compacts in bounded
            transactions, then lets the projections apply the same retention. LMDB does not
            shrink its file: --copy DEST also writes a compacted copy of the data directory.
            See docs/compaction.md.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var retention: RetentionOptions

    @Option(help: "Compact as if it were this time (RFC 3339; default: now).")
    var now: String?

    @Option(help: ArgumentHelp("Then write a compacted copy of the data directory here (must not exist).", valueName: "DEST"))
    var copy: String?

    @Option(help: ArgumentHelp("Ask the daemon listening on this socket to compact, online.", valueName: "PATH"))
    var socket: String?

    @Option(help: "Events per write transaction (smaller: shorter pauses for other writers, more commits).")
    var chunk: Int = 2000

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard chunk > 0 else { throw ValidationError("--chunk must be at least 1") }
        if let now, Timestamp(rfc3339: now) == nil { throw ValidationError("--now: \"\(now)\" is not an RFC 3339 time") }
        if copy != nil && socket != nil { throw ValidationError("--copy works offline only, not with --socket") }
        if let copy, FileManager.default.fileExists(atPath: copy) { throw ValidationError("--copy: \(copy) already exists") }
    }

    func run() async throws {
        let at = now.flatMap(Timestamp.init(rfc3339:)) ?? .now
        if let socket {
            var w = JSONWriter()
            w.beginObject()
            w.string("now", at.rfc3339)
            w.integer("body_days", Int64(retention.bodyDays))
            w.integer("log_days", Int64(retention.logDays))
            w.integer("disconnected_days", Int64(retention.disconnectedDays))
            w.integer("tombstone_days", Int64(retention.tombstoneDays))
            w.endObject()
            let reply = try await SocketClient(socketPath: socket).send(.post, "/v1/compact", body: w.bytes)
            let answer = try decoded(reply.body, CompactionAnswer.init(json:))
            print(json ? jsonText { answer.writeJSON(&$0) } : answer.summary)
            return
        }
        let logger = global.makeLogger("junction.compact")
        let data = global.dataDirectory
        do {
            let journal = try data.openJournalForWriting(purpose: "junction compact", logger: logger)
            defer { journal.close() }
            let report = try await Compaction.run(
                journal: journal, projectors: .caughtUpHere(data), policy: retention.policy, now: at, chunk: chunk, logger: logger)
            let answer = CompactionAnswer(report)
            print(json ? jsonText { answer.writeJSON(&$0) } : answer.summary)
            if let copy { try copyCompacted(data, journal: journal, to: copy) }
        } catch let error as JournalError {
            throw CommandFailure(error.description)
        } catch let error as ProjectionError {
            throw CommandFailure(error.description)
        }
    }

    /// A compacted copy of every environment of the data directory, and its key.
    private func copyCompacted(_ data: DataDirectory, journal: Journal, to destination: String) throws {
        _ = try DataDirectoryCopy.write(from: data, journal: journal, to: destination, projections: true)
        let size = { (path: String) in ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0 }
        let target = DataDirectory(destination)
        print("copied to \(destination): journal \(size(data.journalPath + "/data.mdb")) → \(size(target.journalPath + "/data.mdb")) bytes")
    }
}
