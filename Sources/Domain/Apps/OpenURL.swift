/// *Ouvrir*: the hub opens an app at its open URL with the connection it is opened for, as
/// `app_instance_id=<connection id>` in the query (after any query the URL has, before its
/// fragment), so the app shows that restaurant's instance.
public enum OpenURL {
    public static let parameter = "app_instance_id"

    /// `url` opened for `connectionID`.
    public static func forConnection(_ url: String, connectionID: String) -> String {
        adding(parameter, connectionID, to: url)
    }

    /// `url` with `name=value` added to its query (after any query it has, before its fragment).
    static func adding(_ name: String, _ value: String, to url: String) -> String {
        let (base, fragment) = url.firstIndex(of: "#").map { (String(url[..<$0]), String(url[$0...])) } ?? (url, "")
        let separator = !base.contains("?") ? "?" : base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&"
        return base + separator + name + "=" + queryValue(value) + fragment
    }

    /// `text` as a query value: unreserved bytes as they are, the others percent-encoded.
    static func queryValue(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
