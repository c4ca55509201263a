import Foundation

/// A fresh directory under the system's temporary directory, removed when the value dies.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ name: String = "test") {
        path = NSTemporaryDirectory() + "junction-\(name)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A subdirectory, created.
    public func sub(_ name: String) -> String {
        let p = path + "/" + name
        try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }
}
