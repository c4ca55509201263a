import Mustache

/// How the templates escape what they show: the five characters Mustache's own `HTML` type
/// replaces (`<`, `>`, `&`, `"`, `'`), found byte by byte in the UTF-8 rather than Character
/// by Character through a dictionary, and a text with none of them returned as it is, without
/// a copy. Mustache's escaper was a fifth of the logs page's time.
///
/// Every template names it in a `CONTENT_TYPE` pragma (``PageRenderer`` adds it; partials
/// start again from the library's type, so each template needs its own). A template without
/// it still escapes, with the library's type.
///
/// One difference from the library's escaper, on the safe side: a `<` followed by a
/// combining mark is one Character that is not `"<"`, so the library leaves it as it is;
/// this type escapes it, as an HTML tokenizer, which reads code points, would see a `<`.
struct HTMLEscaping: MustacheContentType {
    /// The name the templates' pragma gives.
    static let name = "JUNCTION_HTML"

    func escapeText(_ text: String) -> String { Self.escape(text) }

    /// `text` with the five characters replaced by their entities.
    static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var added = 0
            for byte in bytes {
                if let entity = entity(byte) { added += entity.utf8CodeUnitCount - 1 }
            }
            if added == 0 { return nil }
            return String(unsafeUninitializedCapacity: bytes.count + added) { out in
                var at = 0
                for byte in bytes {
                    if let entity = entity(byte) {
                        let count = entity.utf8CodeUnitCount
                        UnsafeMutableRawPointer(out.baseAddress! + at).copyMemory(from: entity.utf8Start, byteCount: count)
                        at += count
                    } else {
                        out[at] = byte
                        at += 1
                    }
                }
                return at
            }
        } ?? text
    }

    /// The entity that replaces `byte`, if it is one of the five.
    @inline(__always)
    private static func entity(_ byte: UInt8) -> StaticString? {
        // Every byte above `>` is kept, so the common case is one comparison.
        guard byte <= UInt8(ascii: ">") else { return nil }
        switch byte {
        case UInt8(ascii: "<"): return "&lt;"
        case UInt8(ascii: ">"): return "&gt;"
        case UInt8(ascii: "&"): return "&amp;"
        case UInt8(ascii: "\""): return "&quot;"
        case UInt8(ascii: "'"): return "&#39;"
        default: return nil
        }
    }
}
