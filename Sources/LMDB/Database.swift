internal import CLMDB

/// A handle on one database (a B-tree) inside an ``Environment``.
///
/// Handles are plain numbers, valid for the environment's lifetime and shareable between
/// threads once the transaction that opened them has committed.
public struct Database: Hashable, Sendable {
    internal let dbi: UInt32

    internal init(dbi: UInt32) {
        self.dbi = dbi
    }

    /// How a database is opened.
    public struct Options: OptionSet, Hashable, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Create the database if it does not exist (write transactions only).
        public static let create = Options(rawValue: UInt32(MDB_CREATE))
        /// Keys are compared as native-endian unsigned integers.
        public static let integerKeys = Options(rawValue: UInt32(MDB_INTEGERKEY))
        /// Keys are compared from their last byte backwards.
        public static let reverseKeys = Options(rawValue: UInt32(MDB_REVERSEKEY))
        /// A key holds a sorted set of values (`MDB_DUPSORT`), kept in a tree of its own
        /// once it outgrows its node: read with the cursor's duplicate movements.
        public static let sortedDuplicates = Options(rawValue: UInt32(MDB_DUPSORT))
        /// With ``sortedDuplicates``: every value of the database has the same size, so
        /// values are packed without a node header each (`MDB_DUPFIXED`).
        public static let fixedSizeDuplicates = Options(rawValue: UInt32(MDB_DUPFIXED))
    }

    /// The shape of a database: entry count and pages by kind.
    public struct Statistics: Hashable, Sendable {
        public let pageSize: Int
        public let depth: Int
        public let branchPages: Int
        public let leafPages: Int
        public let overflowPages: Int
        public let entries: Int

        /// Bytes held by this database's pages.
        public var bytes: Int { (branchPages + leafPages + overflowPages) * pageSize }

        internal init(_ stat: MDB_stat) {
            pageSize = Int(stat.ms_psize)
            depth = Int(stat.ms_depth)
            branchPages = Int(stat.ms_branch_pages)
            leafPages = Int(stat.ms_leaf_pages)
            overflowPages = Int(stat.ms_overflow_pages)
            entries = Int(stat.ms_entries)
        }
    }
}

/// Flags for writing one entry.
public struct PutOptions: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fail with ``LMDBError/keyExists`` instead of replacing an existing entry.
    public static let noOverwrite = PutOptions(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key sorts after every existing key: append without searching the tree.
    /// Fails with ``LMDBError/keyExists`` if it does not.
    public static let append = PutOptions(rawValue: UInt32(MDB_APPEND))
    /// In a ``Database/Options/sortedDuplicates`` database: the value sorts after every
    /// value the key holds, so it goes at the end of its tree, which fills its pages
    /// instead of splitting them in half (`MDB_APPENDDUP`). The caller should know it does
    /// rather than count on LMDB refusing a value that does not: that refusal can come
    /// after LMDB has already reorganised the key's values.
    public static let appendDuplicate = PutOptions(rawValue: UInt32(MDB_APPENDDUP))
}
