internal import Foundation

/// Credentials as clients send them, for the redaction tests: names spelt any way a server
/// would still read as the same name, tokens shaped like this hub's, and URLs with a token
/// placed anywhere. Drawn from a seeded generator so that failures replay.
public enum CredentialSamples {
    public static let names = ["access_token", "token", "api_key", "apikey", "password", "client_secret", "secret", "key", "auth_token", "session"]

    /// One spelling of `name`: case changed, some characters percent-encoded (once or
    /// twice), `_` as `-`, `+` or `%20` around it, an array suffix.
    public static func spelling(_ name: String, _ rng: inout SeededGenerator) -> String {
        var out = ""
        for c in name {
            var piece = String(c)
            if Bool.random(using: &rng) { piece = piece.uppercased() }
            if c == "_", Int.random(in: 0..<3, using: &rng) == 0 { piece = "-" }
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: piece = piece.utf8.map { String(format: "%%%02X", $0) }.joined()
            case 1: piece = piece.utf8.map { String(format: "%%25%02x", $0) }.joined()
            default: break
            }
            out += piece
        }
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: out += "[]"
        case 1: out += "%5B%5D"
        case 2: out = "+" + out
        case 3: out = "user[" + out + "]"
        default: break
        }
        return out
    }

    /// 43 URL-safe base64 characters: the shape of this hub's access tokens.
    public static func token(_ rng: inout SeededGenerator) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return String((0..<43).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }

    /// `token` with some of its characters percent-encoded.
    public static func escaped(_ token: String, _ rng: inout SeededGenerator) -> String {
        token.utf8.map { rng.chance(0.5) ? String(format: "%%%02X", $0) : String(UnicodeScalar($0)) }.joined()
    }

    /// A URL with `token` placed in one of the ways a client may place it (a path segment,
    /// matrix parameters, a query that begins without `?`, after `&`, `;` or `#`, as a
    /// parameter's name), and the form in which it stands there (escaped or not).
    public static func url(with token: String, _ rng: inout SeededGenerator) -> (url: String, placed: String) {
        let placed = rng.chance(0.3) ? escaped(token, &rng) : token
        let name = spelling(rng.pick(names), &rng)
        let resource = rng.pick(["orders", "widgets", "customers", "x", ""])
        let place = rng.pick(["/v1/locations/3r4s3-1", "/v1", "", "/v1/accounts/3r4s3"])
        let shapes = [
            "\(place)/\(placed)", "\(place)/\(placed)/\(resource)", "/\(placed)", "/\(placed)?page=2",
            "\(place)/\(resource);\(name)=\(placed)", "\(place)/\(resource);\(placed)", "/\(resource);jsessionid=\(placed)/x",
            "\(place)/\(resource)&\(name)=\(placed)", "\(place)/\(resource)&\(placed)", "/\(resource)=\(placed)",
            "\(place)/\(resource)?\(name)=\(placed)", "\(place)/\(resource)?page=1&x=\(placed)", "\(place)/\(resource)?\(placed)",
            "\(place)/\(resource)?\(placed)=1", "\(place)/\(resource)?page=1;\(name)=\(placed)", "\(place)/\(resource)#\(placed)",
            "\(place)/\(resource)#\(name)=\(placed)", "\(place)/\(resource)?a=1#x=\(placed)", "/\(resource)#/\(placed)/orders",
            "\(place)/\(resource)?&\(name)=\(placed)", "\(place)/\(resource)/?;\(placed)",
        ]
        return (rng.pick(shapes), placed)
    }
}
