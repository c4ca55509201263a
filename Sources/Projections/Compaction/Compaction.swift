internal import Foundation
public import Events
public import Journal
public import Logging

/// One compaction run, the same whoever asks for it (the daemon, on request or on its
/// schedule; `junction compact` offline): compact only what every projection has applied,
/// then forget idempotency keys old enough that no retry can still come with them.
public enum Compaction {
    /// How a run makes sure the projections have applied what it compacts.
    public enum Projectors: Sendable {
        /// Projector processes keep the projections current (the daemon's): the run waits up
        /// to `patience` for the slowest checkpoint to reach the head, and compacts up to
        /// wherever it is then. `slowestCheckpoint(seq, deadline)` returns once every
        /// checkpoint has reached `seq`, or at `deadline`, with the least of them.
        case running(
            slowestCheckpoint: @Sendable (_ reaching: UInt64, _ deadline: ContinuousClock.Instant) async throws -> UInt64,
            patience: Duration)
        /// No daemon runs: the live projections of the data directory are brought up to
        /// date here before the run, and after it so they apply the same retention.
        case caughtUpHere(DataDirectory)
    }

    /// Idempotency keys are kept a day: retries come within minutes.
    public static let idempotencyKeyLifetime: Int64 = Timestamp.microsecondsPerDay

    /// Compacts `journal` with the cutoffs of `policy` at `now`, in write transactions of
    /// `chunk` events.
    public static func run(
        journal: Journal, projectors: Projectors, policy: RetentionPolicy, now: Timestamp, chunk: Int = 2000, logger: Logger
    ) async throws -> Compactor.Report {
        let limit: UInt64
        switch projectors {
        case .running(let slowestCheckpoint, let patience):
            // Never touch an event some projector has not applied yet.
            limit = try await slowestCheckpoint(try journal.head, ContinuousClock.now + patience)
        case .caughtUpHere(let data):
            try ProjectionBuilder.catchUpLive(data: data, journal: journal, logger: logger)
            var reached = try journal.head
            for type in ProjectionCatalog.all {
                let store = try ProjectionStore(type, at: data.projectionPath(type.name), readOnly: true)
                reached = min(reached, try store.checkpoint())
            }
            limit = reached
        }
        let report = try await Compactor.run(journal: journal, policy: policy, now: now, limit: limit, chunk: chunk, logger: logger)
        let forgotten = try await journal.forgetIdempotencyKeys(before: Timestamp.now.microseconds - idempotencyKeyLifetime)
        if forgotten > 0 {
            logger.info("forgot idempotency keys", metadata: ["journal.idempotency_keys": "\(forgotten)"])
        }
        if case .caughtUpHere(let data) = projectors {
            try ProjectionBuilder.catchUpLive(data: data, journal: journal, logger: logger)
        }
        return report
    }
}
