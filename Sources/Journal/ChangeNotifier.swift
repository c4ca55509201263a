internal import Foundation
internal import Synchronization
#if canImport(Glibc)
internal import Glibc
#endif

/// Wakes tails when the journal changes: at once when this process appended, and through
/// inotify on the journal's directory when another process did. A slow timer (every 250 ms)
/// also wakes waiters, so a missed notification delays a tail but never stalls it.
///
/// The writer rewrites a small `commits` file after each commit has returned. Watching the
/// data file alone is not enough: LMDB writes it before publishing the transaction to
/// readers, so a reader woken by that write could look too early, see nothing new, and
/// then sleep until the timer.
// @unchecked Sendable: `commitFile` is written by the journal's single writer thread only;
// the rest is behind `state`.
final class ChangeNotifier: @unchecked Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var watching = false
        var stopped = false
    }

    private let state = Mutex(State())
    private let directory: String
    /// The writer's descriptor of `<directory>/commits`, opened on its first commit.
    private var commitFile: Int32 = -1

    init(directory: String) {
        self.directory = directory
    }

    deinit {
        if commitFile >= 0 { close(commitFile) }
    }

    static let commitFileName = "commits"

    /// Called by the writer once a commit is visible to readers: tells other processes
    /// (through the `commits` file, no fsync: it only wakes them) and this one.
    func announceCommit(head: UInt64) {
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
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    func signal() {
        let waiters = state.withLock { s in
            s.generation &+= 1
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Returns once the generation has moved past `generation`.
    func wait(after generation: UInt64) async {
        startWatchingIfNeeded()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.generation != generation || s.stopped { return true }
                s.waiters.append(c)
                return false
            }
            if ready { c.resume() }
        }
    }

    func stop() {
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
