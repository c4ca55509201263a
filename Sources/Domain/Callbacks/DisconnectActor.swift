/// Who disconnected a connection, as its `connectionDisconnected` event names them: an app
/// that revoked its own token (RFC 7009) is named `app:<app id>`, and is not sent the
/// disconnect callback of what it did itself.
public enum DisconnectActor {
    /// The actor of a revocation by the app `appID`.
    public static func app(_ appID: String) -> String { "app:" + appID }

    /// Whether a disconnection by `actor` is one the app `appID` made itself.
    public static func isTheApp(_ actor: String, appID: String) -> Bool { actor == app(appID) }
}
