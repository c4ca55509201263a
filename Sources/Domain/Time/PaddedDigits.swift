/// Decimal digits padded with zeros to a width, as printf's `%0Nd` writes them (a minus
/// sign counts in the width), without Foundation's formatter: `String(format:)` was an
/// eighth of the time of the back office's logs page, which formats two times per entry.
enum PaddedDigits {
    static func text(_ value: some BinaryInteger, width: Int) -> String {
        if value < 0 { return "-" + text(0 - Int64(value), width: width - 1) }
        let digits = String(value)
        let missing = width - digits.utf8.count
        return missing > 0 ? String(repeating: "0", count: missing) + digits : digits
    }
}
