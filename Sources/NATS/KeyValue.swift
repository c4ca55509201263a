internal import CNATS
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif

/// A JetStream key-value bucket: values read with their revision, and written only if
/// the key's revision is still the one the writer saw (compare-and-set).
// @unchecked Sendable: libnats' kvStore calls are thread-safe; the handle is released
// once, in deinit.
public final class KeyValue: @unchecked Sendable {
    /// A key's value and the revision that wrote it.
    public struct Entry: Sendable, Hashable {
        public var value: [UInt8]
        public var revision: UInt64
    }

    /// Keeps the JetStream context (and its connection) alive as long as the bucket.
    private let context: JetStream
    private let raw: OpaquePointer

    /// Binds to `bucket`, creating it (file storage, `replicas` replicas, one value per key
    /// kept) if it does not exist.
    public init(_ jetStream: JetStream, bucket: String, replicas: Int) throws(NATSError) {
        context = jetStream
        var store: OpaquePointer?
        if js_KeyValue(&store, jetStream.raw, bucket) != NATS_OK {
            var config = kvConfig()
            try kvConfig_Init(&config).check()
            let name = strdup(bucket)
            defer { free(name) }
            config.Bucket = UnsafePointer(name)
            config.History = 1
            config.StorageType = js_FileStorage
            config.Replicas = Int32(replicas)
            try js_CreateKeyValue(&store, jetStream.raw, &config).check()
        }
        raw = store!
    }

    deinit {
        kvStore_Destroy(raw)
    }

    /// The key's value, or nil when it has none (never written, or deleted).
    public func entry(_ key: String) throws(NATSError) -> Entry? {
        var entry: OpaquePointer?
        let status = kvStore_Get(&entry, raw, key)
        if status == NATS_NOT_FOUND { return nil }
        try status.check()
        defer { kvEntry_Destroy(entry) }
        let length = Int(kvEntry_ValueLen(entry))
        let bytes = kvEntry_Value(entry).map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
        return Entry(value: bytes, revision: kvEntry_Revision(entry))
    }

    /// Writes `value` if the key has none; returns the new revision. Throws when it has
    /// one (or the bucket cannot be reached).
    public func create(_ key: String, _ value: [UInt8]) throws(NATSError) -> UInt64 {
        var revision: UInt64 = 0
        let status = value.withUnsafeBytes { bytes in
            kvStore_Create(&revision, raw, key, bytes.baseAddress, Int32(bytes.count))
        }
        try status.check()
        return revision
    }

    /// Writes `value` if the key's revision is still `last`; returns the new revision.
    /// Throws when another write came between (or the bucket cannot be reached).
    public func update(_ key: String, _ value: [UInt8], last: UInt64) throws(NATSError) -> UInt64 {
        var revision: UInt64 = 0
        let status = value.withUnsafeBytes { bytes in
            kvStore_Update(&revision, raw, key, bytes.baseAddress, Int32(bytes.count), last)
        }
        try status.check()
        return revision
    }
}
