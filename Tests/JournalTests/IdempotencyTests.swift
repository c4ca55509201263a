import Foundation
import Journal
import LMDB
import TestSupport
import Testing

struct IdempotencyTests {
    @Test func aBatchSentAgainUnderItsKeyIsAnsweredWithTheFirstNumbers() async throws {
        let dir = TemporaryDirectory("idempotency")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        let key = IdempotencyKey("order-batch-7", fingerprint: [1, 2, 3])
        let first = try await journal.append(taggedBatch("a", count: 3), idempotencyKey: key)
        #expect(first == Appended(range: 1...3, replayed: false))
        _ = try await journal.append(taggedBatch("b"))
        let again = try await journal.append(taggedBatch("a", count: 3), idempotencyKey: key)
        #expect(again == Appended(range: 1...3, replayed: true))
        #expect(try journal.head == 4 && journal.statistics().count == 4)
        #expect(try journal.appended(underKey: key) == Appended(range: 1...3, replayed: true))

        // The same key for another batch is refused and writes nothing.
        let other = IdempotencyKey("order-batch-7", fingerprint: [9])
        await #expect(throws: JournalError.self) { try await journal.append(taggedBatch("c"), idempotencyKey: other) }
        #expect(throws: JournalError.self) { try journal.appended(underKey: other) }
        #expect(try journal.head == 4)

        // Keys are stored with their batch, so they survive a reopen.
        journal.close()
        let reopened = try Journal.open(at: dir.path, readOnly: false, logger: testLogger)
        let afterReopen = try await reopened.append(taggedBatch("a", count: 3), idempotencyKey: key)
        #expect(afterReopen == Appended(range: 1...3, replayed: true))
        #expect(try reopened.head == 4)
    }

    @Test func concurrentCopiesOfOneBatchAreAppendedOnce() async throws {
        let dir = TemporaryDirectory("idempotency")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        // 32 keys, each sent by 8 tasks at once: copies land in one group commit or in
        // consecutive ones, and either way only the first is written.
        let results = try await withThrowingTaskGroup(of: (Int, Appended).self) { group in
            for k in 0..<32 {
                for _ in 0..<8 {
                    group.addTask {
                        let key = IdempotencyKey("k\(k)", fingerprint: [UInt8(k)])
                        return (k, try await journal.append(taggedBatch("k\(k)", count: 5), idempotencyKey: key))
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try journal.head == 32 * 5)
        for k in 0..<32 {
            let answers = results.filter { $0.0 == k }.map(\.1)
            #expect(answers.filter { !$0.replayed }.count == 1)
            #expect(Set(answers.map(\.range)).count == 1)
            let range = answers[0].range
            for seq in range {
                #expect(try journal.record(seq).map { String(decoding: $0, as: UTF8.self).hasPrefix("k\(k)/") } == true)
            }
        }
        #expect(try journal.idempotencyKeyCount() == 32)
    }

    @Test func oldKeysAreForgotten() async throws {
        let dir = TemporaryDirectory("idempotency")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        let key = IdempotencyKey("once", fingerprint: [])
        _ = try await journal.append(taggedBatch("a"), idempotencyKey: key)
        #expect(try await journal.forgetIdempotencyKeys(before: 0) == 0)
        let future = Int64(Date().timeIntervalSince1970 * 1_000_000) + 1_000_000
        #expect(try await journal.forgetIdempotencyKeys(before: future) == 1)
        // Forgotten, the key no longer stops a second append.
        #expect(try await journal.append(taggedBatch("a"), idempotencyKey: key) == Appended(range: 2...2, replayed: false))
    }

    @Test func keysAreBounded() async throws {
        let dir = TemporaryDirectory("idempotency")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        let long = IdempotencyKey(String(repeating: "k", count: IdempotencyKey.maxBytes + 1), fingerprint: [])
        await #expect(throws: JournalError.self) { try await journal.append(taggedBatch("a"), idempotencyKey: long) }
        #expect(try journal.head == 0)
    }
}

struct CommitAnnouncementTests {
    /// Readers in other processes are woken by the `commits` file, rewritten with the head
    /// after each commit is visible (the data file is written before LMDB publishes it).
    @Test func eachCommitRewritesTheCommitsFileWithTheHead() async throws {
        let dir = TemporaryDirectory("commits")
        let journal = try Journal.create(at: dir.path, logger: testLogger)
        for expected in [UInt64(3), 4, 9] {
            let count = Int(expected - (try journal.head))
            _ = try await journal.append(taggedBatch("c", count: count))
            let bytes = try #require(FileManager.default.contents(atPath: dir.path + "/commits"))
            #expect(bytes.count == 8 && bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } == expected)
        }
    }
}
