public import Events
public import Journal
internal import Domain

/// Alerts: raised and resolved by the daemon's alert watcher, muted by owners, and the
/// notifier's attempts to tell people of them. The state keeps one open alert per
/// connection, so a decision taken twice (a restart, a promotion) appends once.
extension Writer {
    /// Raises an alert on a connection that has none open; its id is given here.
    public func raiseAlert(
        connectionID: String, accountID: String, condition: AlertCondition, reason: String, lastErrorSeq: UInt64?
    ) async throws(HubError) -> (receipt: Receipt, alertID: String) {
        let time = Timestamp.now
        var generator = SystemRandomNumberGenerator()
        let id = "al_" + Writer.newHubEventID(&generator)
        let receipt = try await command { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.alertRaised(AlertRaised(
                alertID: id, connectionID: connectionID, accountID: accountID, condition: condition, reason: reason,
                lastErrorSeq: lastErrorSeq)), at: time)
        }
        return (receipt, id)
    }

    /// Resolves a connection's open alert `alertID`: it is in `state` now.
    public func resolveAlert(connectionID: String, alertID: String, state: String) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.alertResolved(AlertResolved(alertID: alertID, connectionID: connectionID, state: state)), at: time)
        }
    }

    /// Sets how a connection's alerts reach its owners.
    public func setAlertSettings(
        connectionID: String, muted: Bool, degraded: Bool, actor: String, key: IdempotencyKey? = nil
    ) async throws(HubError) -> Receipt {
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.alertSettingsChanged(AlertSettingsChanged(
                connectionID: connectionID, muted: muted, degraded: degraded, actor: actor)), at: time)
        }
    }

    /// The open alerts, by connection, as the writer's state has them (the alert watcher's
    /// starting point after a restart or a promotion).
    public func openAlerts() -> [String: AlertRaised] {
        withState { $0.openAlerts }
    }

    /// Each connection's alert settings, as the writer's state has them.
    public func alertSettings() -> [String: AlertSettingsChanged] {
        withState { $0.alertSettings }
    }
}
