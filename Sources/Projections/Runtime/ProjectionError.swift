internal import LMDB

/// Why a projection could not be opened, built or queried.
public struct ProjectionError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Reason: Hashable, Sendable {
        case unknownProjection(String)
        case notBuilt(String, String)
        case schemaMismatch(String, Int, Int)
        case notFound(String)
        case invalid(String)
        case storage(LMDBError)
    }

    private let reason: Reason

    private init(_ reason: Reason) {
        self.reason = reason
    }

    public static func unknownProjection(_ name: String) -> Self { Self(.unknownProjection(name)) }
    static func notBuilt(_ name: String, at path: String) -> Self { Self(.notBuilt(name, path)) }
    static func schemaMismatch(_ name: String, found: Int, expected: Int) -> Self {
        Self(.schemaMismatch(name, found, expected))
    }
    /// Something asked for does not exist (a connection, a log entry).
    public static func notFound(_ what: String) -> Self { Self(.notFound(what)) }
    /// A query that cannot be answered as asked (a bad cursor, a bad range).
    public static func invalid(_ what: String) -> Self { Self(.invalid(what)) }

    /// A projection's storage failed.
    static func storage(_ error: LMDBError) -> Self { Self(.storage(error)) }

    /// Whether every reader slot of the projection's environment is taken by live readers:
    /// worth a retry shortly.
    public var isReadersFull: Bool {
        if case .storage(let e) = reason { return e == .readersFull }
        return false
    }

    public var isNotFound: Bool {
        if case .notFound = reason { return true }
        return false
    }

    public var isInvalid: Bool {
        if case .invalid = reason { return true }
        return false
    }

    public var description: String {
        switch reason {
        case .unknownProjection(let name):
            "unknown projection \"\(name)\" (known: \(ProjectionCatalog.names.joined(separator: ", ")))"
        case .notBuilt(let name, let path):
            "the \(name) projection has not been built at \(path) (run `junction project \(name)` or `junction-replay rebuild`)"
        case .schemaMismatch(let name, let found, let expected):
            "the \(name) projection has layout version \(found), this build needs \(expected): rebuild it with `junction-replay rebuild --replace`"
        case .notFound(let what): "\(what) not found"
        case .invalid(let what): what
        case .storage(let e): "projection storage error: \(e) (code \(e.code))"
        }
    }
}
