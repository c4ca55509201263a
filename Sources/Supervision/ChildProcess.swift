#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif
internal import Foundation
internal import Synchronization

/// A child process started with `posix_spawn` and reaped by `waitpid` on its own pid.
///
/// Not Foundation's `Process`: on Linux it learns of an exit when a socket held by the
/// child reaches end of file, on one shared run-loop thread that then blocks in `waitpid`.
/// Once in CI a SIGKILLed notifier was never reported as exited, so it was never
/// restarted; which part failed could not be reproduced. A thread blocked in `waitpid` on
/// the child's own pid leaves nothing in between.
final class ChildProcess: Sendable {
    /// How the child ended.
    enum Exit: Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signo): "signal \(signo)"
            }
        }
    }

    let pid: pid_t
    private let exited = Atomic<Bool>(false)

    /// Starts `executable` with `arguments`, the parent's environment and standard streams,
    /// in a process group of its own (a terminal's Ctrl-C reaches the parent, which stops
    /// its children in order), with no signal blocked and no other descriptor inherited.
    init(executable: String, arguments: [String]) throws(ChildProcessError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        Self.closeDescriptorsFrom3(&actions)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// Waits for the child to end and reaps it. Call once: the blocking `waitpid` runs on a
    /// thread of its own, so no task of the cooperative pool is held.
    func exit() async -> Exit {
        await withCheckedContinuation { (continuation: CheckedContinuation<Exit, Never>) in
            let pid = self.pid
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                self.exited.store(true, ordering: .releasing)
                let signo = status & 0x7f
                continuation.resume(returning: signo == 0 ? .exited((status >> 8) & 0xff) : .signalled(signo))
            }
        }
    }

    /// Sends `signo` unless `exit()` has reaped the child (its pid may then be another's).
    func send(_ signo: Int32) {
        if !exited.load(ordering: .acquiring) { kill(pid, signo) }
    }

    /// glibc 2.34+ has `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc
    /// module does not declare; look it up. Without it the descriptors the daemon opens
    /// with close-on-exec (all of its own) are still not inherited.
    private static func closeDescriptorsFrom3(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
    }
}

/// A child that could not be started.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
