import ArgumentParser
import Events
import Foundation
import Journal
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// SIGKILLs the daemon (and now and then a projector, the notifier, or the daemon in the
/// middle of a compaction) at random moments while clients ingest and send commands with
/// idempotency keys, retrying every unanswered request with the same key; then checks
/// that every acknowledged entry and command is in the journal exactly once, that the
/// sequence numbers have no gap, and that every projection verifies.
///
/// Prints a JSON summary on standard output; exits 1 if anything was lost or duplicated.
struct KillLoop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill-loop",
        abstract: "Kill the daemon and its processes at random under load, then check nothing acknowledged was lost.")

    @Option(help: "The data directory (created and initialized if missing).")
    var data: String

    @Option(help: "How many kills.")
    var kills: Int = 50

    @Option(help: "Stop killing after this many seconds even if fewer kills were made.")
    var seconds: Double = 600

    @Option(help: "Concurrent ingesting clients.")
    var clients: Int = 4

    @Option(help: "Entries per ingested batch.")
    var batch: Int = 20

    @Option(help: "Seed of the random kill schedule.")
    var seed: UInt64 = 1

    @Option(help: "The junction executable (default: next to this one).")
    var junction: String?

    func validate() throws {
        guard kills >= 1 else { throw ValidationError("--kills must be at least 1") }
        guard clients >= 1, batch >= 1 else { throw ValidationError("--clients and --batch must be at least 1") }
    }

    func run() throws {
        let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
        let junction = self.junction ?? binDir + "/junction"
        let replay = binDir + "/junction-replay"
        let daemon = DaemonProcess(junction: junction, data: data)
        if !FileManager.default.fileExists(atPath: data + "/journal/data.mdb") {
            try daemon.runToEnd(["init", "--data", data])
        }
        try daemon.start()
        let connections = try setUp(daemon)

        let record = Acknowledged()
        var threads: [Thread] = []
        for client in 0..<clients {
            let t = Thread { ingestLoop(client: client, daemon: daemon, connections: connections, record: record) }
            threads.append(t)
        }
        threads.append(Thread { commandLoop(daemon: daemon, connection: connections[0], record: record) })
        for t in threads { t.start() }

        var rng = SplitMix(seed: seed)
        var killed: [String: Int] = [:]
        let deadline = Date().addingTimeInterval(seconds)
        var done = 0
        while done < kills, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2 + Double(rng.next() % 800) / 1000)
            let roll = rng.next() % 100
            do {
                if roll < 55 {
                    try daemon.kill()
                    killed["daemon", default: 0] += 1
                } else if roll < 70 {
                    // The compactor runs in the daemon: start a compaction, kill it midway.
                    daemon.requestInBackground("POST", "/v1/compact", body: Array("{}".utf8))
                    Thread.sleep(forTimeInterval: Double(rng.next() % 60) / 1000)
                    try daemon.kill()
                    killed["daemon during compaction", default: 0] += 1
                } else if let (name, pid) = try daemon.childPIDs().randomElement(using: &rng) {
                    Glibc.kill(pid, SIGKILL)
                    killed[name == "notifier" ? "notifier" : "projector", default: 0] += 1
                } else {
                    continue
                }
                done += 1
            } catch {
                FileHandle.standardError.write(Data("kill-loop: \(error)\n".utf8))
            }
        }
        record.stop()
        for t in threads { while !t.isFinished { Thread.sleep(forTimeInterval: 0.05) } }
        try daemon.waitForProjections()
        daemon.stop()

        let check = try Check.run(data: data, record: record, replay: replay)
        var w = JSONWriter()
        w.beginObject()
        w.integer("kills", Int64(done))
        w.beginObject("killed")
        for (name, count) in killed.sorted(by: { $0.key < $1.key }) { w.integer(name, Int64(count)) }
        w.endObject()
        w.integer("batches_acknowledged", Int64(record.batches.count))
        w.integer("entries_acknowledged", Int64(record.batches.count * batch))
        w.integer("commands_acknowledged", Int64(record.commands.count))
        w.integer("retries", Int64(record.retries))
        w.integer("replayed_answers", Int64(record.replayed))
        w.unsigned("journal_head", check.head)
        w.integer("journal_records", Int64(check.records))
        w.bool("gapless", check.gapless)
        w.integer("entries_lost", Int64(check.lost))
        w.integer("entries_duplicated", Int64(check.duplicated))
        w.integer("commands_lost", Int64(check.commandsLost))
        w.bool("projections_verified", check.verified)
        w.endObject()
        print(String(decoding: w.bytes, as: UTF8.self))
        if !check.ok { throw ExitCode(1) }
    }

    /// An account, a location, an app and four connections; returns their ids.
    private func setUp(_ daemon: DaemonProcess) throws -> [String] {
        let steps: [(String, String)] = [
            ("/v1/accounts", #"{"account_id":"ch4os","name":"Chaos Pizza","time_zone":"Europe/Paris"}"#),
            ("/v1/locations", #"{"location_id":"ch4os-1","account_id":"ch4os","name":"Chaos Bastille","time_zone":"Europe/Paris"}"#),
            ("/v1/apps", #"{"app_id":"chaospos","name":"Chaos POS","level":"location","scope":"location[orders.write,catalog.read]"}"#),
        ]
        for (path, body) in steps {
            let reply = try daemon.request("POST", path, body: Array(body.utf8), headers: [("Idempotency-Key", "setup" + path)])
            guard reply.status == 201 || reply.status == 409 else { throw SocketHTTP.Failure(description: "\(path): \(reply.status) \(reply.text)") }
        }
        return try (0..<4).map { i in
            let body = #"{"app_id":"chaospos","account_id":"ch4os","location_id":"ch4os-1","device_id":"till-\#(i)"}"#
            let reply = try daemon.request("POST", "/v1/connections", body: Array(body.utf8))
            guard let id = (try? JSONParser.parse(reply.body))?["connection_id"]?.stringValue else {
                throw SocketHTTP.Failure(description: "connect: \(reply.status) \(reply.text)")
            }
            return id
        }
    }

    /// Sends batches until stopped; each batch is retried with its key until answered.
    private func ingestLoop(client: Int, daemon: DaemonProcess, connections: [String], record: Acknowledged) {
        var number = 0
        while !record.stopped {
            let key = "c\(client)-b\(number)"
            let lines = (0..<batch).map { i in
                #"{"connection_id":"\#(connections[(client + i) % connections.count])","method":"POST","url":"/orders","status":201,"request_id":"\#(key)-\#(i)","request_body":"{\"items\":[\#(i)]}"}"#
            }
            let body = Array(lines.joined(separator: "\n").utf8)
            var attempts = 0
            while true {
                attempts += 1
                if let reply = try? daemon.request(
                    "POST", "/v1/logs", body: body, contentType: "application/x-ndjson", headers: [("Idempotency-Key", key)]),
                    reply.status == 201,
                    let json = try? JSONParser.parse(reply.body),
                    let first = json["first_seq"]?.integerValue, let last = json["last_seq"]?.integerValue {
                    record.acknowledge(batch: key, range: UInt64(first)...UInt64(last), replayed: reply.headers["idempotent-replayed"] == "true", retries: attempts - 1)
                    break
                }
                // Unanswered (killed, restarting, refused): the same batch again, same key.
                if record.stopped && attempts > 200 { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            number += 1
        }
    }

    /// Blocks and unblocks one connection in turn, each command retried with its key.
    private func commandLoop(daemon: DaemonProcess, connection: String, record: Acknowledged) {
        var number = 0
        var blocked = false
        while !record.stopped {
            let action = blocked ? "unblock" : "block"
            let key = "cmd-\(number)"
            var attempts = 0
            while true {
                attempts += 1
                if let reply = try? daemon.request(
                    "POST", "/v1/connections/\(connection)/\(action)", body: Array(#"{"actor":"chaos"}"#.utf8),
                    headers: [("Idempotency-Key", key)]),
                    reply.status == 200,
                    let seq = (try? JSONParser.parse(reply.body))?["seq"]?.integerValue {
                    record.acknowledge(command: key, seq: UInt64(seq), action: action)
                    blocked.toggle()
                    break
                }
                if record.stopped && attempts > 200 { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            number += 1
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// What the daemon acknowledged, shared by the client threads.
// @unchecked Sendable: every field is guarded by `lock`.
final class Acknowledged: @unchecked Sendable {
    private let lock = NSLock()
    private var _batches: [String: ClosedRange<UInt64>] = [:]
    private var _commands: [String: (UInt64, String)] = [:]
    private var _stopped = false
    private var _retries = 0
    private var _replayed = 0

    func acknowledge(batch key: String, range: ClosedRange<UInt64>, replayed: Bool, retries: Int) {
        lock.withLock {
            _batches[key] = range
            _retries += retries
            if replayed { _replayed += 1 }
        }
    }

    func acknowledge(command key: String, seq: UInt64, action: String) {
        lock.withLock { _commands[key] = (seq, action) }
    }

    func stop() { lock.withLock { _stopped = true } }
    var stopped: Bool { lock.withLock { _stopped } }
    var batches: [String: ClosedRange<UInt64>] { lock.withLock { _batches } }
    var commands: [String: (UInt64, String)] { lock.withLock { _commands } }
    var retries: Int { lock.withLock { _retries } }
    var replayed: Int { lock.withLock { _replayed } }
}

/// The checks made after the last kill, on the stopped daemon's data.
struct Check {
    var head: UInt64 = 0
    var records = 0
    var gapless = false
    var lost = 0
    var duplicated = 0
    var commandsLost = 0
    var verified = false
    var ok: Bool { gapless && lost == 0 && duplicated == 0 && commandsLost == 0 && verified }

    static func run(data: String, record: Acknowledged, replay: String) throws -> Check {
        var check = Check()
        let logger = Logger(label: "junction.chaos")
        let journal = try Journal.open(at: data + "/journal", readOnly: true, logger: logger)
        var seen: [String: Int] = [:]
        var requestSeqs: [String: UInt64] = [:]
        var statusEvents: [UInt64: String] = [:]
        var expected: UInt64 = 1
        var gapless = true
        try journal.scan { seq, bytes in
            if seq != expected { gapless = false }
            expected = seq + 1
            check.records += 1
            guard let event = try? BinaryEventCodec.decode(bytes) else { return true }
            switch event.payload {
            case .requestLogged(let r):
                if let id = r.requestID {
                    seen[id, default: 0] += 1
                    requestSeqs[id] = seq
                }
            case .connectionBlocked: statusEvents[seq] = "block"
            case .connectionUnblocked: statusEvents[seq] = "unblock"
            default: break
            }
            return true
        }
        check.head = try journal.head
        check.gapless = gapless && expected == check.head + 1
        journal.close()
        for (key, range) in record.batches {
            // Every entry of an acknowledged batch is there once, at the numbers given.
            for i in 0..<Int(range.count) {
                let id = "\(key)-\(i)"
                if seen[id] == nil || requestSeqs[id] != range.lowerBound + UInt64(i) { check.lost += 1 }
            }
        }
        check.duplicated = seen.values.filter { $0 > 1 }.count
        for (_, (seq, action)) in record.commands where statusEvents[seq] != action { check.commandsLost += 1 }
        let verify = Process()
        verify.executableURL = URL(fileURLWithPath: replay)
        verify.arguments = ["verify", "--data", data]
        verify.standardOutput = FileHandle.standardError
        try verify.run()
        verify.waitUntilExit()
        check.verified = verify.terminationStatus == 0
        return check
    }
}

/// A small, seedable random source for the kill schedule.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Holds one read transaction on a journal until killed: a reader slot for the reader
/// table tests. Prints `holding` once the transaction is open.
struct HoldReader: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold-reader", abstract: "Open a read transaction on a journal and keep it until killed.")

    @Option(help: "The journal directory (the LMDB environment).")
    var journal: String

    func run() throws {
        let journal = try Journal.open(at: journal, readOnly: true, logger: Logger(label: "junction.chaos"))
        try journal.scan { _, _ in
            FileHandle.standardOutput.write(Data("holding\n".utf8))
            while true { sleep(60) }
        }
    }
}
