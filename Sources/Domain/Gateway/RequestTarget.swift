/// A request target with one meaning: the form the gateway decides on and forwards, the
/// same string for the scope, the place rules, the log entry and the upstream call.
///
/// What a server, a router or a proxy could read in more than one way is refused rather
/// than guessed at (`docs/gateway.md`, "One target"):
/// - anything but origin-form (`/path?query`): absolute-form, authority-form, `*`;
/// - a fragment (`#`), which an origin-form target may not carry;
/// - a byte outside RFC 3986's characters, or a `%` not followed by two hex digits;
/// - in the path: escapes that decode to invalid UTF-8 or a control character;
/// - in the path: a dot segment (`.` or `..`, in any spelling: `%2e`, `%2E`, mixed), an
///   encoded slash or backslash (`%2F`, `%5C`), an encoded percent (`%25`, which a server
///   that decodes twice reads as an escape), an empty segment (`//`, which some servers
///   merge), and `;` (matrix parameters, which some servers strip before routing).
///
/// What is kept is normalised as RFC 3986 §6.2.2 says, so that spellings of one path are
/// one string: percent-encoded unreserved characters are decoded (`%6Cocations` is
/// `locations`) and the hex digits of the other escapes are upper case. The query is kept
/// as sent (the rules do not read it), once its characters are checked.
public struct RequestTarget: Hashable, Sendable {
    /// The normalised path, starting with `/`.
    public let path: String
    /// The query after `?`, as sent; nil when the target has none (or an empty one).
    public let query: String?

    /// The target as forwarded: ``path``, then `?` and ``query`` when there is one.
    public var text: String { query.map { path + "?" + $0 } ?? path }

    /// Why a target was refused. The message never repeats the target: it may hold a
    /// credential, and the message is the body of a logged answer.
    public struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }

        public init(message: String) {
            self.message = message
        }
    }

    /// Reads `raw`, the request target exactly as the request line carried it.
    public init(validating raw: String) throws(Refusal) {
        var bytes = Array(raw.utf8)
        guard bytes.first == UInt8(ascii: "/") else {
            throw Refusal(message: "the request target must be a path starting with / (origin-form)")
        }
        if let i = bytes.firstIndex(of: UInt8(ascii: "#")) {
            throw Refusal(message: "the request target carries a fragment (# at byte \(i)); a fragment is never sent to a server")
        }
        for (i, b) in bytes.enumerated() where !Self.allowed(b) {
            throw Refusal(message: "the request target has a character RFC 3986 does not allow (byte 0x\(Self.hex(b)) at \(i)); percent-encode it")
        }
        let queryStart = bytes.firstIndex(of: UInt8(ascii: "?"))
        let pathEnd = queryStart ?? bytes.count
        // Escapes are checked everywhere, decoded (when unreserved) in the path only.
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let high = Self.hexValue(bytes[i + 1]), let low = Self.hexValue(bytes[i + 2]) else {
                    throw Refusal(message: "the request target has a % not followed by two hex digits (at byte \(i))")
                }
                if i < pathEnd {
                    bytes[i + 1] = Self.hexDigits[Int(high)]
                    bytes[i + 2] = Self.hexDigits[Int(low)]
                }
                i += 3
            } else {
                i += 1
            }
        }
        var path: [UInt8] = []
        path.reserveCapacity(pathEnd)
        var segmentStart = 0
        i = 0
        func endSegment() throws(Refusal) {
            let segment = path[segmentStart...]
            if segment == [UInt8(ascii: ".")][...] || segment == [UInt8(ascii: "."), UInt8(ascii: ".")][...] {
                throw Refusal(message: "the request target's path has a dot segment (. or .., maybe percent-encoded); send the path it resolves to")
            }
        }
        while i < pathEnd {
            let b = bytes[i]
            if b == UInt8(ascii: "/") {
                if i > 0 {
                    try endSegment()
                    if path.count == segmentStart {
                        throw Refusal(message: "the request target's path has an empty segment (//)")
                    }
                }
                path.append(b)
                segmentStart = path.count
                i += 1
                continue
            }
            if b == UInt8(ascii: ";") {
                throw Refusal(message: "the request target's path has a ; (matrix parameters are not part of the hub's API)")
            }
            if b == UInt8(ascii: "%") {
                let value = Self.hexValue(bytes[i + 1])! << 4 | Self.hexValue(bytes[i + 2])!
                switch value {
                case UInt8(ascii: "/"), UInt8(ascii: "\\"):
                    throw Refusal(message: "the request target's path has an encoded slash or backslash (%\(Self.hex(value)))")
                case UInt8(ascii: "%"):
                    throw Refusal(message: "the request target's path has an encoded percent sign (%25)")
                default:
                    if Self.unreserved(value) {
                        path.append(value)
                    } else {
                        path.append(contentsOf: bytes[i..<(i + 3)])
                    }
                }
                i += 3
                continue
            }
            path.append(b)
            i += 1
        }
        try endSegment()
        try Self.checkDecodedText(path)
        self.path = String(decoding: path, as: UTF8.self)
        // An empty query is no query (RFC 3986 §6.2.3): `/orders?` is `/orders`.
        query = queryStart.flatMap { $0 + 1 < bytes.count ? String(decoding: bytes[($0 + 1)...], as: UTF8.self) : nil }
    }

    /// Refuses a path whose escapes decode to something other than text: invalid UTF-8
    /// (`%FF`) or a control character (`%00`, `%0A`). Servers and clients read such a path
    /// differently (Foundation's `URL` gives it an empty path, which AsyncHTTPClient sends
    /// as `/`).
    private static func checkDecodedText(_ path: [UInt8]) throws(Refusal) {
        guard path.contains(UInt8(ascii: "%")) else { return }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(path.count)
        var i = 0
        while i < path.count {
            if path[i] == UInt8(ascii: "%") {
                decoded.append(hexValue(path[i + 1])! << 4 | hexValue(path[i + 2])!)
                i += 3
            } else {
                decoded.append(path[i])
                i += 1
            }
        }
        if decoded.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw Refusal(message: "the request target's path has an encoded control character")
        }
        if String(validating: decoded, as: UTF8.self) == nil {
            throw Refusal(message: "the request target's path has escapes that are not UTF-8 text")
        }
    }

    /// RFC 3986's characters: unreserved, reserved (gen-delims and sub-delims) and `%`.
    /// `#` and `[`, `]` are reserved but have no place in an origin-form target; they are
    /// refused here or above.
    private static func allowed(_ b: UInt8) -> Bool {
        if unreserved(b) { return true }
        switch b {
        case UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "@"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }

    private static func unreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func hex(_ b: UInt8) -> String {
        String(decoding: [hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]], as: UTF8.self)
    }
}
