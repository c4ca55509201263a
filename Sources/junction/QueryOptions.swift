import ArgumentParser
import Events
import Foundation
import Journal
import Logging
import Projections
import Domain

/// Options of the commands that read projections.
struct QueryOptions: ParsableArguments {
    @Flag(help: "Answer from the projections as they are, without first bringing them up to the journal's head.")
    var noCatchUp = false

    @Option(help: ArgumentHelp("Read projections from this directory (e.g. a junction-replay rebuild) instead of <data>/projections.", valueName: "DIR"))
    var projections: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: ArgumentHelp("Ask the daemon listening on this socket instead of reading the data directory.", valueName: "PATH"))
    var socket: String?

    /// The daemon's socket, or the projections on disk.
    func source(_ global: GlobalOptions, _ logger: Logger) throws -> QuerySource {
        if let socket { return .socket(SocketClient(socketPath: socket)) }
        return .local(try open(global, logger))
    }

    /// Opens the queries, first catching up the projections no projector is running.
    func open(_ global: GlobalOptions, _ logger: Logger) throws -> Queries {
        let data = global.dataDirectory
        do {
            if !noCatchUp && projections == nil {
                let journal = try data.openJournalForReading(logger: logger)
                try ProjectionBuilder.catchUpLive(data: data, journal: journal, logger: logger)
                journal.close()
            }
            return try Queries(data: data, projectionsDirectory: projections, logger: logger)
        } catch let error as JournalError {
            throw CommandFailure(error.description)
        } catch let error as ProjectionError {
            throw CommandFailure(error.description)
        }
    }
}

/// Runs a query, turning its errors into messages.
func answer<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ProjectionError {
        throw CommandFailure(error.description)
    } catch let error as JournalError {
        throw CommandFailure(error.description)
    }
}

/// A time given on the command line: RFC 3339, or a date meaning local midnight in `zone`.
func parseTime(_ text: String, zone: String, option: String) throws -> Timestamp {
    if let t = Timestamp(rfc3339: text) { return t }
    if let day = LocalDay(text) {
        let utcMidnight = Timestamp(seconds: day.number * 86_400)
        let offset = LocalTime.offset(zone, at: utcMidnight)
        return Timestamp(seconds: day.number * 86_400 - Int64(offset))
    }
    throw ValidationError("\(option): \"\(text)\" is neither an RFC 3339 time (2026-11-29T09:14:03Z) nor a date (2026-11-29)")
}

func printJSON(_ write: (inout JSONWriter) -> Void) {
    var w = JSONWriter()
    write(&w)
    print(String(decoding: w.bytes, as: UTF8.self))
}

/// Pads or cuts `text` to `width` characters, the last always a space so a cut value
/// (ending in `…`) never runs into the next column.
func column(_ text: String, _ width: Int) -> String {
    if text.count >= width { return String(text.prefix(max(width - 2, 0))) + "… " }
    return text + String(repeating: " ", count: width - text.count)
}
