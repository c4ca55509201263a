internal import CNATS
#if canImport(Glibc)
internal import Glibc
#endif

/// A message read from a stream: its bytes, headers and stream sequence.
public struct NATSMessage: Sendable {
    public var data: [UInt8]
    public var headers: [String: String]
    public var streamSequence: UInt64
    /// Where a request wants its answer (core NATS request-reply); nil for a stream's message.
    public var reply: String?

    init(_ message: OpaquePointer, sequence: UInt64? = nil) {
        let length = Int(natsMsg_GetDataLength(message))
        if length > 0, let bytes = natsMsg_GetData(message) {
            data = Array(UnsafeRawBufferPointer(start: bytes, count: length))
        } else {
            data = []
        }
        var headers: [String: String] = [:]
        var keys: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        var count: Int32 = 0
        if natsMsgHeader_Keys(message, &keys, &count) == NATS_OK, let keys {
            for i in 0..<Int(count) {
                guard let key = keys[i] else { continue }
                var value: UnsafePointer<CChar>?
                if natsMsgHeader_Get(message, key, &value) == NATS_OK, let value {
                    headers[String(cString: key)] = String(cString: value)
                }
            }
            free(keys)
        }
        self.headers = headers
        reply = natsMsg_GetReply(message).map { String(cString: $0) }
        if let sequence {
            streamSequence = sequence
        } else {
            var meta: UnsafeMutablePointer<jsMsgMetaData>?
            if natsMsg_GetMetaData(&meta, message) == NATS_OK, let meta {
                streamSequence = meta.pointee.Sequence.Stream
                jsMsgMetaData_Destroy(meta)
            } else {
                streamSequence = 0
            }
        }
    }
}
