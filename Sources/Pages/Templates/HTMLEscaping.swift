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
            for byte in bytes { added &+= extraBytes(byte) }
            if added == 0 { return nil }
            return String(unsafeUninitializedCapacity: bytes.count + added) { out in
                var at = 0
                for byte in bytes {
                    switch byte {
                    case UInt8(ascii: "<"): at = put("&lt;", into: out, at: at)
                    case UInt8(ascii: ">"): at = put("&gt;", into: out, at: at)
                    case UInt8(ascii: "&"): at = put("&amp;", into: out, at: at)
                    case UInt8(ascii: "\""): at = put("&quot;", into: out, at: at)
                    case UInt8(ascii: "'"): at = put("&#39;", into: out, at: at)
                    default:
                        out[at] = byte
                        at += 1
                    }
                }
                return at
            }
        } ?? text
    }

    /// What a byte's entity adds to the text's length.
    @inline(__always)
    private static func extraBytes(_ byte: UInt8) -> Int {
        // Every byte above `>` is kept, so the common case is one comparison.
        guard byte <= UInt8(ascii: ">") else { return 0 }
        switch byte {
        case UInt8(ascii: "<"), UInt8(ascii: ">"): return 3
        case UInt8(ascii: "&"), UInt8(ascii: "'"): return 4
        case UInt8(ascii: "\""): return 5
        default: return 0
        }
    }

    @inline(__always)
    private static func put(_ entity: StaticString, into out: UnsafeMutableBufferPointer<UInt8>, at: Int) -> Int {
        let count = entity.utf8CodeUnitCount
        UnsafeMutableRawPointer(out.baseAddress! + at).copyMemory(from: entity.utf8Start, byteCount: count)
        return at + count
    }
}
