internal import Events
public import Journal
internal import Projections

extension Writer {
    /// Refuses the write when the replication gate says writes are not taken (a follower,
    /// a writer fenced by another).
    public func checkTakesWrites() throws(HubError) {
        if let reason = replication.writeRefusal { throw HubError.unavailable(reason) }
    }

    /// Returns once `appended` is held by the stream as the replication mode requires.
    func replicated(_ appended: Appended) async throws(HubError) -> Appended {
        do {
            try await replication.replicated(through: appended.range.upperBound)
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.unavailable("\(error)")
        }
        return appended
    }

    /// Appends one batch of the writer's journal, as the stream gave it, and applies it:
    /// it must land at the same numbers (`range`), under the same idempotency key. A
    /// compaction's marker makes the replica repeat that compaction, so its events stay
    /// the writer's byte for byte.
    public func applyReplicated(_ records: [[UInt8]], range: ClosedRange<UInt64>, key: IdempotencyKey?) async throws {
        var batch = RecordBatch()
        for record in records { batch.append(record) }
        let appended: Appended
        if let key {
            appended = try await journal.append(batch, idempotencyKey: key)
        } else {
            appended = Appended(range: try await journal.append(batch), replayed: false)
        }
        guard appended.range == range, !appended.replayed else {
            throw HubError.failed(
                "the stream's batch \(range) landed at \(appended.range)\(appended.replayed ? " (a replay)" : ""): the replica has diverged")
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
