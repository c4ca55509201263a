import Journal
import Replication
import TestSupport
import Testing

/// The stream's message layout: batches cut into messages at the size bound and read back
/// whole, keys on their first segments only, and bodies that do not hold what their
/// headers say refused.
struct StreamMessageTests {
    /// Random batches (some keyed, some records large) packed into messages as the writer
    /// packs them, then read back segment by segment and put together as a follower does:
    /// the same batches, the same bytes, each message within the bound.
    @Test func batchesCutIntoMessagesComeBackWhole() throws {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        var batches: [(range: ClosedRange<UInt64>, key: IdempotencyKey?, records: [[UInt8]])] = []
        var seq: UInt64 = 1
        for b in 0..<300 {
            let count = Int.random(in: 1...40, using: &rng)
            let records = (0..<count).map { _ in
                let size = Bool.random(using: &rng) && Int.random(in: 0..<50, using: &rng) == 0
                    ? Int.random(in: 100_000...700_000, using: &rng) : Int.random(in: 1...3_000, using: &rng)
                // Random at both ends, filled between: the bytes' place is what is checked.
                var record = [UInt8](repeating: UInt8.random(in: 0...255, using: &rng), count: size)
                for i in [0, size / 2, size - 1] { record[i] = UInt8.random(in: 0...255, using: &rng) }
                return record
            }
            let key = Bool.random(using: &rng) ? IdempotencyKey("key-\(b)", fingerprint: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }) : nil
            batches.append((seq...(seq + UInt64(count) - 1), key, records))
            seq += UInt64(count)
        }
        // Packed as `Replicator.publish` packs them.
        var messages: [(events: ClosedRange<UInt64>, body: [UInt8])] = []
        var builder = StreamMessage.Builder()
        for batch in batches {
            for (i, record) in batch.records.enumerated() {
                if !builder.fits(record.count) {
                    let events = try #require(builder.events)
                    messages.append((events, builder.finish()))
                }
                record.withUnsafeBytes { builder.append(batch.range.lowerBound + UInt64(i), $0, batch: batch.range, key: batch.key) }
            }
        }
        messages.append((try #require(builder.events), builder.finish()))
        #expect(messages.count > 1, "seed \(seed)")
        for m in messages {
            #expect(m.body.count <= StreamMessage.maxBodyBytes || m.events.count == 1, "a message of \(m.body.count) bytes, seed \(seed)")
        }
        // Read back and put together.
        var read: [(range: ClosedRange<UInt64>, key: IdempotencyKey?, records: [[UInt8]])] = []
        var next: UInt64 = 1
        for m in messages {
            #expect(m.events.lowerBound == next, "seed \(seed)")
            for segment in try StreamMessage.segments(of: m.body, events: m.events) {
                var records: [[UInt8]] = []
                segment.records.forEach { _, r in records.append(Array(r)) }
                if segment.first == segment.batch.lowerBound {
                    read.append((segment.batch, segment.key, records))
                } else {
                    #expect(read.last?.range == segment.batch && segment.key == nil, "seed \(seed)")
                    read[read.count - 1].records += records
                }
            }
            next = m.events.upperBound + 1
        }
        #expect(read.count == batches.count, "seed \(seed)")
        for (a, b) in zip(read, batches) {
            #expect(a.range == b.range && a.key == b.key && a.records == b.records, "batch \(b.range), seed \(seed)")
        }
    }

    @Test func aBodyThatIsNotWhatItsHeadersSayIsRefused() throws {
        var builder = StreamMessage.Builder()
        for seq: UInt64 in 5...7 {
            [UInt8](repeating: UInt8(seq), count: 10).withUnsafeBytes { builder.append(seq, $0, batch: 5...8, key: nil) }
        }
        let body = builder.finish()
        #expect(try StreamMessage.segments(of: body, events: 5...7).count == 1)
        // Headers naming other events, a body cut short, a stray byte at the end.
        #expect(throws: StreamMessage.Malformed.self) { try StreamMessage.segments(of: body, events: 5...8) }
        #expect(throws: StreamMessage.Malformed.self) { try StreamMessage.segments(of: body, events: 4...6) }
        #expect(throws: StreamMessage.Malformed.self) { try StreamMessage.segments(of: Array(body.dropLast()), events: 5...7) }
        #expect(throws: StreamMessage.Malformed.self) { try StreamMessage.segments(of: body + [0], events: 5...7) }
        #expect(StreamMessage.range("3-9") == 3...9 && StreamMessage.range("9-3") == nil && StreamMessage.range(nil) == nil)
    }
}
