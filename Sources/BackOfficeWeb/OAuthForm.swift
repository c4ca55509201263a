internal import Hummingbird
internal import FrontDoor

/// A form posted to an OAuth endpoint by an app's server (no session, no CSRF token): its
/// fields, and the client's credentials, from `Authorization: Basic` (RFC 6749 §2.3.1) or
/// the form.
struct OAuthForm {
    let fields: [String: [String]]
    let basic: (String, String)?

    /// The form of `request`, or the `invalid_request` answer to give.
    static func read(_ request: Request) async -> Result<OAuthForm, OAuthRefusal> {
        do {
            return .success(OAuthForm(fields: try await BackOffice.form(request), basic: BackOffice.basicCredentials(request)))
        } catch let error as APIError {
            return .failure(OAuthRefusal(answer: BackOffice.oauthError(.badRequest, "invalid_request", error.message)))
        } catch {
            return .failure(OAuthRefusal(answer: BackOffice.oauthError(.badRequest, "invalid_request", "\(error)")))
        }
    }

    /// A field's first value, nil when missing or empty.
    func value(_ name: String) -> String? { fields[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }

    var clientID: String? { basic?.0 ?? value("client_id") }
    var clientSecret: String? { basic?.1 ?? value("client_secret") }
}

/// An OAuth error answer, as a failure.
struct OAuthRefusal: Error {
    let answer: Response
}
