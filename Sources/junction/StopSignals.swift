import Dispatch
import Foundation
import Synchronization

/// SIGTERM and SIGINT for a long-running subcommand: caught from the start, they cancel
/// the task once it exists (a stop that comes earlier is kept, not lost).
final class StopSignals: Sendable {
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let requested = Mutex(false)
    // Dispatch sources are thread-safe; kept alive for the process's life.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    init() {
        sources = [SIGTERM, SIGINT].map { signo in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [self] in
                requested.withLock { $0 = true }
                task.withLock { $0?.cancel() }
            }
            source.resume()
            return source
        }
    }

    /// Stops the process when its parent (the supervising daemon) dies, even by SIGKILL:
    /// a watch on the parent's pid, since the kernel's parent-death signal follows the
    /// parent *thread*, and the thread that started us may end long before the daemon.
    /// False if the parent is already gone.
    func stopWithParent(_ parent: Int32?) -> Bool {
        guard let parent else { return true }
        guard getppid() == parent else { return false }
        let thread = Thread { [self] in
            while getppid() == parent { usleep(200_000) }
            requested.withLock { $0 = true }
            task.withLock { $0?.cancel() }
        }
        thread.name = "parent-watch"
        thread.start()
        return true
    }

    /// Runs `body` until it ends or a stop signal cancels it.
    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let t = Task { try await body() }
        task.withLock { $0 = t }
        if requested.withLock({ $0 }) { t.cancel() }
        try await t.value
    }
}
