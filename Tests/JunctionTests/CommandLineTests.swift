import Events
import Foundation
import Journal
import Logging
import TestSupport
import Testing

let quiet = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }

/// A small valid sample: registrations, a connection and two requests.
let sampleLines = [
    #"{"event":"accountRegistered","time":"2026-11-01T09:00:00Z","account_id":"3r4s3","name":"Pizzeria Napoli","time_zone":"Europe/Paris"}"#,
    #"{"event":"locationRegistered","time":"2026-11-01T09:01:00Z","location_id":"3r4s3-1","account_id":"3r4s3","name":"Napoli Bastille","time_zone":"Europe/Paris"}"#,
    #"{"event":"appRegistered","time":"2026-11-01T09:02:00Z","app_id":"pos1","name":"Caisse Pro","level":"location","scope":"location[orders.write,catalog.read]"}"#,
    #"{"event":"connectionCreated","time":"2026-11-01T09:03:00Z","connection_id":"c1","app_id":"pos1","account_id":"3r4s3","location_id":"3r4s3-1","scope":"location[orders.write,catalog.read]","token_digest":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","token_hint":"9f3a"}"#,
    #"{"event":"requestLogged","time":"2026-11-01T09:04:00Z","connection_id":"c1","method":"POST","resource":"orders","url":"/locations/3r4s3-1/orders","status":201,"request_body":"{\"items\":[]}"}"#,
    #"{"event":"requestLogged","time":"2026-11-01T09:05:00Z","connection_id":"c1","method":"GET","resource":"catalogs","url":"/catalogs/psmlf","status":200,"response_body":"{\"categories\":[]}"}"#,
]

func lines(_ text: [String]) -> [UInt8] { Array((text.joined(separator: "\n") + "\n").utf8) }

func initialized(_ dir: TemporaryDirectory) throws -> String {
    let data = dir.path + "/data"
    let result = try run(Executables.junction, ["init", "--data", data])
    #expect(result.status == 0, "\(result.stderr)")
    return data
}

func stat(_ data: String) throws -> JSONValue {
    let result = try run(Executables.junction, ["stat", "--data", data, "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    return try JSONParser.parse(result.stdout)
}

struct CommandLineTests {
    @Test func initAppendTailAndStat() throws {
        let dir = TemporaryDirectory("cli")
        let data = try initialized(dir)
        let appended = try run(Executables.junction, ["append", "--data", data], input: lines(sampleLines))
        #expect(appended.status == 0, "\(appended.stderr)")
        #expect(appended.output == "appended 6 events: 1…6\n")
        let tail = try run(Executables.junction, ["tail", "--data", data, "--from", "5"])
        let tailLines = tail.output.split(separator: "\n")
        #expect(tailLines.count == 2)
        #expect(tailLines.first?.hasPrefix(#"{"seq":5,"event":"requestLogged","time":"2026-11-01T09:04:00.000000Z""#) == true)
        let s = try stat(data)
        #expect(s["head"] == .integer(6))
        #expect(s["count"] == .integer(6))
        #expect(s["first"] == .integer(1))
        let again = try run(Executables.junction, ["init", "--data", data])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))
    }

    /// Foundation's deletingLastPathComponent traps on "d": init once crashed on it.
    @Test func initTakesARelativeDataDirectoryOfOneLetter() throws {
        let dir = TemporaryDirectory("cli")
        for path in ["d", "e/", "f/g"] {
            let result = try run(Executables.junction, ["init", "--data", path], in: dir.path)
            #expect(result.status == 0, "\(path): \(result.stderr)")
            let appended = try run(Executables.junction, ["append", "--data", path], input: lines(sampleLines), in: dir.path)
            #expect(appended.output == "appended 6 events: 1…6\n", "\(path): \(appended.stderr)")
        }
    }

    @Test func aMalformedLineIsRefusedWithItsNumberAndNothingIsAppended() throws {
        let dir = TemporaryDirectory("cli")
        let data = try initialized(dir)
        var bad = sampleLines
        bad.insert(#"{"event":"requestLogged","time":"2026-11-01T09:04:00Z","connection_id":"c1","method":"POST","resource":"orders","url":"/o","status":"201"}"#, at: 3)
        let result = try run(Executables.junction, ["append", "--data", data], input: lines(bad))
        #expect(result.status != 0)
        #expect(result.stderr.contains("line 4: status: expected an integer, found string; nothing was appended"), "\(result.stderr)")
        let truncated = try run(Executables.junction, ["append", "--data", data], input: Array((sampleLines[0] + "\n" + sampleLines[1].prefix(40)).utf8))
        #expect(truncated.status != 0)
        #expect(truncated.stderr.contains("line 2: malformed JSON"), "\(truncated.stderr)")
        #expect(try stat(data)["head"] == .integer(0))
        let empty = try run(Executables.junction, ["append", "--data", data], input: Array("\n  \n".utf8))
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("no events"))
    }

    @Test func appendRefusesToRunBesideAnotherWriter() throws {
        let dir = TemporaryDirectory("cli")
        let data = try initialized(dir)
        let lock = try DataDirectory(data).lockForWriting(purpose: "junction serve")
        let result = try run(Executables.junction, ["append", "--data", data], input: lines(sampleLines))
        #expect(result.status != 0)
        #expect(result.stderr.contains("in use by pid \(getpid()) (junction serve)"), "\(result.stderr)")
        withExtendedLifetime(lock) {}
        #expect(try stat(data)["head"] == .integer(0))
    }

    @Test func tailOutputAppendsBackIntoAnIdenticalJournal() throws {
        let dir = TemporaryDirectory("cli")
        let data = try initialized(dir)
        var gen = RandomEvents(seed: 77, maxBodyBytes: 100_000)
        let events = (0..<400).map { _ in NDJSONEventCodec.encode(gen.event()) }
        #expect(try run(Executables.junction, ["append", "--data", data], input: lines(events)).status == 0)
        let exported = try run(Executables.junction, ["tail", "--data", data])
        let copy = dir.path + "/copy"
        #expect(try run(Executables.junction, ["init", "--data", copy]).status == 0)
        let imported = try run(Executables.junction, ["append", "--data", copy], input: exported.stdout)
        #expect(imported.status == 0, "\(imported.stderr)")
        let reexported = try run(Executables.junction, ["tail", "--data", copy])
        #expect(reexported.stdout == exported.stdout)
        #expect(exported.output.split(separator: "\n").count == 400)
    }

    @Test func lmdbUtilitiesReadTheJournalAndAgreeWithStat() throws {
        let dir = TemporaryDirectory("cli")
        let data = try initialized(dir)
        #expect(try run(Executables.junction, ["append", "--data", data], input: lines(sampleLines + sampleLines)).status == 0)
        let mdbStat = try run("/usr/bin/mdb_stat", ["-a", data + "/journal"])
        #expect(mdbStat.status == 0, "\(mdbStat.stderr)")
        let text = mdbStat.output
        let eventsSection = text.components(separatedBy: "Status of events").last ?? ""
        let entries = eventsSection.split(separator: "\n").first { $0.contains("Entries:") }
        #expect(entries?.trimmingCharacters(in: .whitespaces) == "Entries: 12")
        #expect(try stat(data)["count"] == .integer(12))
        let dump = try run("/usr/bin/mdb_dump", ["-s", "events", data + "/journal"])
        #expect(dump.status == 0, "\(dump.stderr)")
        // mdb_dump prints a key line and a value line per entry between the header and DATA=END.
        let body = dump.output.components(separatedBy: "HEADER=END\n").last!.components(separatedBy: "DATA=END").first!
        #expect(body.split(separator: "\n").count == 24)
        #expect(body.hasPrefix(" 0000000000000001\n 0101"))  // version 1, kind 1
    }

    @Test func tailFollowSeesAnotherProcesssAppendsPromptly() throws {
        let dir = TemporaryDirectory("cli")
        let data = try initialized(dir)
        let tail = Process()
        tail.executableURL = URL(fileURLWithPath: Executables.junction)
        tail.arguments = ["tail", "--data", data, "--follow"]
        let pipe = Pipe()
        tail.standardOutput = pipe
        let received = LineCounter()
        pipe.fileHandleForReading.readabilityHandler = { received.add($0.availableData) }
        try tail.run()
        defer {
            tail.terminate()
            tail.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try run(Executables.junction, ["append", "--data", data], input: lines(sampleLines)).status == 0)
        let appendedAt = Date()
        while received.count < 6, Date().timeIntervalSince(appendedAt) < 10 { Thread.sleep(forTimeInterval: 0.01) }
        #expect(received.count == 6)
        // Woken by inotify rather than a slow poll.
        #expect(Date().timeIntervalSince(appendedAt) < 5)
    }
}

/// Counts newline-terminated lines arriving from a pipe.
final class LineCounter: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var lines = 0

    func add(_ data: Data) {
        lock.withLock { lines += data.filter { $0 == 10 }.count }
    }

    var count: Int { lock.withLock { lines } }
}

struct JournalFormatTests {
    /// tools/read-journal.py was written from docs/journal-format.md alone: if it reads a
    /// journal exactly as `junction tail` prints it, the document tells the truth.
    @Test func aReaderWrittenFromTheDocumentAgreesWithTail() throws {
        let dir = TemporaryDirectory("format")
        let data = try initialized(dir)
        var gen = RandomEvents(seed: 2026, maxBodyBytes: 20_000)
        let events = (0..<600).map { _ in NDJSONEventCodec.encode(gen.event()) }
        #expect(try run(Executables.junction, ["append", "--data", data], input: lines(events)).status == 0)
        let tail = try run(Executables.junction, ["tail", "--data", data])
        let python = try run("/usr/bin/env", ["python3", packageRoot + "/tools/read-journal.py", "--data", data])
        #expect(python.status == 0, "\(python.stderr)")
        #expect(tail.output.split(separator: "\n").count == 600)
        #expect(python.stdout == tail.stdout)
    }
}
