internal import Foundation
public import Logging

/// Junction's data directory: the journal, the projections beside it, and the lock that
/// keeps a second writer out.
///
/// ```
/// <data>/LOCK              held by the writer (daemon or offline tool)
/// <data>/journal/          LMDB environment: events, meta
/// <data>/projections/<n>/  one LMDB environment per projection
/// <data>/token.key         the key access tokens are derived with (the hub's core)
/// <data>/replication.json  this directory's place in replication (its epoch, its stream)
/// ```
public struct DataDirectory: Sendable {
    public let root: String

    public init(_ root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    public var journalPath: String { root + "/journal" }
    public var projectionsPath: String { root + "/projections" }

    public func projectionPath(_ name: String) -> String { projectionsPath + "/" + name }

    /// The key the core derives access tokens and the apps' secrets with.
    public var tokenKeyPath: String { root + "/token.key" }
    /// Where replication keeps this directory's epoch and stream.
    public var replicationIdentityPath: String { root + "/replication.json" }
    /// The directory's files that are neither journal nor projections: what a copy of it
    /// takes besides them.
    public var smallFiles: [String] { [tokenKeyPath, replicationIdentityPath] }

    /// Whether `init` has been run here.
    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: journalPath + "/data.mdb")
    }

    /// Creates the directory and an empty journal, every directory 0700 and every file
    /// 0600 whatever the umask; refuses an existing one. A replica passes the id of the
    /// journal it copies.
    public func initialize(options: Journal.Options = Journal.Options(), journalID: String? = nil, logger: Logger) throws -> Journal {
        if isInitialized { throw JournalError.alreadyInitialized(root) }
        try PrivateFiles.createDirectory(projectionsPath)
        return try Journal.create(at: journalPath, options: options, id: journalID, logger: logger)
    }

    /// Takes the writer's lock, or throws naming its holder.
    public func lockForWriting(purpose: String) throws -> DirectoryLock {
        guard FileManager.default.fileExists(atPath: root) else { throw JournalError.notInitialized(root) }
        return try DirectoryLock(directory: root, purpose: purpose)
    }

    /// Makes the data directory private again where group or others could read it
    /// (directories 0700, files 0600); returns what it changed, for the caller to say.
    public func repairPermissions() throws -> [String] {
        try PrivateFiles.repair(root)
    }

    /// Opens the journal read-only; safe beside a running writer.
    public func openJournalForReading(logger: Logger) throws -> Journal {
        guard isInitialized else { throw JournalError.notInitialized(root) }
        return try Journal.open(at: journalPath, readOnly: true, logger: logger)
    }

    /// Takes the writer's lock (or throws naming its holder) and opens the journal as its
    /// single writer; the journal holds the lock until it is closed or released.
    public func openJournalForWriting(purpose: String, options: Journal.Options = Journal.Options(), logger: Logger) throws -> Journal {
        let lock = try lockForWriting(purpose: purpose)
        guard isInitialized else { throw JournalError.notInitialized(root) }
        return try Journal.open(at: journalPath, readOnly: false, options: options, lock: lock, logger: logger)
    }
}
