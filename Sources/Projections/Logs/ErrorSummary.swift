public import Events

/// The error a failed request's answer gave, as its error group names it: the hub's
/// `error_type`, else a `code`, else the first 80 characters of `message` (the hub's
/// error bodies are `{"error_type": "...", "message": "..."}`). Empty when the answer
/// said nothing readable (not JSON, none of the three).
public enum ErrorSummary {
    /// How many characters of a message name a group.
    public static let messageCharacters = 80
    /// The most bytes a summary keeps (a key holds it, and LMDB's keys are short).
    public static let maxBytes = 240

    /// Whether a request with `status` failed: a 4xx or 5xx, or no answer at all (a
    /// status outside 100–599).
    @inline(__always)
    public static func failed(_ status: UInt16) -> Bool {
        status >= 400 || status < 100
    }

    /// The summary of a failed request read in place: the expired request's field 12, or
    /// what its response body says. Nil for a request that did not fail.
    public static func of(_ request: RequestFields) -> String? {
        guard failed(request.status) else { return nil }
        if request.bodiesExpired { return request.errorSummary.map { String(decoding: $0, as: UTF8.self) } ?? "" }
        guard let body = request.responseBody else { return "" }
        return summary(ofBody: body)
    }

    /// What a response body says, by the rule above.
    public static func summary(ofBody body: UnsafeBufferPointer<UInt8>) -> String {
        // Error bodies are small; a large body is not one the hub answers with an error.
        guard !body.isEmpty, body.count <= 64 << 10, body.first(where: { !$0.isJSONSpace }) == UInt8(ascii: "{"),
              case .object(let members)? = try? JSONParser.parse(body)
        else { return "" }
        func text(_ name: String) -> String? {
            guard let value = members.first(where: { $0.key == name })?.value else { return nil }
            switch value {
            case .string(let s) where !s.isEmpty: return s
            case .integer(let n): return String(n)
            default: return nil
            }
        }
        guard let named = text("error_type") ?? text("code") ?? text("message") else { return "" }
        return bounded(named)
    }

    /// The first 80 characters of `text`, fewer if they take more than ``maxBytes``.
    static func bounded(_ text: String) -> String {
        var kept = Substring(text.prefix(messageCharacters))
        while kept.utf8.count > maxBytes { kept = kept.dropLast() }
        return String(kept)
    }

    public static func summary(ofBody body: [UInt8]) -> String {
        body.withUnsafeBufferPointer { summary(ofBody: $0) }
    }
}

extension UInt8 {
    fileprivate var isJSONSpace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
