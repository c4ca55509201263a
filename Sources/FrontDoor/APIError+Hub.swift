package import Domain
package import Hub
package import Ingestion
internal import Projections

extension APIError {
    /// The API's answer to a refusal of the hub's rules: the one place their categories
    /// become statuses (409, 404, 422).
    package init(_ error: DomainError) {
        switch error.category {
        case .conflict: self = .conflict(error.message)
        case .notFound: self = .notFound(error.message)
        case .invalid: self = .unprocessable(error.message, errors: error.fields)
        }
    }

    /// The API's answer to the core's refusals and failures: the one place they become
    /// statuses (a rule's 409, 404 or 422; 422 for a reused idempotency key; 503 when
    /// writes are not taken; 401 for a refused token; 500).
    package init(_ error: HubError) {
        switch error.code {
        case .refused: self = error.refusal.map { APIError($0) } ?? .unprocessable(error.message)
        case .idempotencyKeyReused: self = APIError(.unprocessableContent, "idempotency_key_reused", error.message)
        case .unavailable: self = .unavailable(error.message)
        case .tokenRefused: self = .unauthorized(error.message)
        default: self = .internalError(error.message)
        }
    }

    /// The API's answer to a refused log entry: 400 for what is not a JSON object, 422 for
    /// fields the rules refuse, the field named.
    package init(_ error: LogEntryError) {
        switch error.kind {
        case .malformed: self = .badRequest(error.description)
        case .invalid, .unprocessable:
            self = .unprocessable(error.description, errors: error.field.map { [FieldError(field: $0, message: error.fieldMessage)] } ?? [])
        }
    }
}

/// Maps the query library's errors to API errors (404, 422, 503; a full reader table is
/// left to the error middleware).
package func answering<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ProjectionError {
        // A full reader table is answered by the error middleware, as for the journal.
        if error.isReadersFull { throw error }
        if error.isNotFound { throw APIError.notFound(error.description) }
        if error.isInvalid { throw APIError.unprocessable(error.description) }
        throw APIError.unavailable(error.description)
    }
}
