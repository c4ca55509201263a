/// The time zone a connection's days and times are counted in: its location's for a
/// location-level connection, its account's for an account-level one, UTC while the
/// place is unknown. The activity chart, compaction's day roll-ups and the times the
/// Connections page shows all follow this one rule.
public enum ZoneRule {
    public static let fallback = "UTC"

    /// The id of the place whose zone counts: the location, or the account.
    public static func placeID(locationID: String?, accountID: String) -> String {
        locationID ?? accountID
    }

    /// The zone, given how to look up a place's zone (`isLocation` tells the two kinds
    /// of id apart where they share a key space).
    public static func zone<E: Error>(
        locationID: String?, accountID: String, lookup: (_ placeID: String, _ isLocation: Bool) throws(E) -> String?
    ) throws(E) -> String {
        try lookup(placeID(locationID: locationID, accountID: accountID), locationID != nil) ?? fallback
    }
}
