internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Domain

/// Cross-origin calls, as the hub's API allows them: any origin, no credentials (an app's
/// token travels in `X-Access-Token`, which a page sets itself; no cookie is read). The
/// OAuth endpoints are not the gateway's and keep the browser's strict default.
enum CrossOrigin {
    /// What every answer carries: any origin may read it, and the headers a page needs.
    static let answerHeaders: HTTPFields = [
        HTTPField.Name("Access-Control-Allow-Origin")!: "*",
        HTTPField.Name("Access-Control-Expose-Headers")!:
            "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Cursor-Next, X-Junction-Logged-Body",
    ]

    /// The methods a page may send; a POST may carry ``MethodOverride/header``.
    static let methods: [String] = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    /// How long a browser may keep a preflight's answer, in seconds.
    static let maxAge = "600"

    /// The answer to a browser's preflight (`OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`), or nil when the request is not one. Asked-for
    /// headers are allowed when they are header names; the call itself is then checked
    /// like any other.
    static func preflight(_ request: Request) -> Response? {
        guard request.method == .options, request.headers[.origin] != nil,
              let asked = request.headers[HTTPField.Name("Access-Control-Request-Method")!] else { return nil }
        var headers = answerHeaders
        headers[HTTPField.Name("Access-Control-Max-Age")!] = maxAge
        headers[.vary] = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        if let names = request.headers[HTTPField.Name("Access-Control-Request-Headers")!] {
            let requested = names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if requested.allSatisfy({ HTTPField.Name($0) != nil }) {
                headers[HTTPField.Name("Access-Control-Allow-Headers")!] = requested.joined(separator: ", ")
            }
        }
        // A method the hub does not take gets no allowance: the browser stops there.
        if methods.contains(asked) {
            headers[HTTPField.Name("Access-Control-Allow-Methods")!] = methods.joined(separator: ", ")
        }
        return Response(status: .noContent, headers: headers)
    }
}
