internal import CLMDB
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif


/// An error returned by liblmdb, or by the operating system through it.
///
/// Every LMDB return code maps to one value; the well-known ones have Swift names so
/// callers can match them (`catch let error as LMDBError where error == .notFound`).
/// The description is the C library's own message (`mdb_strerror`), which also covers
/// `errno` values such as `ENOSPC`.
public struct LMDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The raw return code: an `MDB_*` constant or an `errno` value.
    public let code: Int32

    public init(code: Int32) {
        self.code = code
    }

    public var description: String {
        String(cString: mdb_strerror(code))
    }

    public static let keyExists = LMDBError(code: MDB_KEYEXIST)
    public static let notFound = LMDBError(code: MDB_NOTFOUND)
    public static let pageNotFound = LMDBError(code: MDB_PAGE_NOTFOUND)
    public static let corrupted = LMDBError(code: MDB_CORRUPTED)
    public static let panic = LMDBError(code: MDB_PANIC)
    public static let versionMismatch = LMDBError(code: MDB_VERSION_MISMATCH)
    public static let invalid = LMDBError(code: MDB_INVALID)
    public static let mapFull = LMDBError(code: MDB_MAP_FULL)
    public static let databasesFull = LMDBError(code: MDB_DBS_FULL)
    public static let readersFull = LMDBError(code: MDB_READERS_FULL)
    public static let tlsFull = LMDBError(code: MDB_TLS_FULL)
    public static let transactionFull = LMDBError(code: MDB_TXN_FULL)
    public static let cursorFull = LMDBError(code: MDB_CURSOR_FULL)
    public static let pageFull = LMDBError(code: MDB_PAGE_FULL)
    public static let mapResized = LMDBError(code: MDB_MAP_RESIZED)
    public static let incompatible = LMDBError(code: MDB_INCOMPATIBLE)
    public static let badReaderSlot = LMDBError(code: MDB_BAD_RSLOT)
    public static let badTransaction = LMDBError(code: MDB_BAD_TXN)
    public static let badValueSize = LMDBError(code: MDB_BAD_VALSIZE)
    public static let badDatabase = LMDBError(code: MDB_BAD_DBI)
    /// The disk (or the file system's quota) is full.
    public static let noSpace = LMDBError(code: ENOSPC_CODE)
    /// A file grew past the process's file-size limit (`RLIMIT_FSIZE`): to the writer,
    /// the same as a full disk.
    public static let fileTooLarge = LMDBError(code: EFBIG_CODE)
    /// A write failed or came back short; LMDB reports a short write (a disk that filled
    /// up mid-write) this way.
    public static let ioError = LMDBError(code: EIO_CODE)
    /// The user's disk quota is used up.
    public static let quotaExceeded = LMDBError(code: EDQUOT_CODE)
    /// Another process holds the lock, or the caller lacks permission.
    public static let accessDenied = LMDBError(code: EACCES_CODE)
    /// The path does not exist.
    public static let noSuchFile = LMDBError(code: ENOENT_CODE)
}

private let ENOSPC_CODE: Int32 = ENOSPC
private let EFBIG_CODE: Int32 = EFBIG
private let EIO_CODE: Int32 = EIO
private let EDQUOT_CODE: Int32 = EDQUOT
private let EACCES_CODE: Int32 = EACCES
private let ENOENT_CODE: Int32 = ENOENT

/// Throws the LMDB error for a non-zero return code.
@inline(__always)
internal func lmdbCheck(_ code: Int32) throws(LMDBError) {
    if code != MDB_SUCCESS { throw LMDBError(code: code) }
}

/// `withUnsafeBytes` for typed-throwing bodies (the standard library's only rethrows).
@inline(__always)
internal func withBytes<R>(
    _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(LMDBError) -> R
) throws(LMDBError) -> R {
    try bytes.withUnsafeBytes { raw in Result { () throws(LMDBError) in try body(raw) } }.get()
}
