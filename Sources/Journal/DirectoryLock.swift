#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An exclusive, advisory lock on a directory (`flock` on `<dir>/LOCK`), held for the
/// owner's lifetime and released by the kernel if the process dies.
///
/// Junction's single writer holds it on the data directory; offline tools that write
/// take it too, so they refuse to run beside the daemon.
public final class DirectoryLock: Sendable {
    private let fd: Int32
    public let path: String

    /// Takes the lock or throws, naming the process that holds it.
    public init(directory: String, purpose: String) throws {
        let path = directory + "/LOCK"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError.storage(.init(code: errno)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            guard code == EWOULDBLOCK else { throw JournalError.storage(.init(code: code)) }
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self)
                .trimmingCharacters(in: "\n ") : "another process"
            throw JournalError.locked(directory, holder: holder.isEmpty ? "another process" : holder)
        }
        let note = Array("pid \(getpid()) (\(purpose))\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, note, note.count, 0)
        self.fd = fd
        self.path = path
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
