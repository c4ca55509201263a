internal import Events
internal import Journal
internal import Projections

extension Writer {
    /// Makes this writer refuse every write with `reason` (a follower's: writes go to
    /// the writer it names), or take writes again with nil.
    func refuseWrites(_ reason: String?) {
        writesRefused.withLock { $0 = reason }
    }

    /// Throws the 503 of a writer that does not take writes (a follower, or a writer
    /// fenced by another).
    func checkTakesWrites() throws {
        if let reason = writesRefused.withLock({ $0 }) { throw APIError.unavailable(reason) }
        if let reason = replicator.withLock({ $0 })?.refusal { throw APIError.unavailable(reason) }
    }

    /// In sync replication, returns once `appended` is in the stream.
    func replicated(_ appended: Appended) async throws -> Appended {
        if let replicator = replicator.withLock({ $0 }) { try await replicator.acknowledged(through: appended.range.upperBound) }
        return appended
    }

    /// Appends one batch of the writer's journal, as the stream gave it, and applies it:
    /// it must land at the same numbers (`range`), under the same idempotency key. A
    /// compaction's marker makes the replica repeat that compaction, so its events stay
    /// the writer's byte for byte.
    func applyReplicated(_ records: [[UInt8]], range: ClosedRange<UInt64>, key: IdempotencyKey?) async throws {
        var batch = RecordBatch()
        for record in records { batch.append(record) }
        let appended: Appended
        if let key {
            appended = try await journal.append(batch, idempotencyKey: key)
        } else {
            appended = Appended(range: try await journal.append(batch), replayed: false)
        }
        guard appended.range == range, !appended.replayed else {
            throw ReplicationError("the stream's batch \(range) landed at \(appended.range)\(appended.replayed ? " (a replay)" : ""): the replica has diverged")
        }
        let requestKind = Event.Kind.requestLogged.rawValue
        for record in records {
            guard record.withUnsafeBytes({ (try? BinaryEventCodec.header(of: $0))?.kind }) != requestKind,
                  let event = try? BinaryEventCodec.decode(record) else { continue }
            state.withLock { $0.apply(event) }
            if case .retentionApplied(let marker) = event.payload {
                try await Compactor.repeatRun(journal: journal, marker: marker, logger: logger)
            }
        }
    }
}
