internal import Foundation
public import Logging
public import ServiceLifecycle
internal import Synchronization

/// Runs one projector process per projection (`junction project NAME`), restarts it with
/// doubling back-off when it dies, and stops them all with SIGTERM on shutdown.
///
/// Never more than one process per projection: each is restarted only after the previous
/// one has exited (and each projector also locks its projection's directory).
public final class ProjectorSupervisor: Service, Sendable {
    public struct Status: Sendable {
        public var name: String
        public var pid: Int32?
        public var restarts: Int
        /// starting, running, backing-off, stopped
        public var state: String
    }

    private let executable: String
    private let arguments: @Sendable (String) -> [String]
    /// The children, in the order `status()` lists them; ``supervise(adding:)`` appends.
    private let names: Mutex<[String]>
    /// The children to start, handed to the task group that supervises them: the first
    /// ones from `init`, then those added.
    private let additions: AsyncStream<String>
    private let addition: AsyncStream<String>.Continuation
    private let logger: Logger
    private let statuses: Mutex<[String: Status]>
    private let processes = Mutex<[String: ChildProcess]>([:])
    private let stopping = Atomic<Bool>(false)

    /// - Parameters:
    ///   - executable: The program to run (the `junction` binary).
    ///   - arguments: Its arguments for one projection.
    /// The notifier's name among the children (the others are projections').
    public static let notifierName = "notifier"

    public init(executable: String, names: [String], logger: Logger, arguments: @escaping @Sendable (String) -> [String]) {
        self.executable = executable
        self.names = Mutex(names)
        (additions, addition) = AsyncStream.makeStream(of: String.self)
        for name in names { addition.yield(name) }
        self.logger = logger
        self.arguments = arguments
        statuses = Mutex(Dictionary(uniqueKeysWithValues: names.map { ($0, Status(name: $0, pid: nil, restarts: 0, state: "starting")) }))
    }

    public func status() -> [Status] {
        let names = self.names.withLock { $0 }
        return statuses.withLock { s in names.compactMap { s[$0] } }
    }

    /// Starts supervising one more child (a promoted follower's notifier), unless it is
    /// supervised already or the supervisor is stopping.
    public func supervise(adding name: String) {
        let added = names.withLock { names in
            guard !names.contains(name), !stopping.load(ordering: .acquiring) else { return false }
            names.append(name)
            return true
        }
        guard added else { return }
        statuses.withLock { $0[name] = Status(name: name, pid: nil, restarts: 0, state: "starting") }
        addition.yield(name)
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                // Ends when stopAll finishes the stream.
                for await name in additions {
                    group.addTask { await self.supervise(name) }
                }
            }
        } onGracefulShutdown: {
            self.stopAll()
        }
    }

    private func supervise(_ name: String) async {
        var backoff = Duration.milliseconds(100)
        while !stopping.load(ordering: .acquiring) {
            let started = ContinuousClock.now
            var exit = ChildProcess.Exit.exited(-1)
            do {
                let process = try ChildProcess(executable: executable, arguments: arguments(name))
                processes.withLock { $0[name] = process }
                statuses.withLock { $0[name]?.pid = process.pid; $0[name]?.state = "running" }
                // Stop may have come between the check above and the start.
                if stopping.load(ordering: .acquiring) { process.send(SIGTERM) }
                exit = await process.exit()
            } catch {
                logger.error("cannot start projector", metadata: ["projector.name": "\(name)", "error": "\(error)"])
            }
            processes.withLock { $0[name] = nil }
            if stopping.load(ordering: .acquiring) { break }
            if ContinuousClock.now - started > .seconds(30) { backoff = .milliseconds(100) }
            statuses.withLock { $0[name]?.restarts += 1; $0[name]?.pid = nil; $0[name]?.state = "backing-off" }
            logger.warning("projector exited; restarting", metadata: [
                "projector.name": "\(name)", "projector.exit": "\(exit)", "projector.backoff": "\(backoff)",
            ])
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
        statuses.withLock { $0[name]?.pid = nil; $0[name]?.state = "stopped" }
    }

    /// SIGTERM to every projector; SIGKILL to any still there after five seconds.
    public func stopAll() {
        stopping.store(true, ordering: .releasing)
        addition.finish()
        let running = processes.withLock { Array($0.values) }
        for p in running { p.send(SIGTERM) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 5) {
            for p in running { p.send(SIGKILL) }
        }
    }
}
