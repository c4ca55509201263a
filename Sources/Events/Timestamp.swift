#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif

/// A point in time: microseconds since 1970-01-01T00:00:00Z.
///
/// Events carry their time as this integer so the binary form is exact and cheap; the
/// text form is RFC 3339 in UTC with six fractional digits
/// (`2026-03-29T01:59:59.000000Z`).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// 0001-01-02T00:00:00Z and 9999-12-30T23:59:59Z: RFC 3339 text shows four-digit
    /// years, and a day's margin keeps local times in any zone within them too.
    static let earliestSeconds: Int64 = -62_135_596_800 + 86_400
    static let latestSeconds: Int64 = 253_402_300_799 - 86_400

    public init(seconds: Int64) {
        self.microseconds = seconds * 1_000_000
    }

    /// The current time, from the system's real-time clock: the one "now" every
    /// command, default and schedule uses.
    public static var now: Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// Whole seconds since the epoch (rounded down).
    /// Whether RFC 3339 text can show this time, in UTC or in any zone (0001-01-02 to
    /// 9999-12-30 in UTC).
    public var isWithinTextRange: Bool {
        (Timestamp.earliestSeconds...Timestamp.latestSeconds).contains(seconds)
    }

    /// Whether a day number (days since 1970-01-01) is within the same range.
    public static func isWithinTextRange(day: Int64) -> Bool {
        // The first test keeps day * 86,400 * 10^6 from overflowing.
        day.magnitude < 4_000_000 && Timestamp(seconds: day * 86_400).isWithinTextRange
    }

    public var seconds: Int64 { microseconds.floorDiv(1_000_000) }

    public var description: String { rfc3339 }

    /// The RFC 3339 form in UTC with microseconds.
    public var rfc3339: String {
        var out = [UInt8]()
        out.reserveCapacity(27)
        appendRFC3339(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the RFC 3339 form to `out` without an intermediate string.
    public func appendRFC3339(to out: inout [UInt8]) {
        let secs = microseconds.floorDiv(1_000_000)
        let micros = Int(microseconds - secs * 1_000_000)
        let days = secs.floorDiv(86_400)
        let secOfDay = Int(secs - days * 86_400)
        let (y, m, d) = CivilDate.fromDays(days)
        PaddedDigits.append(y, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        PaddedDigits.append(Int64(m), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        PaddedDigits.append(Int64(d), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        PaddedDigits.append(Int64(secOfDay / 3600), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        PaddedDigits.append(Int64(secOfDay / 60 % 60), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        PaddedDigits.append(Int64(secOfDay % 60), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        PaddedDigits.append(Int64(micros), width: 6, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. A fraction finer
    /// than microseconds is refused rather than rounded.
    public init?(rfc3339 text: String) {
        var text = text
        let parsed: Int64? = text.withUTF8 { Timestamp.parse($0) }
        guard let parsed else { return nil }
        self.microseconds = parsed
    }

    /// Parses RFC 3339 like ``init(rfc3339:)``, from the text's UTF-8 bytes.
    public init?(rfc3339UTF8 text: UnsafeBufferPointer<UInt8>) {
        guard let parsed = Timestamp.parse(text) else { return nil }
        self.microseconds = parsed
    }

    private static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        func number(_ width: Int) -> Int64? {
            guard i + width <= s.count else { return nil }
            var v: Int64 = 0
            for _ in 0..<width {
                let c = s[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
                i += 1
            }
            return v
        }
        func expect(_ chars: String) -> Bool {
            guard i < s.count, chars.utf8.contains(s[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"),
              let day = number(2), expect("Tt "), let hour = number(2), expect(":"),
              let minute = number(2), expect(":"), let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year, Int(month)),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var micros: Int64 = 0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                guard digits < 6 else { return nil }
                micros = micros * 10 + Int64(s[i] - 48)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<6 { micros *= 10 }
        }
        var offset: Int64 = 0
        guard i < s.count else { return nil }
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
            i += 1
        } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            let sign: Int64 = s[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = number(2), expect(":"), let om = number(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == s.count else { return nil }
        let days = CivilDate.toDays(year, Int(month), Int(day))
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        // The text form writes four-digit years in UTC: keep to what it can write back.
        guard secs >= Timestamp.earliestSeconds, secs <= Timestamp.latestSeconds else { return nil }
        return secs * 1_000_000 + micros
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days-from-civil).
public enum CivilDate {
    /// Days since 1970-01-01 of the given date.
    public static func toDays(_ year: Int64, _ month: Int, _ day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDiv(400)
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day counted from 1970-01-01.
    public static func fromDays(_ days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func daysInMonth(_ year: Int64, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    /// Division rounded towards minus infinity (`-1.floorDiv(86_400)` is -1, not 0): the
    /// day or second a time before 1970 falls in.
    @inline(__always)
    public func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
