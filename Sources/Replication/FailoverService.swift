package import Logging
internal import NATS
internal import ServiceLifecycle

/// A follower's side of automatic failover (`follow --failover auto`): it watches the
/// writer's lease and, when one revision has stood for the TTL while this replica holds
/// everything the stream holds, takes the lease by compare-and-set on that revision and
/// promotes itself (a new epoch; the old writer is fenced by the stream as with
/// `junction promote`). Of several followers, the one whose write lands first wins;
/// the others go on following.
package struct FailoverService: Service {
    let follower: Follower
    let role: ReplicationRole
    let failover: FailoverSettings
    /// What the promoted writer replicates with (its mode, its name).
    let writerSettings: ReplicationSettings
    let dataDirectory: String
    /// Told once this node is the writer (it starts the writer's own parts).
    let promoted: @Sendable () -> Void
    let logger: Logger

    package init(
        follower: Follower, role: ReplicationRole, failover: FailoverSettings, writerSettings: ReplicationSettings,
        dataDirectory: String, logger: Logger, promoted: @escaping @Sendable () -> Void
    ) {
        self.follower = follower
        self.role = role
        self.failover = failover
        self.writerSettings = writerSettings
        self.dataDirectory = dataDirectory
        self.promoted = promoted
        self.logger = logger
    }

    package func run() async throws {
        try await watch()
        // Promoted (or told to stop): the daemon goes on, as the writer, until it is told
        // to stop; a service that returned would stop it.
        try? await gracefulShutdown()
    }

    private func watch() async throws {
        let key = follower.configuration.stream
        let bucket = try await WriterLease.bucket(servers: follower.configuration.servers, settings: failover,
                                                  replicas: follower.configuration.replicas)
        // The revision last seen, and since when (this node's clock only).
        var seen: (revision: UInt64?, since: ContinuousClock.Instant)?
        var behindSaid = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled, !follower.promoted.load(ordering: .acquiring) {
            try? await Task.sleep(for: failover.renewInterval / 2)
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            let entry: KeyValue.Entry?
            do {
                entry = try await BlockingCall.run(named: "nats-lease") { try bucket.entry(key) }
            } catch {
                logger.warning("failover: cannot read the writer's lease", metadata: ["failover.key": "\(key)", "error": "\(error)"])
                continue
            }
            if seen == nil || seen?.revision != entry?.revision {
                seen = (entry?.revision, .now)
                continue
            }
            guard ContinuousClock.now - seen!.since >= failover.timeToLive else { continue }
            // The writer has not renewed its lease for the TTL: it is gone, or cut off and
            // no longer acknowledging. Only a replica with everything may take over.
            guard await follower.holdsEverythingTheStreamHolds() else {
                if !behindSaid {
                    logger.notice("failover: the writer's lease lapsed, but this replica is behind the stream; catching up first")
                    behindSaid = true
                }
                continue
            }
            guard let lease = await WriterLease.take(bucket, key: key, seen: entry?.revision, name: writerSettings.writerName,
                                                     settings: failover, logger: logger)
            else {
                // Another node's write came first, or the bucket did not answer: the next
                // look tells (a new revision starts the watch again).
                logger.info("failover: the lease could not be taken", metadata: ["failover.key": "\(key)"])
                continue
            }
            logger.notice("failover: the writer's lease lapsed; this follower took it and promotes itself", metadata: [
                "failover.key": "\(key)", "failover.lapsed_revision": "\(entry?.revision ?? 0)",
            ])
            role.lease = lease
            do {
                _ = try await follower.promote(settings: writerSettings, dataDirectory: dataDirectory, patience: .seconds(5))
            } catch {
                // Left to lapse: another follower may do better.
                lease.stop()
                role.lease = nil
                logger.error("failover: promotion failed; the lease is left to lapse", metadata: ["error": "\(error)"])
                seen = nil
                continue
            }
            promoted()
            return
        }
    }
}
