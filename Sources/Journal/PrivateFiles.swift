#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif
internal import Foundation

/// Directories and files of a data directory are the owner's alone: directories 0700,
/// files 0600, whatever the process's umask (which only ever takes bits away, so modes
/// are set after creation, not trusted to it).
public enum PrivateFiles {
    static let directoryMode: mode_t = 0o700
    static let fileMode: mode_t = 0o600

    /// Creates `path` and any missing parent, each created one 0700; an existing
    /// directory is left as it is.
    public static func createDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw JournalError.storage(.init(code: ENOTDIR)) }
            return
        }
        let parent = parentDirectory(of: path)
        if !parent.isEmpty, parent != path { try createDirectory(parent) }
        guard mkdir(path, directoryMode) == 0 || errno == EEXIST else { throw JournalError.storage(.init(code: errno)) }
        guard chmod(path, directoryMode) == 0 else { throw JournalError.storage(.init(code: errno)) }
    }

    /// `path` without its last component: "" for a single relative component, "/" for one
    /// under the root. Worked out on the bytes because Foundation's
    /// `deletingLastPathComponent` traps on a one-character relative path ("d") on Linux.
    public static func parentDirectory(of path: String) -> String {
        let slash = UInt8(ascii: "/")
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
        guard let last = bytes.lastIndex(of: slash) else { return "" }
        var end = last
        while end > 0, bytes[end - 1] == slash { end -= 1 }
        return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Makes every directory under `root` (itself included) 0700 and every regular file
    /// 0600 where group or others had any access; returns the paths it changed. Sockets
    /// and links are left alone (a socket's mode is its listener's choice).
    public static func repair(_ root: String) throws -> [String] {
        var changed: [String] = []
        func visit(_ path: String) throws {
            var info = stat()
            guard lstat(path, &info) == 0 else { throw JournalError.storage(.init(code: errno)) }
            let kind = info.st_mode & S_IFMT
            let mode = info.st_mode & 0o7777
            if kind == S_IFDIR {
                if mode & 0o077 != 0 || mode & 0o700 != 0o700 {
                    guard chmod(path, directoryMode) == 0 else { throw JournalError.storage(.init(code: errno)) }
                    changed.append("\(path) (\(String(mode, radix: 8)) → 700)")
                }
                for name in try FileManager.default.contentsOfDirectory(atPath: path) { try visit(path + "/" + name) }
            } else if kind == S_IFREG, mode & 0o077 != 0 {
                guard chmod(path, mode & 0o700) == 0 else { throw JournalError.storage(.init(code: errno)) }
                changed.append("\(path) (\(String(mode, radix: 8)) → \(String(mode & 0o700, radix: 8)))")
            }
        }
        try visit(root)
        return changed
    }
}
