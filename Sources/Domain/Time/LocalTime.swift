internal import Foundation
public import Events

/// Times as a person reads them: in a place's time zone, with its offset from UTC.
public enum LocalTime {
    /// `UTC+02:00`, `UTC-05:00`, `UTC+05:30`.
    public static func offsetLabel(_ seconds: Int) -> String {
        "UTC" + offsetText(seconds)
    }

    /// `+02:00`, `-05:00`.
    private static func offsetText(_ seconds: Int) -> String {
        let m = abs(seconds) / 60
        var out: [UInt8] = [seconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")]
        PaddedDigits.append(Int64(m / 60), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        PaddedDigits.append(Int64(m % 60), width: 2, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The zone's offset at `time`.
    public static func offset(_ zone: String, at time: Timestamp) -> Int {
        (TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!)
            .secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(time.seconds)))
    }

    /// `2026-11-29 10:14:03` in `zone`.
    public static func format(_ time: Timestamp, in zone: String) -> String {
        // The shifted time's RFC 3339 text up to its seconds, with a space for the T.
        var out: [UInt8] = []
        out.reserveCapacity(27)
        Timestamp(microseconds: time.microseconds + Int64(offset(zone, at: time)) * 1_000_000).appendRFC3339(to: &out)
        out[10] = UInt8(ascii: " ")
        return String(decoding: out.prefix(19), as: UTF8.self)
    }

    /// The RFC 3339 text of `time` in `zone`, with its offset (`2026-11-29T10:14:03.000000+01:00`).
    public static func rfc3339(_ time: Timestamp, in zone: String) -> String {
        let offset = offset(zone, at: time)
        let shifted = Timestamp(microseconds: time.microseconds + Int64(offset) * 1_000_000)
        var text = shifted.rfc3339
        text.removeLast()
        return text + offsetText(offset)
    }
}
