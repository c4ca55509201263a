public import Events
public import Hub
public import Logging
public import Projections
public import Journal
public import Domain

/// Decides alerts: raises one when a connection enters `failing` or `quiet` (or
/// `degraded`, if its owner asked for it) and resolves it when it leaves, reading the
/// health projection at the wall clock's `now`. It runs on the writer; a follower's
/// watcher waits, and starts deciding when the node is promoted.
///
/// Once per transition: the writer's state holds the open alerts and refuses a second,
/// so a decision taken again after a restart or a promotion appends nothing.
public actor AlertWatcher {
    public struct Configuration: Sendable {
        /// How often every connection is looked at when nothing is logged (the hour slides,
        /// a quiet connection becomes quiet by the clock alone).
        public var sweepInterval: Duration = .seconds(30)
        /// The least time between two looks while requests keep arriving.
        public var minimumGap: Duration = .seconds(1)

        public init() {}
    }

    let writer: Writer
    let queries: Queries
    let journal: Journal
    let configuration: Configuration
    let logger: Logger
    /// What the last sweeps decided (counts, for the log and the tests).
    public private(set) var raised = 0
    public private(set) var resolved = 0

    public init(writer: Writer, queries: Queries, journal: Journal, configuration: Configuration, logger: Logger) {
        self.writer = writer
        self.queries = queries
        self.journal = journal
        self.configuration = configuration
        self.logger = logger
    }

    public func run(mayWrite: @escaping @Sendable () -> Bool) async {
        logger.info("alert watcher started")
        var lastSweep = ContinuousClock.now - configuration.sweepInterval
        var swept: UInt64 = 0
        while !Task.isCancelled {
            let generation = journal.changeGeneration
            let head = (try? journal.head) ?? 0
            let due = ContinuousClock.now - lastSweep >= configuration.sweepInterval
            if mayWrite(), head != swept || due {
                // The health projection first catches up with what the journal held, so
                // that a restarted watcher decides from what the last one saw.
                _ = try? await queries.healthCheckpoint(reaching: head, by: .now + .seconds(2))
                do {
                    try await sweep(now: .now)
                } catch {
                    logger.error("alert sweep failed", metadata: ["error": "\(error)"])
                }
                lastSweep = .now
                swept = head
            }
            try? await Task.sleep(for: configuration.minimumGap)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.journal.waitForChange(after: generation, gathering: .milliseconds(50)) }
                group.addTask { try? await Task.sleep(for: self.configuration.sweepInterval) }
                await group.next()
                group.cancelAll()
            }
        }
        logger.info("alert watcher stopped")
    }

    /// Looks at every connection at `now` and journals what changed.
    public func sweep(now: Timestamp) async throws {
        let open = writer.openAlerts()
        let settings = writer.alertSettings()
        for (id, status) in try queries.healthConnections() {
            if status == .disconnected, open[id] == nil { continue }
            guard let health = try queries.health(id, now: now) else { continue }
            let desired = Self.condition(health.state, degradedWanted: settings[id]?.degraded ?? false)
            let current = open[id]
            if current?.condition == desired { continue }
            do {
                if let current {
                    _ = try await writer.resolveAlert(connectionID: id, alertID: current.alertID, state: health.state.rawValue)
                    resolved += 1
                    logger.notice("alert resolved", metadata: ["alert.id": "\(current.alertID)", "connection.id": "\(id)", "health.state": "\(health.state.rawValue)"])
                }
                if let desired, let account = writer.withState({ $0.connections[id]?.accountID }) {
                    let (_, alertID) = try await writer.raiseAlert(
                        connectionID: id, accountID: account, condition: desired, reason: health.reason,
                        lastErrorSeq: health.summary.lastError?.seq)
                    raised += 1
                    logger.notice("alert raised", metadata: [
                        "alert.id": "\(alertID)", "connection.id": "\(id)", "alert.condition": "\(desired.name)", "alert.reason": "\(health.reason)",
                    ])
                }
            } catch {
                // Refused (decided already by another pass, or this node stopped writing):
                // the next sweep looks again.
                logger.warning("alert not journaled", metadata: ["connection.id": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// The alert a health state calls for, if any.
    public static func condition(_ state: HealthState, degradedWanted: Bool) -> AlertCondition? {
        switch state {
        case .failing: .failing
        case .quiet: .quiet
        case .degraded: degradedWanted ? .degraded : nil
        case .ok, .blocked, .disconnected: nil
        }
    }
}
