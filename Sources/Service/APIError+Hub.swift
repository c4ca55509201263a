internal import Domain

extension APIError {
    /// The API's answer to a refusal of the hub's rules: the one place their categories
    /// become statuses (409, 404, 422).
    init(_ error: DomainError) {
        switch error.category {
        case .conflict: self = .conflict(error.message)
        case .notFound: self = .notFound(error.message)
        case .invalid: self = .unprocessable(error.message, errors: error.fields)
        }
    }
}
