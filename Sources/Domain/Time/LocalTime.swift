internal import Foundation
public import Events

/// Times as a person reads them: in a place's time zone, with its offset from UTC.
public enum LocalTime {
    /// `UTC+02:00`, `UTC-05:00`, `UTC+05:30`.
    public static func offsetLabel(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let m = abs(seconds) / 60
        return "UTC" + sign + PaddedDigits.text(m / 60, width: 2) + ":" + PaddedDigits.text(m % 60, width: 2)
    }

    /// The zone's offset at `time`.
    public static func offset(_ zone: String, at time: Timestamp) -> Int {
        (TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!)
            .secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(time.seconds)))
    }

    /// `2026-11-29 10:14:03` in `zone`.
    public static func format(_ time: Timestamp, in zone: String) -> String {
        let local = time.seconds + Int64(offset(zone, at: time))
        let days = local.floorDiv(86_400)
        let secs = Int(local - days * 86_400)
        let (y, m, d) = CivilDate.fromDays(days)
        return PaddedDigits.text(y, width: 4) + "-" + PaddedDigits.text(m, width: 2) + "-" + PaddedDigits.text(d, width: 2) + " "
            + PaddedDigits.text(secs / 3600, width: 2) + ":" + PaddedDigits.text(secs / 60 % 60, width: 2) + ":"
            + PaddedDigits.text(secs % 60, width: 2)
    }

    /// The RFC 3339 text of `time` in `zone`, with its offset (`2026-11-29T10:14:03.000000+01:00`).
    public static func rfc3339(_ time: Timestamp, in zone: String) -> String {
        let offset = offset(zone, at: time)
        let shifted = Timestamp(microseconds: time.microseconds + Int64(offset) * 1_000_000)
        var text = shifted.rfc3339
        text.removeLast()
        let sign = offset < 0 ? "-" : "+"
        let m = abs(offset) / 60
        return text + sign + PaddedDigits.text(m / 60, width: 2) + ":" + PaddedDigits.text(m % 60, width: 2)
    }
}
