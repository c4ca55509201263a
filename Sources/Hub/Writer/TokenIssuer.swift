internal import Crypto
internal import Foundation
internal import Domain
internal import Events

/// Access tokens: derived from the connection id with a secret key kept beside the data
/// (`<data>/token.key`, mode 0600), so the same token can be given again to the app that
/// connects again, while the journal only ever holds the token's SHA-256.
public struct TokenIssuer: Sendable {
    private let key: SymmetricKey

    /// Loads the key file, creating it with a random key the first time.
    public init(keyFile: String) throws(HubError) {
        if let data = FileManager.default.contents(atPath: keyFile) {
            guard data.count == 32 else { throw HubError.failed("\(keyFile) is not a 32-byte key") }
            key = SymmetricKey(data: data)
        } else {
            let fresh = SymmetricKey(size: .bits256)
            let bytes = fresh.withUnsafeBytes { Data($0) }
            guard FileManager.default.createFile(atPath: keyFile, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
                throw HubError.failed("cannot write the token key \(keyFile)")
            }
            key = fresh
        }
    }

    /// The token of a connection: 43 URL-safe characters.
    public func token(for connectionID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("junction-token:\(connectionID)".utf8), using: key)
        return Base64URL.encode(mac)
    }

    /// What the journal stores: the SHA-256 of the token.
    public static func digest(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// The last characters shown on the Connections page.
    public static func hint(_ token: String) -> String { String(token.suffix(4)) }
}

extension TokenIssuer {
    /// The secret an app verifies its disconnect callbacks with (HMAC-SHA256 of the body),
    /// derived like tokens so it is never stored: 64 hex digits.
    public func callbackSecret(for appID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("junction-callback:\(appID)".utf8), using: key)
        return HexText.encode(Array(mac))
    }

    /// The secret an OAuth client proves itself with at the token endpoint, derived like
    /// tokens so it is never stored: 64 hex digits.
    public func clientSecret(for appID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("junction-oauth-client:\(appID)".utf8), using: key)
        return HexText.encode(Array(mac))
    }

    /// Whether `secret` is the app's client secret, compared in constant time.
    public func isClientSecret(_ secret: String, for appID: String) -> Bool {
        constantTimeEqual(Array(clientSecret(for: appID).utf8), Array(secret.utf8))
    }

    /// `sha256=<hex>` of `body` under the app's secret: the signature header's value.
    /// The hub's callback signature (`X-HubRise-Hmac-SHA256`): the hex HMAC-SHA256 of the
    /// raw body keyed with the app's client secret.
    public func clientSignature(of body: [UInt8], for appID: String) -> String {
        let key = SymmetricKey(data: Data(clientSecret(for: appID).utf8))
        return HexText.encode(Array(HMAC<SHA256>.authenticationCode(for: body, using: key)))
    }

    public func signature(of body: [UInt8], for appID: String) -> String {
        let key = SymmetricKey(data: Data(callbackSecret(for: appID).utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return "sha256=" + HexText.encode(Array(mac))
    }
}
