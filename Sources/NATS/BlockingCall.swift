internal import Foundation

/// libnats' calls block on the network (a connect, a stream's creation, a request to the
/// server). From async code they run through ``run(named:_:)``, on a thread of their own,
/// so no thread of Swift's cooperative pool waits on a server.
public enum BlockingCall {
    /// Runs `body` on a new thread named `name`, and returns what it returned or throws
    /// what it threw. For calls made now and then (start-up, a promotion), not per message:
    /// the stream's readers and publishers keep threads of their own.
    public static func run<T: Sendable>(named name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = name
            thread.start()
        }
    }
}
