/// Why an entry of `POST /v1/logs` is refused: what is wrong, the line of the batch it is
/// on, and the field when one is named. The front door chooses its answer by `kind`.
public struct LogEntryError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Not a JSON object (malformed JSON, another value).
        case malformed
        /// A field the ingestion refuses outright (an entry that is not a request log).
        case invalid
        /// A well-formed entry whose fields the event's rules refuse.
        case unprocessable
    }

    public let kind: Kind
    /// The line of an NDJSON batch; nil for a single entry.
    public let line: Int?
    /// The field named, as `lines[N].field` in a batch.
    public let field: String?
    /// What is wrong, without the line.
    public let reason: String
    /// What is wrong with `field` alone (the reason, unless the entry's decoder said it
    /// shorter).
    public let fieldMessage: String

    init(_ kind: Kind, line: Int? = nil, field: String? = nil, _ reason: String, fieldMessage: String? = nil) {
        self.kind = kind
        self.line = line
        self.field = field
        self.reason = reason
        self.fieldMessage = fieldMessage ?? reason
    }

    /// The reason, after `line N: ` for an entry of a batch (an `.invalid` one is worded
    /// `field: reason`).
    public var description: String {
        if kind == .invalid, let field { return "\(field): \(reason)" }
        return (line.map { "line \($0): " } ?? "") + reason
    }
}
