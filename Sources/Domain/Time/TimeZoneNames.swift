internal import Foundation

/// The time zone names the hub takes: IANA names such as Europe/Paris (an area and a
/// place), and UTC.
///
/// Foundation also accepts abbreviations and offsets ("PST", "GMT+5"), whose meaning
/// other readers of the journal would not share (IANA's Etc/GMT+5 is five hours *behind*
/// UTC), so names without an area are refused.
public enum TimeZoneNames {
    public static func isIANA(_ name: String) -> Bool {
        guard name == "UTC" || (name.contains("/") && !name.hasPrefix("/") && !name.contains("..")) else { return false }
        return TimeZone(identifier: name) != nil
    }
}
