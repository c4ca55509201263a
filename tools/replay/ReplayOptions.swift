import ArgumentParser
import Events
import Foundation
import Journal
import Logging
import Projections

/// Options every replay subcommand takes.
struct ReplayOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The data directory (default: $JUNCTION_DATA or ./data).", valueName: "DIR"))
    var data: String?

    @Option(help: "Log level.")
    var logLevel: String = "warning"

    var dataDirectory: DataDirectory {
        DataDirectory(data ?? ProcessInfo.processInfo.environment["JUNCTION_DATA"] ?? "./data")
    }

    func makeLogger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        return logger
    }
}

/// Which projections a subcommand works on.
struct ProjectionChoice: ParsableArguments {
    @Option(name: .customLong("projection"), help: "A projection (connections, activity, logs); repeatable; default: all.")
    var names: [String] = []

    func validate() throws {
        for n in names where ProjectionCatalog.type(named: n) == nil {
            throw ValidationError("unknown projection \"\(n)\" (known: \(ProjectionCatalog.names.joined(separator: ", ")))")
        }
    }

    var types: [any Projection.Type] {
        names.isEmpty ? ProjectionCatalog.all : names.compactMap(ProjectionCatalog.type(named:))
    }
}

/// A one-line progress bar with events per second, drawn on standard error only when it
/// is a terminal.
// @unchecked Sendable: rebuild threads report to it; `update` draws under `lock`.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let total: UInt64
    private let start: UInt64
    private let began = ContinuousClock.now
    private var lastDraw = ContinuousClock.now
    private let enabled = isatty(2) == 1

    init(label: String, from start: UInt64, to total: UInt64) {
        self.label = label
        self.start = start
        self.total = total
    }

    func update(_ position: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        guard enabled, ContinuousClock.now - lastDraw > .milliseconds(100) || position >= total else { return }
        lastDraw = .now
        let done = total > start ? Double(position - start) / Double(total - start) : 1
        let width = 30
        let filled = Int(done * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r%@ [%@] %3.0f%% %llu/%llu %@ ev/s", label, bar, done * 100, position, total,
                          Self.rate(position - start, over: .now - began))
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    static func rate(_ count: UInt64, over duration: Duration) -> String {
        let seconds = duration.secondsWithFraction
        return seconds > 0 ? String(format: "%.0f", Double(count) / seconds) : "-"
    }
}

struct ReplayFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Turns the libraries' errors into messages.
func reporting<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as JournalError {
        throw ReplayFailure(error.description)
    } catch let error as ProjectionError {
        throw ReplayFailure(error.description)
    }
}
