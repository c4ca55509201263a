internal import Foundation
internal import Synchronization
#if canImport(Glibc)
internal import Glibc
#endif

/// Wakes the readers of an LMDB environment when its writer commits: at once when this
/// process committed, and through inotify on the environment's directory when another
/// process did. A slow timer (every 250 ms) also wakes waiters, so a missed notification
/// delays a reader but never stalls it. The journal's tails wait on one; so do the
/// daemon's readers of projection checkpoints, which projector processes move.
///
/// The writer rewrites a small `commits` file after each commit has returned. Watching the
/// data file alone is not enough: LMDB writes it before publishing the transaction to
/// readers, so a reader woken by that write could look too early, see nothing new, and
/// then sleep until the timer.
// @unchecked Sendable: `commitFile` is written by the environment's single writer (one
// thread at a time) only; the rest is behind `state`.
public final class ChangeNotifier: @unchecked Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
        var watching = false
        var stopped = false
    }

    private let state = Mutex(State())
    private let directory: String
    /// The writer's descriptor of `<directory>/commits`, opened on its first commit.
    private var commitFile: Int32 = -1

    /// A notifier for the environment in `directory`; it watches nothing until it is first
    /// waited on.
    public init(directory: String) {
        self.directory = directory
    }

    deinit {
        if commitFile >= 0 { close(commitFile) }
    }

    static let commitFileName = "commits"

    /// Called by the writer once a commit is visible to readers: tells other processes
    /// (through the `commits` file, no fsync: it only wakes them) and this one. `head`
    /// is what the file holds: the last sequence number committed.
    public func announceCommit(head: UInt64) {
        #if canImport(Glibc)
        if commitFile < 0 {
            commitFile = open(directory + "/" + ChangeNotifier.commitFileName, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        }
        if commitFile >= 0 {
            var value = head.bigEndian
            _ = withUnsafeBytes(of: &value) { pwrite(commitFile, $0.baseAddress, 8, 0) }
        }
        #endif
        signal()
    }

    /// A number that changes on every notification; read it before looking at the
    /// journal, and pass it to ``wait(after:)``, so a change in between is not missed.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    public func signal() {
        let waiters = state.withLock { s in
            s.generation &+= 1
            defer { s.waiters.removeAll() }
            return s.waiters.values
        }
        for w in waiters { w.resume() }
    }

    /// Returns once the generation has moved past `generation`, or at once when the task
    /// is cancelled.
    public func wait(after generation: UInt64) async {
        startWatchingIfNeeded()
        let id = state.withLock { s in
            s.nextWaiter &+= 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                // Cancellation is checked under the lock: a handler that ran before this
                // found no waiter to resume, and set the flag read here first.
                let ready = state.withLock { s in
                    if s.generation != generation || s.stopped || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if ready { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Returns once the generation has moved past `generation`, or at `deadline`, or when
    /// the task is cancelled.
    public func wait(after generation: UInt64, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(after: generation) }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Wakes every waiter, now and from now on; the watching thread ends.
    public func stop() {
        state.withLock { $0.stopped = true }
        signal()
    }

    private func startWatchingIfNeeded() {
        let start = state.withLock { s in
            if s.watching || s.stopped { return false }
            s.watching = true
            return true
        }
        guard start else { return }
        let thread = Thread { [self] in watchLoop() }
        thread.name = "journal-watch"
        thread.start()
    }

    private func watchLoop() {
        #if canImport(Glibc)
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        // The directory, so that the `commits` file is seen even if the writer creates it
        // after this reader started.
        if fd >= 0 { _ = inotify_add_watch(fd, directory, UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE)) }
        defer { if fd >= 0 { close(fd) } }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !state.withLock({ $0.stopped }) {
            if fd >= 0 {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 250) > 0 {
                    while read(fd, &buffer, buffer.count) > 0 {}
                }
            } else {
                usleep(250_000)
            }
            signal()
        }
        #else
        while !state.withLock({ $0.stopped }) {
            usleep(100_000)
            signal()
        }
        #endif
    }
}
