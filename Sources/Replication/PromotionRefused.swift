/// Why a follower was not promoted. It follows on unless the reason is ``Reason/failed``.
public struct PromotionRefused: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The stream could not be read: nothing changed; retry.
        case streamUnreadable
        /// The follower does not hold all the stream holds (within the patience given).
        case behind
        /// Taking over the stream failed; the follower stopped following.
        case failed
    }

    public let reason: Reason
    public let message: String

    init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}
