internal import Foundation
public import Events
internal import Journal

extension Queries {
    /// The entries of connection `id` journaled after `seq` that pass `filter` (its text
    /// included), read from the journal itself (not the logs projection: a tail shows an
    /// entry as soon as it is acknowledged), at most `maxRecords` records read; and the
    /// sequence number read up to, from which the next call goes on. Waits, until
    /// `deadline`, for the journal to grow when nothing follows `seq`.
    ///
    /// Each record is read once, in sequence order: a tail that goes on from the last
    /// number it was given neither skips nor repeats an entry.
    public func tail(
        _ id: String, filter: LogFilter, after seq: UInt64, maxRecords: Int = 2048, until deadline: ContinuousClock.Instant
    ) async throws -> (entries: [LogEntry], readTo: UInt64) {
        let connection = Array(id.utf8)
        let needle = filter.text.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        while true {
            let generation = journal.changeGeneration
            var entries: [LogEntry] = []
            var readTo = seq
            try journal.scan(from: seq + 1) { n, record in
                readTo = n
                if let r = try? BinaryEventCodec.requestFields(record, reading: .summary),
                   r.connectionID.elementsEqual(connection) {
                    let entry = LogEntry(seq: n, r)
                    if filter.matches(entry), needle.map({ Queries.contains(r, $0) }) ?? true { entries.append(entry) }
                }
                return n - seq < UInt64(maxRecords)
            }
            if readTo > seq || ContinuousClock.now >= deadline || Task.isCancelled { return (entries, readTo) }
            await journal.waitForChange(after: generation, until: deadline)
        }
    }

    /// Whether a request's URL, request id or bodies contain `needle`.
    static func contains(_ r: RequestFields, _ needle: [UInt8]) -> Bool {
        TextSearch.contains(r.url, needle) || (r.requestID.map { $0.elementsEqual(needle) } ?? false)
            || TextSearch.contains(r.requestBody, needle) || TextSearch.contains(r.responseBody, needle)
    }

    /// Calls `body` with the request of each of `seqs` read in place (nil for one the
    /// journal no longer holds as a request), all in one read transaction.
    public func withRequests(_ seqs: [UInt64], _ body: (UInt64, RequestFields?) throws -> Void) throws {
        try journal.withReader { reader in
            for seq in seqs {
                let found: Bool = try reader.read(seq) { record in
                    guard let r = try BinaryEventCodec.requestFields(record, reading: .summary) else { return false }
                    try body(seq, r)
                    return true
                } ?? false
                if !found { try body(seq, nil) }
            }
        }
    }
}
