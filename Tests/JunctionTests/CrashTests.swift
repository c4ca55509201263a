import Events
import Foundation
import Journal
import TestSupport
import Testing

struct CrashTests {
    /// A child appending tagged batches in a loop is killed with SIGKILL at random moments;
    /// every batch it acknowledged must be there whole, and no batch may be there in part.
    @Test func appendsSurviveSIGKILLAtRandomMoments() throws {
        let dir = TemporaryDirectory("crash")
        let data = try initialized(dir)
        let batchSize = 40
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        var acknowledged: [(first: UInt64, last: UInt64, tag: String)] = []
        let kills = 24
        for round in 0..<kills {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: Executables.chaos)
            child.arguments = ["append-loop", "--data", data, "--run", "r\(round)", "--batch", "\(batchSize)",
                               "--body-bytes", "\(Int.random(in: 10...20_000, using: &rng))", "--map-size", "\(1 << 20)"]
            let pipe = Pipe()
            child.standardOutput = pipe
            let output = OutputCollector(pipe.fileHandleForReading)
            try child.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.4, using: &rng))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal, "round \(round) ended before it was killed")
            for line in output.text().split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, parts[0] == "ack", let first = UInt64(parts[1]), let last = UInt64(parts[2]) else {
                    Issue.record("unexpected output line: \(line)")
                    continue
                }
                acknowledged.append((first, last, String(parts[3])))
            }
        }
        #expect(acknowledged.count > kills, "too few acknowledged batches to mean anything")

        let journal = try DataDirectory(data).openJournalForReading(logger: quiet)
        let head = try journal.head
        var requestIDs: [UInt64: String] = [:]
        var expected: UInt64 = 1
        try journal.scan { seq, bytes in
            #expect(seq == expected, "hole before \(seq)")
            expected = seq + 1
            let event = try BinaryEventCodec.decode(bytes)
            guard case .requestLogged(let request) = event.payload, let id = request.requestID else {
                Issue.record("event \(seq) is not a chaos request")
                return true
            }
            requestIDs[seq] = id
            return true
        }
        #expect(expected - 1 == head)
        for ack in acknowledged {
            #expect(ack.last - ack.first + 1 == UInt64(batchSize))
            for (i, seq) in (ack.first...ack.last).enumerated() {
                #expect(requestIDs[seq] == "\(ack.tag)/\(i)", "acknowledged event \(seq) is missing or wrong")
            }
        }
        // Whatever is there, acknowledged or not, is whole batches in order.
        var seq: UInt64 = 1
        while seq <= head {
            let tag = requestIDs[seq]!.split(separator: "/")[0]
            for i in 0..<batchSize {
                #expect(requestIDs[seq + UInt64(i)] == "\(tag)/\(i)", "batch \(tag) is there in part")
            }
            seq += UInt64(batchSize)
        }
        // And the journal takes appends again after all that.
        journal.close()
        let writer = try DataDirectory(data).openJournalForWriting(purpose: "test", logger: quiet)
        var batch = RecordBatch()
        batch.append(Array("after".utf8))
        #expect(try writer.appendAndWait(batch) == (head + 1)...(head + 1))
        writer.close()
    }
}
