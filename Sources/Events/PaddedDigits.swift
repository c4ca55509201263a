/// Decimal digits padded with zeros to a width, as printf's `%0Nd` writes them (a minus
/// sign counts in the width): RFC 3339 times and the times on pages, written without
/// Foundation's formatter, which was an eighth of the back office's logs page.
public enum PaddedDigits {
    /// Appends `value`'s digits to `out`, most significant first, without a temporary.
    public static func append(_ value: Int64, width: Int, to out: inout [UInt8]) {
        var value = value
        var width = width
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            value = 0 - value
            width -= 1
        }
        var divisor: Int64 = 1
        var digits = 1
        while divisor <= value / 10 {
            divisor *= 10
            digits += 1
        }
        if width > digits { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits)) }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            value %= divisor
            divisor /= 10
        }
    }
}
