/// The journal's records from a sequence number on, in chunks; with `follow`, it waits for
/// new records instead of ending at the head.
///
/// Each chunk is read in its own short read transaction, so following a journal for hours
/// never pins old pages.
public struct JournalTail: AsyncSequence, Sendable {
    public typealias Element = JournalChunk

    let journal: Journal
    let start: UInt64
    let follow: Bool
    let maxRecords: Int
    let maxBytes: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let journal: Journal
        var next: UInt64
        let follow: Bool
        let maxRecords: Int
        let maxBytes: Int
        var ended = false

        public mutating func next() async throws -> JournalChunk? {
            while true {
                try Task.checkCancellation()
                if ended { return nil }
                let generation = journal.notifier.generation
                let chunk = try journal.readChunk(from: next, maxRecords: maxRecords, maxBytes: maxBytes)
                if let last = chunk.lastSequenceNumber {
                    // Past the last number there can be, there is nothing to wait for.
                    guard last < .max else {
                        next = .max
                        ended = true
                        return chunk
                    }
                    next = last + 1
                    return chunk
                }
                guard follow, !ended else { return nil }
                await journal.notifier.wait(after: generation)
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(journal: journal, next: start, follow: follow, maxRecords: maxRecords, maxBytes: maxBytes)
    }
}
