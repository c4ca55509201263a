public import HTTPTypes
public import Hummingbird
internal import Events
public import Domain

/// An error the API answers with: an HTTP status and the hub's error body,
/// `{"error_type": "...", "message": "..."}` (plus `errors: [{field, message}]` for 422).
public struct APIError: Error, Sendable, HTTPResponseError, CustomStringConvertible {
    /// A field that failed validation: the domain's own kind of problem, as it is answered.
    public typealias FieldError = DomainError.FieldProblem

    public let status: HTTPResponse.Status
    public let errorType: String
    public let message: String
    public let errors: [FieldError]

    public init(_ status: HTTPResponse.Status, _ errorType: String, _ message: String, errors: [FieldError] = []) {
        self.status = status
        self.errorType = errorType
        self.message = message
        self.errors = errors
    }

    public var description: String { "\(status.code) \(errorType): \(message)" }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
    public static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, "unauthorized", message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }
    public static func conflict(_ message: String) -> APIError { APIError(.conflict, "conflict", message) }
    public static func tooLarge(_ message: String) -> APIError { APIError(.contentTooLarge, "payload_too_large", message) }
    public static func unsupportedMediaType(_ message: String) -> APIError {
        APIError(.unsupportedMediaType, "unsupported_media_type", message)
    }
    public static func unprocessable(_ message: String, errors: [FieldError] = []) -> APIError {
        APIError(.unprocessableContent, "unprocessable_entity", message, errors: errors)
    }
    public static func unavailable(_ message: String) -> APIError { APIError(.serviceUnavailable, "service_unavailable", message) }
    public static func internalError(_ message: String) -> APIError { APIError(.internalServerError, "internal_error", message) }

    /// A field error as a 422.
    public static func invalid(_ field: String, _ message: String) -> APIError {
        unprocessable("\(field): \(message)", errors: [FieldError(field: field, message: message)])
    }

    public var body: [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("error_type", errorType)
        w.string("message", message)
        if !errors.isEmpty {
            w.beginArray("errors")
            for e in errors {
                w.beginObject()
                w.string("field", e.field)
                w.string("message", e.message)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if status == .serviceUnavailable { headers[.retryAfter] = "1" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
