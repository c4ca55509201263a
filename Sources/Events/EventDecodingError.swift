/// Bytes that are not a valid encoded event: truncated, corrupt, or of an unsupported
/// format version.
public struct EventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Reason: Hashable, Sendable {
        case truncated
        case unsupportedVersion(UInt8)
        case invalidUTF8
        case invalidValue(String)
        case varintTooLong
    }

    private let reason: Reason
    /// Where in the record the problem was found.
    public let offset: Int

    private init(_ reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    static func truncated(at offset: Int) -> Self { Self(.truncated, offset: offset) }
    static func unsupportedVersion(_ v: UInt8) -> Self { Self(.unsupportedVersion(v), offset: 0) }
    static func invalidUTF8(at offset: Int) -> Self { Self(.invalidUTF8, offset: offset) }
    static func invalidValue(_ what: String, at offset: Int) -> Self { Self(.invalidValue(what), offset: offset) }
    static func varintTooLong(at offset: Int) -> Self { Self(.varintTooLong, offset: offset) }

    /// Whether the record ended before all its fields were read.
    public var isTruncated: Bool { reason == .truncated }

    public var description: String {
        switch reason {
        case .truncated: "event record truncated at byte \(offset)"
        case .unsupportedVersion(let v): "unsupported event format version \(v) (this build reads version 1)"
        case .invalidUTF8: "invalid UTF-8 in a text field at byte \(offset)"
        case .invalidValue(let what): "invalid \(what) at byte \(offset)"
        case .varintTooLong: "variable-length integer longer than 10 bytes at byte \(offset)"
        }
    }
}
