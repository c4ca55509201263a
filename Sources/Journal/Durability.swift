/// What a commit waits for before the journal acknowledges it.
public enum Durability: String, Hashable, Sendable, CaseIterable {
    /// fsync data and meta page on every commit (group commit shares the cost). An
    /// acknowledged append survives a process crash, a kernel crash and a power loss.
    case full
    /// fsync data but not the meta page (`MDB_NOMETASYNC`). A system crash or power loss
    /// may undo the last commit(s) before the next one; a process crash loses nothing.
    case noMetaSync = "nometasync"
    /// No fsync on commit (`MDB_NOSYNC`); the journal syncs once a second. A process crash
    /// loses nothing, but a system crash or power loss may lose the last second of
    /// acknowledged appends.
    case noSync = "nosync"

    /// What a crash can lose in this mode, for help texts and logs.
    public var risk: String {
        switch self {
        case .full: "nothing acknowledged is lost"
        case .noMetaSync: "a system crash may undo the last commit"
        case .noSync: "a system crash may lose up to the last second of acknowledged appends"
        }
    }
}
