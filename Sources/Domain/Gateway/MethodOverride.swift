public import Events

/// `X-Http-Method-Override`: a `POST` may carry another method, which the hub acts on, so
/// the scope, the limits and the log take it too. On any other method it is refused (the
/// hub refuses it on a `GET`; on a `PUT` or a `DELETE` it would be a second method for one
/// call).
public enum MethodOverride {
    public static let header = "X-Http-Method-Override"

    /// Why an override is refused.
    public struct Refusal: Error, Sendable, Hashable {
        public let message: String
    }

    /// The method the hub acts on for a call sent with `method` and the override header's
    /// values (none: the method itself).
    public static func effective(method: HTTPMethod, overrides: [String]) throws(Refusal) -> HTTPMethod {
        guard let value = overrides.first else { return method }
        guard overrides.count == 1 else { throw Refusal(message: "\(header) is given \(overrides.count) times") }
        guard method == .post else { throw Refusal(message: "\(header) is read on a POST only, not on a \(method.name)") }
        guard let overridden = HTTPMethod(name: value.uppercased()) else {
            throw Refusal(message: "\(header): \"\(value)\" is not GET, POST, PUT, PATCH or DELETE")
        }
        return overridden
    }
}
