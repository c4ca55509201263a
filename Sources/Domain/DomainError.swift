/// Why the hub's rules refuse a command or an event, in the hub's own terms: a conflict
/// with the current state, something that does not exist, or a value that is not valid.
/// The service layer turns it into its own answers (HTTP statuses, exit codes).
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One value at fault.
    public struct FieldProblem: Hashable, Sendable {
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// What kind of refusal this is.
    public enum Category: Hashable, Sendable {
        /// The command does not fit the current state (already registered, already blocked…).
        case conflict
        /// It names something the hub does not know.
        case notFound
        /// A value is not valid, whatever the state.
        case invalid
    }

    public let category: Category
    public let message: String
    /// The values at fault; empty for conflicts and unknown things.
    public let fields: [FieldProblem]

    private init(_ category: Category, _ message: String, fields: [FieldProblem] = []) {
        self.category = category
        self.message = message
        self.fields = fields
    }

    public static func conflict(_ message: String) -> Self { Self(.conflict, message) }
    public static func notFound(_ message: String) -> Self { Self(.notFound, message) }

    /// One field's value is not valid: `field: message`.
    public static func invalid(_ field: String, _ message: String) -> Self {
        Self(.invalid, "\(field): \(message)", fields: [FieldProblem(field: field, message: message)])
    }

    /// A command or an event that is not valid as a whole, with the fields at fault if any.
    public static func invalid(_ message: String, fields: [FieldProblem]) -> Self {
        Self(.invalid, message, fields: fields)
    }

    /// The same refusal, its message put after `prefix` (`line 3: …`, for batches).
    public func prefixed(_ prefix: String) -> Self {
        Self(category, prefix + message, fields: fields)
    }

    /// The same refusal, its fields named after `prefix` (`lines[3].time_zone`).
    public func withFieldPrefix(_ prefix: String) -> Self {
        Self(category, message, fields: fields.map { FieldProblem(field: prefix + $0.field, message: $0.message) })
    }

    public var description: String { message }
}
