internal import Hub
internal import Journal
internal import Logging
internal import Notifications
internal import Projections
internal import ServiceLifecycle
internal import Replication

/// The alerts' two long-running parts as one lifecycle service: the watcher that decides
/// them from the health projection and the mailer that tells people. Both act only while
/// this node writes (a follower's wait, and take over on promotion).
struct AlertService: Service {
    let watcher: AlertWatcher
    let mailer: AlertMailer?
    let role: ReplicationRole

    func run() async throws {
        let role = self.role
        let mayWrite: @Sendable () -> Bool = { role.follower == nil }
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await watcher.run(mayWrite: mayWrite) }
                if let mailer {
                    group.addTask { try? await mailer.run(mayWrite: mayWrite) }
                }
                await group.waitForAll()
            }
        }
    }
}
