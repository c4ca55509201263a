public import Events

/// Removes credentials from a logged request before it is stored, erring on the side of
/// redacting: names are read as a server would decode them (percent-encoding, `+`, case,
/// stray whitespace, `_` or `-`, the array forms `token[]` and `a[token]`), queries are
/// split on `&` and `;`, the fragment is read like a query, and any value shaped like one
/// of this hub's access tokens (43 URL-safe characters) is removed wherever it stands and
/// whatever it is called.
public enum Redaction {
    public static let marker = "[REDACTED]"
    /// ``marker``'s UTF-8 bytes, for writers of records from bytes.
    public static let markerUTF8: [UInt8] = Array(marker.utf8)
    /// Header names that carry credentials, in the form ``compact(_:)`` gives.
    static let headerNames: Set<String> = ["authorization", "proxyauthorization", "cookie", "setcookie", "xaccesstoken", "xapikey"]
    /// Parts of a name (in compact form) that make it a credential's.
    static let sensitiveParts = ["token", "secret", "password", "passwd", "apikey", "auth", "signature", "session", "credential",
                                 "cookie", "bearer", "jwt", "otp"]
    /// The length of this hub's access tokens: base64url of 32 bytes.
    static let tokenLength = 43

    public static func redact(_ request: RequestLogged) -> RequestLogged {
        var r = request
        r.requestHeaders = redact(r.requestHeaders)
        r.responseHeaders = redact(r.responseHeaders)
        r.url = redact(url: r.url)
        if containsTokenShape(r.resource) { r.resource = marker }
        return r
    }

    public static func redact(_ headers: [Header]) -> [Header] {
        // Most requests carry no credential past the gateway: their headers are kept as
        // they came, the array not copied.
        guard let first = headers.firstIndex(where: isRedacted) else { return headers }
        var out = headers
        for i in first..<out.count where isRedacted(out[i]) {
            out[i] = Header(out[i].name, marker)
        }
        return out
    }

    private static func isRedacted(_ header: Header) -> Bool {
        isSensitive(headerName: header.name) || containsTokenShape(header.value)
    }

    /// Whether a header of this name carries a credential.
    public static func isSensitive(headerName name: String) -> Bool {
        var text = name
        return text.withUTF8 { isSensitive(headerNameUTF8: $0) }
    }

    /// Whether a header of this name (its UTF-8 bytes) carries a credential.
    public static func isSensitive(headerNameUTF8 utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        // Every logged header's check: an ASCII name is compacted on the stack and
        // compared byte for byte, with no String made.
        guard utf8.count <= 256, !utf8.contains(where: { $0 >= 0x80 }) else {
            let c = compact(String(decoding: utf8, as: UTF8.self))
            return headerNames.contains(c) || isSensitive(compactName: c)
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(utf8.count, 1)) { buffer in
            var n = 0
            for b in utf8 {
                guard let c = compacted(b) else { continue }
                buffer[n] = c
                n += 1
            }
            let c = UnsafeBufferPointer(rebasing: buffer[..<n])
            return headerNameBytes.contains { name in name.withUnsafeBufferPointer { equalBytes($0, c) } } || isSensitive(compactBytes: c)
        }
    }

    /// Whether ``redact(url:)`` may change this URL (its UTF-8 bytes): false for most, which
    /// have no query, fragment, parameter (`&`, `;`, `=`), escape or anything shaped like a
    /// token.
    public static func mayRedact(urlUTF8 utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.contains(where: { $0 == 63 || $0 == 35 || $0 == 59 || $0 == 37 || $0 == 38 || $0 == 61 }) || containsTokenShape(utf8: utf8)
    }

    /// Whether a query or fragment parameter of this name (as sent) carries a credential.
    public static func isSensitive(parameterName name: String) -> Bool {
        // Decoded until it no longer changes (a server decodes once; a name encoded twice
        // is still a credential's).
        var decoded = name
        for _ in 0..<4 {
            let next = percentDecoded(decoded, plusIsSpace: true)
            if next == decoded { break }
            decoded = next
        }
        return isSensitive(compactName: compact(decoded))
    }

    private static func isSensitive(compactName c: String) -> Bool {
        var c = c
        return c.withUTF8 { isSensitive(compactBytes: $0) }
    }

    /// ``headerNames`` and ``sensitiveParts`` as bytes, for the checks on compacted bytes.
    private static let headerNameBytes: [[UInt8]] = headerNames.map { Array($0.utf8) }
    private static let sensitivePartBytes: [[UInt8]] = sensitiveParts.map { Array($0.utf8) }

    /// The rules on a compacted name (ASCII letters and digits): `…key`, `pass`, `pwd`,
    /// or one of ``sensitiveParts`` anywhere in it.
    private static func isSensitive(compactBytes c: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = c.count
        if n >= 3, c[n - 3] == 0x6B, c[n - 2] == 0x65, c[n - 1] == 0x79 { return true }  // "key"
        if n == 4, c[0] == 0x70, c[1] == 0x61, c[2] == 0x73, c[3] == 0x73 { return true }  // "pass"
        if n == 3, c[0] == 0x70, c[1] == 0x77, c[2] == 0x64 { return true }  // "pwd"
        // One pass over the name, trying at each byte only the parts that start with it
        // (a search per part was 5% of the daemon's ingestion samples: every logged
        // header's name goes through here). The statics are read once: each read calls
        // swift_once.
        let firstBytes = partFirstBytes, parts = sensitivePartBytes
        var i = 0
        while i < n {
            let b = c[i]
            if b < 128, (b < 64 ? firstBytes.low >> b : firstBytes.high >> (b - 64)) & 1 != 0 {
                for part in parts where part[0] == b && part.count <= n - i {
                    if part.withUnsafeBufferPointer({ equalBytes($0, UnsafeBufferPointer(rebasing: c[i..<i + $0.count])) }) {
                        return true
                    }
                }
            }
            i += 1
        }
        return false
    }

    /// A bit for each byte that some part of ``sensitiveParts`` starts with (all ASCII):
    /// bytes 0–63 in `low`, 64–127 in `high`.
    private static let partFirstBytes: (low: UInt64, high: UInt64) = sensitivePartBytes.reduce((0, 0)) { bits, part in
        let b = part[0]
        return b < 64 ? (bits.low | 1 << b, bits.high) : (bits.low, bits.high | 1 << (b - 64))
    }

    @inline(__always)
    private static func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var i = 0
        while i < a.count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether `text` holds `part`, byte for byte (`String.contains` would go through
    /// Foundation's locale-aware search, a fifth of the daemon's ingestion time in a profile).
    static func containsASCII(_ text: String, _ part: String) -> Bool {
        var text = text, part = part
        return text.withUTF8 { t in part.withUTF8 { p in containsBytes(t, p) } }
    }

    private static func containsBytes(_ t: UnsafeBufferPointer<UInt8>, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = p.first else { return true }
        guard p.count <= t.count else { return false }
        var i = 0
        while i + p.count <= t.count {
            if t[i] == first {
                var j = 1
                while j < p.count, t[i + j] == p[j] { j += 1 }
                if j == p.count { return true }
            }
            i += 1
        }
        return false
    }

    /// A name lowercased with everything but letters and digits dropped: `X_Api-Key ` and
    /// `x-api-key` are the same name, `access_token[]` is `accesstoken`. A name with
    /// letters beyond ASCII is lowercased by Unicode's rules first (the Kelvin sign `K`
    /// becomes `k`), so it cannot pass for another name.
    static func compact(_ name: String) -> String {
        if name.utf8.contains(where: { $0 >= 0x80 }) {
            return String(String.UnicodeScalarView(name.lowercased().unicodeScalars.filter {
                ("a"..."z").contains($0) || ("0"..."9").contains($0)
            }))
        }
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        for b in name.utf8 {
            if let c = compacted(b) { out.append(c) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An ASCII byte of a name as its compact form keeps it: a letter lowercased, a digit,
    /// or nothing.
    @inline(__always)
    private static func compacted(_ b: UInt8) -> UInt8? {
        switch b {
        case 97...122, 48...57: b
        case 65...90: b + 32
        default: nil
        }
    }

    /// The URL with credentials replaced: sensitive parameters' values in the query and
    /// the fragment, and every token-shaped value, in the path too. A path segment is read
    /// as parameters as well (`/orders&access_token=…`, `/orders;jsessionid=…`: a query
    /// that begins without `?`, matrix parameters), so a credential after any separator is
    /// found.
    public static func redact(url: String) -> String {
        var removed: [String]? = nil
        return redact(url: url, removed: &removed)
    }

    /// The values ``redact(url:)`` removes from `url`, as they stand in it and
    /// percent-decoded: what a body that echoes the URL must lose too.
    public static func removedValues(url: String) -> [String] {
        var removed: [String]? = []
        _ = redact(url: url, removed: &removed)
        var values = removed ?? []
        for value in values {
            let decoded = percentDecoded(value, plusIsSpace: false)
            if decoded != value { values.append(decoded) }
        }
        return values
    }

    private static func redact(url: String, removed: inout [String]?) -> String {
        // Most URLs have nothing to redact: leave them as they came, without a copy.
        var text = url
        if !text.withUTF8({ mayRedact(urlUTF8: $0) }) { return url }
        let fragmentStart = url.firstIndex(of: "#")
        let beforeFragment = fragmentStart.map { url[..<$0] } ?? url[...]
        let queryStart = beforeFragment.firstIndex(of: "?")
        let path = queryStart.map { beforeFragment[..<$0] } ?? beforeFragment
        var out = path.split(separator: "/", omittingEmptySubsequences: false).map { redact(parameters: $0, removed: &removed) }
            .joined(separator: "/")
        if let queryStart {
            out += "?" + redact(parameters: beforeFragment[beforeFragment.index(after: queryStart)...], removed: &removed)
        }
        if let fragmentStart {
            out += "#" + redact(parameters: url[url.index(after: fragmentStart)...], removed: &removed)
        }
        return out
    }

    /// `a=1&token=x;b=2` with the values of sensitive or token-shaped parameters replaced;
    /// separators are kept as they were.
    private static func redact(parameters: Substring, removed: inout [String]?) -> String {
        var out = ""
        var part = ""
        func flush() {
            if let eq = part.firstIndex(of: "=") {
                let name = String(part[..<eq])
                let value = String(part[part.index(after: eq)...])
                if containsTokenShape(name) || containsTokenShape(percentDecoded(name, plusIsSpace: true)) {
                    // A token sent as a parameter's name (`?TOKEN=1`).
                    out += marker
                    removed?.append(part)
                } else if isSensitive(parameterName: name) || containsTokenShape(value)
                    || containsTokenShape(percentDecoded(value, plusIsSpace: true)) {
                    out += "\(name)=\(marker)"
                    if !value.isEmpty { removed?.append(value) }
                } else {
                    out += part
                }
            } else if containsTokenShape(part) || containsTokenShape(percentDecoded(part, plusIsSpace: true)) {
                out += marker
                removed?.append(part)
            } else {
                out += part
            }
            part = ""
        }
        for c in parameters {
            if c == "&" || c == ";" {
                flush()
                out.append(c)
            } else {
                part.append(c)
            }
        }
        flush()
        return out
    }

    /// Whether `text` holds a run of exactly 43 URL-safe base64 characters: what this
    /// hub's access tokens look like.
    public static func containsTokenShape(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { containsTokenShape(utf8: $0) }
    }

    /// ``containsTokenShape(_:)`` on a text's UTF-8 bytes.
    public static func containsTokenShape(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var run = 0
        for b in utf8 {
            let urlSafe = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 95
            if urlSafe {
                run += 1
            } else {
                if run == tokenLength { return true }
                run = 0
            }
        }
        return run == tokenLength
    }

    /// `text` with `%XX` escapes (and `+`, in queries) decoded; invalid escapes are left.
    static func percentDecoded(_ text: String, plusIsSpace: Bool) -> String {
        guard text.utf8.contains(where: { $0 == 37 || (plusIsSpace && $0 == 43) }) else { return text }
        var out: [UInt8] = []
        let b = Array(text.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            case 97...102: c - 87
            default: nil
            }
        }
        while i < b.count {
            if b[i] == 37, i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(plusIsSpace && b[i] == 43 ? 32 : b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
