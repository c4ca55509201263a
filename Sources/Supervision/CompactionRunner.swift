internal import Hub
internal import Foundation
public import Events
public import Journal
public import Logging
public import Projections
public import ServiceLifecycle

/// Runs compaction inside the daemon, one run at a time, on request and on a schedule,
/// beside live appends (its write transactions queue with the group commits).
public final class CompactionRunner: Service, Sendable {
    public let policy: RetentionPolicy
    private let journal: Journal
    private let queries: Queries
    private let interval: Duration?
    private let logger: Logger
    private let gate = AsyncLock()
    private let shippedThrough: (@Sendable () -> UInt64)?
    private let scheduledRunAllowed: @Sendable () -> Bool

    /// - Parameters:
    ///   - interval: how often to compact on its own; nil for never.
    ///   - scheduledRunAllowed: asked at each scheduled run; a run it declines is skipped
    ///     (a follower's journal changes only through its stream, until it is promoted).
    ///   - shippedThrough: with replication, the last event the stream holds: nothing
    ///     past it is compacted, so the stream gets every event as it was appended. Asked
    ///     at each run, since a follower promoted meanwhile starts replicating.
    public init(
        journal: Journal, queries: Queries, policy: RetentionPolicy, interval: Duration?,
        scheduledRunAllowed: @escaping @Sendable () -> Bool = { true },
        shippedThrough: (@Sendable () -> UInt64)? = nil, logger: Logger
    ) {
        self.shippedThrough = shippedThrough
        self.scheduledRunAllowed = scheduledRunAllowed
        self.journal = journal
        self.queries = queries
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    /// Compacts what every projector has applied, with `policy` (default: the daemon's) at
    /// `now` (default: the current time).
    public func compact(now: Timestamp? = nil, policy: RetentionPolicy? = nil) async throws -> Compactor.Report {
        try await gate.withLock {
            let queries = self.queries
            let shipped = self.shippedThrough
            // Projectors get a few seconds to reach what the journal holds now.
            return try await Compaction.run(
                journal: self.journal,
                projectors: .running(slowestCheckpoint: { seq, deadline in
                    min(try await queries.slowestCheckpoint(reaching: seq, by: deadline), shipped?() ?? .max)
                }, patience: .seconds(5)),
                policy: policy ?? self.policy, now: now ?? .now, logger: self.logger)
        }
    }

    public func run() async throws {
        guard let interval else {
            try? await gracefulShutdown()
            return
        }
        // A sleep is not interrupted by a graceful shutdown: cancel it then.
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                guard self.scheduledRunAllowed() else { continue }
                do {
                    _ = try await self.compact()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("scheduled compaction failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
