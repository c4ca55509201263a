internal import Crypto
internal import Events

/// Proof Key for Code Exchange (RFC 7636), `S256` only: an app that cannot keep a secret
/// sends the challenge to the authorization endpoint and the verifier to the token endpoint.
enum PKCE {
    /// BASE64URL(SHA-256(ASCII(verifier))), without padding (§4.2).
    static func challenge(of verifier: String) -> String {
        let digest = SHA256.hash(data: Array(verifier.utf8))
        return Base64URL.encode(digest)
    }

    /// §4.1: 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
    static func isValidVerifier(_ text: String) -> Bool {
        (43...128).contains(text.utf8.count) && text.utf8.allSatisfy(isUnreserved)
    }

    /// A challenge as `S256` makes it: 43 base64url characters.
    static func isValidChallenge(_ text: String) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy { isUnreserved($0) && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "~") }
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
