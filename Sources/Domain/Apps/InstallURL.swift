/// *Connecter* for an app registered as an OAuth client: the owner is sent to the app's
/// install URL with the place chosen, `location_id=<id>` for a location or
/// `account_id=<id>` for the whole account, and the app starts the grant from there.
public enum InstallURL {
    /// `url` for the place chosen on the Apps page ("all": the whole `account`).
    public static func with(_ url: String, place: String, account: String) -> String {
        place == "all" ? OpenURL.adding("account_id", account, to: url) : OpenURL.adding("location_id", place, to: url)
    }
}
