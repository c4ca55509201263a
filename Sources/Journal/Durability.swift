/// What a commit waits for before the journal acknowledges it.
public enum Durability: String, Hashable, Sendable, CaseIterable {
    /// fsync data and meta page on every commit (group commit shares the cost). An
    /// acknowledged append survives a process crash, a kernel crash and a power loss.
    case full
    /// fsync data but not the meta page (`MDB_NOMETASYNC`). A system crash or power loss
    /// may undo the last commit(s) before the next one, and the sequence numbers they had
    /// are then given again; a process crash loses nothing.
    case noMetaSync = "nometasync"
    /// No fsync on commit (`MDB_NOSYNC`); the writer syncs at most a second after a commit.
    /// A process crash loses nothing, but a system crash or power loss may lose the last
    /// second of acknowledged appends, whose sequence numbers are then given again.
    case noSync = "nosync"

    /// What a crash can lose in this mode, for help texts and logs.
    public var risk: String {
        switch self {
        case .full: "nothing acknowledged is lost"
        case .noMetaSync: "a system crash may undo the last commit and reuse its sequence numbers"
        case .noSync: "a system crash may lose up to the last second of acknowledged appends"
        }
    }
}
