public import Domain

/// Why the hub's core refused a command or could not carry it out, in its own terms. Each
/// front door turns it into its own answer (a status and a JSON body, a page, an exit code)
/// in one place.
public struct HubError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case refused, idempotencyKeyReused, unavailable, tokenRefused, failed
        }

        private let value: Value

        /// A rule of the hub refused the command: ``HubError/refusal`` says which.
        public static let refused = Code(value: .refused)
        /// The idempotency key was first used with another request.
        public static let idempotencyKeyReused = Code(value: .idempotencyKeyReused)
        /// Writes are not taken now (a follower, a fenced writer, a journal that cannot
        /// take writes): nothing was written; the message says where or when to retry.
        public static let unavailable = Code(value: .unavailable)
        /// The access token is unknown, of a revoked connection, or of a blocked one.
        public static let tokenRefused = Code(value: .tokenRefused)
        /// Something failed that the caller did not cause.
        public static let failed = Code(value: .failed)

        public var description: String { "\(value)" }
    }

    public let code: Code
    public let message: String
    /// The hub's rule that refused the command, for ``Code/refused``.
    public let refusal: DomainError?

    private init(_ code: Code, _ message: String, refusal: DomainError? = nil) {
        self.code = code
        self.message = message
        self.refusal = refusal
    }

    /// A rule of the hub refused the command.
    public static func refused(_ refusal: DomainError) -> HubError { HubError(.refused, refusal.message, refusal: refusal) }
    public static func idempotencyKeyReused(_ message: String) -> HubError { HubError(.idempotencyKeyReused, message) }
    public static func unavailable(_ message: String) -> HubError { HubError(.unavailable, message) }
    public static func tokenRefused(_ message: String) -> HubError { HubError(.tokenRefused, message) }
    public static func failed(_ message: String) -> HubError { HubError(.failed, message) }

    public var description: String { "\(code): \(message)" }
}
