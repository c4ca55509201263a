internal import Events
internal import Domain
internal import Pages

/// The catalogs and customer lists the grant's and Reconnecter's pickers offer.
extension BackOffice {
    /// What a scope asks the owner to choose: a catalog for `catalog.*`, a customer list
    /// for `customer_list.*` (`all_catalogs` and `all_customer_lists` need no choice).
    static func asksForLists(_ scope: String) -> (catalog: Bool, customerList: Bool) {
        let permissions = (try? Scope(parsing: scope))?.permissions ?? []
        return (permissions.contains { $0.resource == .catalog }, permissions.contains { $0.resource == .customerList })
    }

    /// Every list of the account, the location's ones named with their location (the grant
    /// picks the place on the same page; its script hides those of other locations).
    func accountListChoices(_ lists: [String: ListRegistered], account: String, selected: String?) -> [ListChoice] {
        let names = api.writer.withState { $0.locationNames }
        return lists.values.filter { $0.accountID == account }
            .sorted { ($0.locationID ?? "", $0.name, $0.id) < ($1.locationID ?? "", $1.name, $1.id) }
            .map { list in
                let label = list.locationID.map { "\(list.name) · \(names[$0] ?? $0)" } ?? list.name
                return ListChoice(value: list.id, label: label, location: list.locationID, selected: list.id == selected)
            }
    }

    /// The lists of one place, the current one selected; a current id Junction was not
    /// told of stays offered under its id.
    func placeListChoices(_ lists: [ListRegistered], current: String?) -> [ListChoice] {
        var choices = lists.map { ListChoice(value: $0.id, label: "\($0.name) (\($0.id))", location: $0.locationID, selected: $0.id == current) }
        if let current, !lists.isEmpty, !lists.contains(where: { $0.id == current }) {
            choices.insert(ListChoice(value: current, label: current, location: nil, selected: true), at: 0)
        }
        return choices
    }
}
