internal import ServiceLifecycle

/// The follower as one of the daemon's services: it follows the stream until a graceful
/// shutdown or a promotion; a follower that cannot go on stops the daemon with its reason.
package struct FollowerService: Service {
    let follower: Follower

    package init(follower: Follower) {
        self.follower = follower
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await follower.run()
        } onGracefulShutdown: {
            follower.stop()
        }
        // The reading ends with a promotion too: the daemon goes on, as the writer, until
        // it is told to stop (at once when that is why the reading ended).
        try? await gracefulShutdown()
    }
}
