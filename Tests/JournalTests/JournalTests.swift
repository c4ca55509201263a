import Events
import Foundation
import Journal
import LMDB
import Logging
import TestSupport
import Testing

let testLogger = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }

/// A batch of `count` records whose bytes say who appended them.
func taggedBatch(_ tag: String, count: Int = 1, size: Int = 0) -> RecordBatch {
    var batch = RecordBatch()
    for i in 0..<count {
        var record = Array("\(tag)/\(i)|".utf8)
        record += [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: size)
        batch.append(record)
    }
    return batch
}

struct JournalTests {
    @Test func sequenceNumbersStartAtOneAndAreGapless() async throws {
        let dir = TemporaryDirectory("journal")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        #expect(try journal.head == 0)
        #expect(try await journal.append(taggedBatch("a")) == 1...1)
        #expect(try await journal.append(taggedBatch("b", count: 3)) == 2...4)
        #expect(try journal.appendAndWait(taggedBatch("c", count: 2)) == 5...6)
        #expect(try journal.head == 6)
        #expect(try journal.record(3).map { String(decoding: $0, as: UTF8.self) } == "b/1|")
        #expect(try journal.record(7) == nil)
        var seen: [UInt64] = []
        try journal.scan(from: 2, through: 5) { seq, _ in seen.append(seq); return true }
        #expect(seen == [2, 3, 4, 5])
        let chunk = try journal.readChunk(from: 4, maxRecords: 2)
        #expect(chunk.sequenceNumbers == [4, 5])
        let stats = try journal.statistics()
        #expect(stats.head == 6 && stats.count == 6 && stats.first == 1)
    }

    @Test func sixtyFourConcurrentAppendersGetExactlyTheirOwnNumbers() async throws {
        let dir = TemporaryDirectory("journal")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        let before = journal.transactionCount
        let acknowledged = try await withThrowingTaskGroup(of: [(UInt64, String)].self) { group in
            for appender in 0..<64 {
                group.addTask {
                    var mine: [(UInt64, String)] = []
                    for i in 0..<1000 {
                        let tag = "appender-\(appender)-\(i)"
                        let range = try await journal.append(taggedBatch(tag))
                        mine.append((range.lowerBound, tag))
                    }
                    return mine
                }
            }
            var all: [(UInt64, String)] = []
            for try await part in group { all += part }
            return all
        }
        #expect(acknowledged.count == 64_000)
        #expect(Set(acknowledged.map(\.0)) == Set(1...64_000))
        let bySeq = Dictionary(uniqueKeysWithValues: acknowledged)
        var checked = 0
        try journal.scan { seq, value in
            #expect(String(decoding: value, as: UTF8.self) == bySeq[seq]! + "/0|")
            checked += 1
            return true
        }
        #expect(checked == 64_000)
        #expect(try journal.head == 64_000)
        // Group commit: far fewer write transactions than appends.
        let commits = journal.transactionCount - before
        #expect(commits < 32_000, "\(commits) commits for 64000 appends")
    }

    @Test func aJournalWithAOneMebibyteMapTakesAHundredMebibytes() async throws {
        let dir = TemporaryDirectory("journal")
        var options = Journal.Options()
        options.initialMapSize = 1 << 20
        let journal = try Journal.create(at: dir.path, options: options, logger: testLogger)
        for b in 0..<100 {
            let range = try await journal.append(taggedBatch("big-\(b)", count: 16, size: 64 << 10))
            #expect(range.count == 16)
        }
        let stats = try journal.statistics()
        #expect(stats.count == 1600)
        #expect(stats.mapSize >= 100 << 20)
        #expect(stats.eventBytes >= 100 << 20)
    }

    @Test func emptyBatchesAndEmptyRecordsAreRefusedAndNothingIsWritten() async throws {
        let dir = TemporaryDirectory("journal")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        await #expect(throws: JournalError.self) { _ = try await journal.append(RecordBatch()) }
        var batch = taggedBatch("ok", count: 2)
        batch.append([UInt8]())
        await #expect(throws: JournalError.self) { _ = try await journal.append(batch) }
        #expect(try journal.head == 0)
        #expect(try await journal.append(taggedBatch("next")) == 1...1)
    }

    @Test func readOnlyJournalsRefuseAppendsAndSeeTheWritersCommits() async throws {
        let dir = TemporaryDirectory("journal")
        let writer = try Journal.create(at: dir.path, logger: testLogger)
        _ = try await writer.append(taggedBatch("w", count: 5))
        writer.close()
        let reader = try Journal.open(at: dir.path, readOnly: true, logger: testLogger)
        #expect(try reader.head == 5)
        let error = await #expect(throws: JournalError.self) { _ = try await reader.append(taggedBatch("r")) }
        #expect(error?.description == "the journal is open read-only")
    }

    @Test func numbersOfRemovedRecordsAreNeverGivenAgain() async throws {
        let dir = TemporaryDirectory("journal")
        do {
            let journal = try Journal.create(at: dir.path, logger: testLogger)
            _ = try await journal.append(taggedBatch("a", count: 10))
            // Remove the last three records, as compaction may.
            try await journal.rewrite(8...10) { _ in
                (Dictionary(uniqueKeysWithValues: (UInt64(8)...10).map { ($0, Journal.RecordChange.delete) }), ())
            }
            journal.close()
        }
        let reopened = try Journal.open(at: dir.path, readOnly: false, logger: testLogger)
        #expect(try reopened.head == 10)
        #expect(try await reopened.append(taggedBatch("b")) == 11...11)
        var seqs: [UInt64] = []
        try reopened.scan { seq, _ in seqs.append(seq); return true }
        #expect(seqs == Array(1...7) + [11])
    }

    @Test func tailFollowsNewAppends() async throws {
        let dir = TemporaryDirectory("journal")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        _ = try await journal.append(taggedBatch("old", count: 3))
        let follower = Task {
            var seen: [UInt64] = []
            for try await chunk in journal.tail(from: 2, follow: true, maxRecords: 2) {
                seen += chunk.sequenceNumbers
                if seen.last == 8 { break }
            }
            return seen
        }
        try await Task.sleep(for: .milliseconds(50))
        _ = try await journal.append(taggedBatch("new", count: 5))
        #expect(try await follower.value == Array(2...8))
        var ended: [UInt64] = []
        for try await chunk in journal.tail(from: 7, follow: false) { ended += chunk.sequenceNumbers }
        #expect(ended == [7, 8])
    }

    @Test func closedJournalsRefuseAppends() async throws {
        let dir = TemporaryDirectory("journal")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        journal.close()
        let error = await #expect(throws: JournalError.self) { _ = try await journal.append(taggedBatch("late")) }
        #expect(error?.description == "the journal is closed")
    }

    @Test func createRefusesAnExistingJournalAndOpenRefusesAMissingOne() throws {
        let dir = TemporaryDirectory("journal")
        _ = try Journal.create(at: dir.path, logger: testLogger)
        #expect(throws: JournalError.self) { try Journal.create(at: dir.path, logger: testLogger) }
        let missing = #expect(throws: JournalError.self) {
            _ = try Journal.open(at: dir.path + "/nope", readOnly: true, logger: testLogger)
        }
        #expect(missing?.description.contains("junction init") == true)
    }

    @Test func theDataDirectoryLockKeepsASecondWriterOut() throws {
        let dir = TemporaryDirectory("data")
        let data = DataDirectory(dir.path + "/d")
        _ = try data.initialize(logger: testLogger)
        let lock = try data.lockForWriting(purpose: "test writer")
        let error = #expect(throws: JournalError.self) { _ = try data.lockForWriting(purpose: "second") }
        #expect(error?.isLocked == true)
        #expect(error?.description.contains("test writer") == true)
        withExtendedLifetime(lock) {}
    }

    @Test func durabilityModesCommitAndReopen() async throws {
        for mode in Durability.allCases {
            let dir = TemporaryDirectory("journal")
            do {
                let journal = try Journal.create(at: dir.path, options: Journal.Options(durability: mode), logger: testLogger)
                _ = try await journal.append(taggedBatch(mode.rawValue, count: 10))
                journal.close()
            }
            let reopened = try Journal.open(at: dir.path, readOnly: true, logger: testLogger)
            #expect(try reopened.head == 10, "\(mode)")
        }
    }

    @Test func encodedEventsRoundTripThroughTheJournal() async throws {
        let dir = TemporaryDirectory("journal")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        var gen = RandomEvents(seed: 21, maxBodyBytes: 1 << 20)
        let events = (0..<500).map { _ in gen.event() }
        var batch = RecordBatch()
        for e in events { try batch.appendRecord { try BinaryEventCodec.encode(e, into: &$0) } }
        _ = try await journal.append(batch)
        var decoded: [Event] = []
        try journal.scan { _, bytes in
            decoded.append(try BinaryEventCodec.decode(bytes))
            return true
        }
        #expect(decoded == events)
    }

    @Test func rewritesChangeOnlyExistingRecordsOfTheirRangeAllOrNothing() async throws {
        let dir = TemporaryDirectory("journal")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        _ = try await journal.append(taggedBatch("a", count: 6))
        // The plan sees the range's records in order, in place.
        let seen = try await journal.rewrite(2...4) { records in
            var seqs: [UInt64] = []
            try records.forEach { seq, bytes in
                seqs.append(seq)
                return true
            }
            return ([2: .replace(Array("two".utf8)), 3: .delete], seqs)
        }
        #expect(seen == [2, 3, 4])
        #expect(try journal.record(2) == Array("two".utf8))
        #expect(try journal.record(3) == nil)
        // Outside the range, or where no record is: refused, and nothing of the plan is written.
        for changes: [UInt64: Journal.RecordChange] in [[4: .delete, 5: .delete], [3: .replace([1])], [4: .replace([])]] {
            await #expect(throws: JournalError.self) { try await journal.rewrite(2...4) { _ in (changes, ()) } }
        }
        #expect(try journal.record(4) == Array("a/3|".utf8))
        #expect(try journal.record(5) == Array("a/4|".utf8))
        try await journal.replace([(seq: 6, record: Array("six".utf8))])
        #expect(try journal.record(6) == Array("six".utf8))
        await #expect(throws: JournalError.self) { try await journal.replace([(seq: 3, record: [1])]) }
        #expect(try journal.head == 6)
    }

    @Test func aWritableJournalHoldsTheDirectoryLockUntilClosed() throws {
        let dir = TemporaryDirectory("data")
        let data = DataDirectory(dir.path)
        try data.initialize(logger: testLogger).close()
        let journal = try data.openJournalForWriting(purpose: "first", logger: testLogger)
        let error = #expect(throws: JournalError.self) { _ = try data.openJournalForWriting(purpose: "second", logger: testLogger) }
        #expect(error?.isLocked == true && error?.description.contains("first") == true)
        journal.close()
        try data.openJournalForWriting(purpose: "third", logger: testLogger).close()
    }
}

/// The prefetching scan visits what the plain one visits: the same records with the same
/// bytes, stopping where the body stops it, across its runs of 64 and at any range's ends.
/// Randomized: the seed is printed on failure.
@Suite struct PrefetchingScanTests {
    struct Stop: Error {}

    @Test func visitsWhatThePlainScanVisits() async throws {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        let dir = TemporaryDirectory("journal")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        // Small records share leaf pages; large ones lie in overflow pages of their own.
        for i in 0..<30 {
            _ = try await journal.append(taggedBatch("r\(i)", count: Int.random(in: 1...20, using: &rng), size: i % 3 == 0 ? 5_000 : 40))
        }
        let head = try journal.head
        for _ in 0..<300 {
            let from = UInt64.random(in: 1...head + 2, using: &rng)
            let through = Bool.random(using: &rng) ? UInt64.max : UInt64.random(in: 0...head + 2, using: &rng)
            let stopAfter = Int.random(in: 1...Int(head) + 2, using: &rng)
            let prefetch = [0, 1, 64, 512, 100_000].randomElement(using: &rng)!
            let throwing = Bool.random(using: &rng)
            // Each record's length and FNV-1a digest: a failure prints numbers, not kilobytes.
            func visit(_ scan: (_ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws -> Void) -> ([UInt64: [UInt64]], [UInt64], Bool) {
                var bytes: [UInt64: [UInt64]] = [:]
                var order: [UInt64] = []
                var threw = false
                do {
                    try scan { seq, record in
                        order.append(seq)
                        bytes[seq] = [UInt64(record.count), record.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }]
                        if order.count == stopAfter {
                            if throwing { throw Stop() }
                            return false
                        }
                        return true
                    }
                } catch is Stop {
                    threw = true
                } catch {
                    Issue.record("seed \(seed): \(error)")
                }
                return (bytes, order, threw)
            }
            let plain = visit { try journal.scan(from: from, through: through, $0) }
            let ahead = visit { try journal.scan(from: from, through: through, prefetchBytes: prefetch, $0) }
            let context = "seed \(seed): from \(from) through \(through) stop after \(stopAfter) prefetching \(prefetch)"
            #expect(ahead.1 == plain.1, "\(context)")
            #expect(ahead.0 == plain.0, "\(context)")
            #expect(ahead.2 == plain.2, "\(context)")
        }
        #expect(head > 64 * 3, "seed \(seed): runs of 64 crossed")
    }
}
