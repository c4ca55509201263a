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

    /// Appends batches of the writer's journal, as the stream gave them, in one commit
    /// where they fit, and applies them: each must land at the same numbers (`range`),
    /// under the same idempotency key. A compaction's marker makes the replica repeat that
    /// compaction, so its events stay the writer's byte for byte.
    public func applyReplicated(_ batches: [(records: RecordBatch, range: ClosedRange<UInt64>, key: IdempotencyKey?)]) async throws {
        let landed = try await journal.append(batches.map { ($0.records, $0.key) })
        for (batch, appended) in zip(batches, landed) where appended.range != batch.range || appended.replayed {
            throw HubError.failed(
                "the stream's batch \(batch.range) landed at \(appended.range)\(appended.replayed ? " (a replay)" : ""): the replica has diverged")
        }
        let requestKind = Event.Kind.requestLogged.rawValue
        for batch in batches {
            var events: [Event] = []
            batch.records.forEach { _, record in
                guard (try? BinaryEventCodec.header(of: record))?.kind != requestKind,
                      let event = try? BinaryEventCodec.decode(record) else { return }
                events.append(event)
            }
            for event in events {
                state.withLock { $0.apply(event) }
                if case .retentionApplied(let marker) = event.payload {
                    try await Compactor.repeatRun(journal: journal, marker: marker, logger: logger)
                }
            }
        }
    }
}
