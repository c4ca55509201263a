import Events
import Foundation
import LMDB
import TestSupport
import Testing

/// Item 6: journals Junction did not write, built record by record with the LMDB wrapper,
/// read by every reader Junction ships. Each ends with a skip or a named error and its exit
/// code, never a trap, a hang or output without end.
@Suite(.serialized)
struct ForeignJournalTests {
    static let t = Timestamp(rfc3339: "2026-11-29T09:00:00Z")!

    /// A fresh data directory with a few valid events, then `records` put under raw keys.
    static func journal(_ records: [(key: [UInt8], value: [UInt8])]) throws -> (TemporaryDirectory, String) {
        let dir = TemporaryDirectory("foreign")
        let data = dir.path + "/data"
        let setup = [
            NDJSONEventCodec.encode(Event(time: t, .accountRegistered(AccountRegistered(accountID: "a1", name: "A", timeZone: "UTC")))),
            NDJSONEventCodec.encode(Event(time: t, .appRegistered(AppRegistered(appID: "pos", name: "POS", level: .either, scope: "account[]")))),
        ]
        #expect(try run(Executables.junction, ["init", "--data", data]).status == 0)
        #expect(try run(Executables.junction, ["append", "--data", data], input: Array((setup.joined(separator: "\n") + "\n").utf8)).status == 0)
        let env = try Environment(path: data + "/journal", configuration: .init(maxDatabases: 4))
        try env.write { txn in
            let events = try txn.openDatabase(named: "events")
            for r in records { try txn.put(events, key: r.key, value: r.value) }
        }
        return (dir, data)
    }

    static func key(_ seq: UInt64) -> [UInt8] { withUnsafeBytes(of: seq.bigEndian) { Array($0) } }

    static func blocked() throws -> [UInt8] {
        try BinaryEventCodec.encode(Event(time: t, .connectionBlocked(ConnectionStatusChanged(connectionID: "c1", actor: "x"))))
    }

    /// Runs a reader with a deadline; nil when it had to be killed (a hang).
    static func reader(_ executable: String, _ arguments: [String]) throws -> ProcessResult? {
        let result = try run("/usr/bin/timeout", ["-s", "KILL", "60", executable] + arguments)
        return result.status == 137 ? nil : result
    }

    /// What a reader may do with a damaged journal: succeed, or fail with a message;
    /// never die of a signal (a trap is SIGTRAP or SIGILL: 128 + n from timeout's child).
    static func expectNamedOutcome(_ result: ProcessResult?, _ what: String) {
        guard let result else {
            Issue.record("\(what) hung")
            return
        }
        #expect(result.status == 0 || (result.status < 128 && !result.stderr.isEmpty), "\(what): \(result.status) \(result.stderr)")
        #expect(result.stdout.count < 1 << 20, "\(what) wrote \(result.stdout.count) bytes")
    }

    @Test func theLastPossibleNumberEndsReadingAndRefusesAppends() throws {
        let (dir, data) = try Self.journal([(Self.key(.max), try Self.blocked())])
        defer { withExtendedLifetime(dir) {} }  // removed at its end
        let tail = try Self.reader(Executables.junction, ["tail", "--data", data])
        Self.expectNamedOutcome(tail, "tail")
        #expect(tail?.status == 0 && tail?.output.contains("\"seq\":18446744073709551615") == true, "\(tail?.output ?? "")")
        Self.expectNamedOutcome(try Self.reader(Executables.path("junction-replay"), ["export", "--data", data]), "export")
        Self.expectNamedOutcome(try Self.reader(Executables.junction, ["connections", "--data", data]), "projectors' catch-up")
        let more = try run("/usr/bin/timeout", ["-s", "KILL", "60", Executables.junction, "append", "--data", data],
                           input: Array((NDJSONEventCodec.encode(Event(time: Self.t, .accountRegistered(AccountRegistered(accountID: "a2", name: "B", timeZone: "UTC")))) + "\n").utf8))
        #expect(more.status == 1 && more.stderr.contains("used up"), "\(more.status) \(more.stderr)")
    }

    @Test func keysThatAreNotEightBytesAreSkippedAndNamed() throws {
        let (dir, data) = try Self.journal([
            (Array("short".utf8), try Self.blocked()),
            (Self.key(.max) + [0], try Self.blocked()),  // sorts after every 8-byte key
        ])
        defer { withExtendedLifetime(dir) {} }
        let tail = try Self.reader(Executables.junction, ["tail", "--data", data])
        Self.expectNamedOutcome(tail, "tail")
        #expect(tail?.status == 0 && tail?.output.split(separator: "\n").count == 2, "\(tail?.output ?? "")")
        #expect(tail?.output.contains("\"seq\":0") == false)
        #expect(tail?.stderr.contains("not the journal's") == true, "\(tail?.stderr ?? "")")
        Self.expectNamedOutcome(try Self.reader(Executables.path("junction-replay"), ["export", "--data", data]), "export")
        Self.expectNamedOutcome(try Self.reader(Executables.junction, ["stat", "--data", data]), "stat")
        // A writer cannot put anything after that last key: it says so and writes nothing.
        let compact = try Self.reader(Executables.junction, ["compact", "--data", data])
        Self.expectNamedOutcome(compact, "compact")
        #expect(compact?.status != 0 && compact?.stderr.contains("did not give") == true, "\(compact?.stderr ?? "")")
        let serve = try Self.reader(Executables.junction, ["serve", "--data", data])
        Self.expectNamedOutcome(serve, "serve")
        #expect(serve?.status != 0 && serve?.stderr.contains("did not give") == true, "\(serve?.stderr ?? "")")
    }

    @Test func unknownKindsAreSkippedWhateverTheirHeaderHolds() throws {
        var record: [UInt8] = [1, 99]  // format 1, kind 99
        withUnsafeBytes(of: Int64.max.littleEndian) { record += $0 }  // a time no text can show
        record += [1, 2, 3]
        let (dir, data) = try Self.journal([(Self.key(10), record), (Self.key(11), try Self.blocked())])
        defer { withExtendedLifetime(dir) {} }
        let tail = try Self.reader(Executables.junction, ["tail", "--data", data])
        Self.expectNamedOutcome(tail, "tail")
        #expect(tail?.status == 0 && tail?.output.contains("\"seq\":11") == true && tail?.output.contains("\"seq\":10") == false,
                "\(tail?.output ?? "") \(tail?.stderr ?? "")")
        let export = try Self.reader(Executables.path("junction-replay"), ["export", "--data", data])
        Self.expectNamedOutcome(export, "export")
        #expect(export?.status == 0 && export?.stderr.contains("skipped event 10") == true, "\(export?.stderr ?? "")")
        Self.expectNamedOutcome(try Self.reader(Executables.junction, ["connections", "--data", data]), "projectors' catch-up")
        Self.expectNamedOutcome(try Self.reader(Executables.path("junction-replay"), ["verify", "--data", data]), "verify")
    }

    /// Extreme uvarints: an `attempt` past 32 bits, a body length past the text form's 2^63 − 1,
    /// a varint of eleven bytes. Each is named with its offset by every reader; none traps,
    /// clamps or hangs.
    @Test(arguments: [
        ("attempt", "invalid attempt number"),
        ("length", "invalid request body length"),
        ("eleven", "longer than 10 bytes"),
    ])
    func extremeVarintsAreNamed(_ shape: String, _ named: String) throws {
        func varint(_ v: UInt64) -> [UInt8] {
            var v = v, out: [UInt8] = []
            while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
            return out + [UInt8(v)]
        }
        func string(_ s: String) -> [UInt8] { varint(UInt64(s.utf8.count)) + Array(s.utf8) }
        func header(_ kind: UInt8) -> [UInt8] {
            [1, kind] + withUnsafeBytes(of: Self.t.microseconds.littleEndian) { Array($0) }
        }
        let requestHead = string("c1") + [0, 1] + string("orders") + string("/v1/orders") + [200, 0]
        let record: [UInt8] = switch shape {
        case "attempt": header(10) + string("c1") + string("disconnect-9") + varint(1 << 32) + string("http://a.test/") + [0, 0, 0]
        case "length": header(12) + requestHead + varint(0) + [0] + varint(1 << 63) + [0] + varint(0)
        default: header(9) + requestHead + Array(repeating: 0x80, count: 10) + [0] + [0, 0, 0, 0]
        }
        let (dir, data) = try Self.journal([(Self.key(10), record), (Self.key(11), try Self.blocked())])
        defer { withExtendedLifetime(dir) {} }
        let tail = try Self.reader(Executables.junction, ["tail", "--data", data])
        Self.expectNamedOutcome(tail, "tail")
        #expect(tail?.status == 1 && tail?.stderr.contains("event 10") == true && tail?.stderr.contains(named) == true,
                "\(tail?.status ?? -1) \(tail?.stderr ?? "")")
        Self.expectNamedOutcome(try Self.reader(Executables.path("junction-replay"), ["export", "--data", data]), "export")
        Self.expectNamedOutcome(try Self.reader(Executables.junction, ["connections", "--data", data]), "projectors' catch-up")
        Self.expectNamedOutcome(try Self.reader(Executables.path("junction-replay"), ["verify", "--data", data]), "verify")
    }
}
