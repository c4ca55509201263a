import Events

/// A sellable variant of a catalog product, flattened to what an order line needs.
struct SKU {
    let productName: String
    /// Set when the product comes in several sizes.
    let skuName: String?
    let ref: String
    /// In the catalog currency's minor units.
    let price: Int
    /// Indices into the catalog's option lists.
    let optionLists: [Int]
}

struct OptionList {
    let ref: String
    let name: String
    let maxSelections: Int
    let options: [(name: String, ref: String, price: Int)]
}

/// A catalog (`psmlf`) of an account or of one location, with its GET body made once.
struct Catalog {
    let id: String
    let name: String
    let account: Int
    let location: Int?
    let region: Int
    let currency: String
    var skus: [SKU] = []
    /// SKUs from this index on are combos, which orders pick less often.
    var comboStart = 0
    var optionLists: [OptionList] = []
    /// The response body of `GET /catalogs/{id}` (also what a point of sale `PUT`s).
    var json: [UInt8] = []
    var etag: String = ""
}

/// A customer list (`xab66`) of an account or of one location. Its customers are not
/// stored: customer number `k` is drawn from its own seeded stream whenever it is shown.
struct CustomerList {
    let id: String
    let name: String
    let account: Int
    let location: Int?
    let region: Int
    let size: Int
}

struct Account {
    let id: String
    let template: AccountTemplate
    var region: Int { template.home }
    var name: String { template.name }
    let ownerFirstName: String
    let ownerLastName: String
    var locations: [Int] = []
    var catalogs: [Int] = []
    var customerLists: [Int] = []
}

struct Location {
    let id: String
    let account: Int
    let name: String
    let region: Int
    let neighbourhood: String
    let street: String
    let postalCode: String
    var catalogs: [Int] = []
    var customerLists: [Int] = []
}

struct App {
    let id: String
    let template: AppTemplate
    var kind: AppKind { template.kind }
    /// Every request of the app carries these (the token already redacted, as the hub stores it).
    let requestHeaders: [Header]
}

enum ConnectionState {
    case active, blocked, disconnected
}

/// One granted access of an app to an account or a location, and its state as the
/// timeline advances.
struct Connection {
    let id: String
    let app: Int
    let account: Int
    let location: Int?
    let deviceID: String?
    let scope: String
    var catalog: Int?
    var customerList: Int?
    /// How busy this connection is compared with others of its kind.
    let activity: Double
    var state: ConnectionState = .active
}

/// A connect-time-later change to a connection: reconnect, block, unblock, disconnect.
struct LifecycleStep {
    enum Effect {
        case reconnect(catalog: Int?, customerList: Int?)
        case block, unblock, disconnect
    }

    let time: Timestamp
    let connection: Int
    let effect: Effect
    let actor: String
    let reason: String?
}

/// Everything the generator invents from the seed before the first request: accounts,
/// locations, catalogs, customer lists, apps, connections, and the plan of reconnects,
/// blocks and disconnects over the time span.
struct World {
    let seed: UInt64
    var accounts: [Account] = []
    var locations: [Location] = []
    var catalogs: [Catalog] = []
    var customerLists: [CustomerList] = []
    var apps: [App] = []
    var connections: [Connection] = []
    /// Registration events, in order; their times are set by ``registrationEvents(from:)``.
    private(set) var registrations: [Event.Payload] = []
    /// Sorted by time.
    var lifecycle: [LifecycleStep] = []

    private var rng: PRNG
    private var usedIDs: Set<String> = []

    init(seed: UInt64) {
        self.seed = seed
        rng = PRNG(seed: seed, label: 1)
        buildAccounts()
        buildApps()
        buildConnections()
    }

    /// A fresh 5-character base36 id, unique within the world.
    private mutating func newID() -> String {
        while true {
            let id = rng.base36(5)
            if usedIDs.insert(id).inserted { return id }
        }
    }

    // MARK: Accounts and locations

    private mutating func buildAccounts() {
        var templates = AccountTemplates.all
        rng.shuffle(&templates)
        templates = Array(templates.prefix(rng.int(3...4)))

        // 1 to 3 locations each, but enough in all to cover the five required time zones.
        var counts = templates.map { _ in rng.int(1...3) }
        let homes = Set(templates.map(\.home))
        let missing = (0..<Regions.all.count).filter { !homes.contains($0) }
        while counts.reduce(0, +) - counts.count < missing.count {
            let open = counts.indices.filter { counts[$0] < 3 }
            counts[rng.pick(open)] += 1
        }
        var toPlace = missing
        rng.shuffle(&toPlace)

        for (a, template) in templates.enumerated() {
            let home = Regions.all[template.home]
            let account = Account(
                id: newID(), template: template,
                ownerFirstName: rng.pick(home.firstNames), ownerLastName: rng.pick(home.lastNames))
            accounts.append(account)
            registrations.append(.accountRegistered(AccountRegistered(
                accountID: account.id, name: account.name, timeZone: home.timeZone)))

            var usedNeighbourhoods: Set<String> = []
            for number in 1...counts[a] {
                // The first location is at home; the others fill missing zones first.
                let regionIndex = number == 1 ? template.home
                    : (toPlace.popLast() ?? (rng.chance(0.6) ? template.home : rng.below(Regions.all.count)))
                let region = Regions.all[regionIndex]
                var neighbourhood = rng.pick(region.neighbourhoods)
                while usedNeighbourhoods.contains(neighbourhood) { neighbourhood = rng.pick(region.neighbourhoods) }
                usedNeighbourhoods.insert(neighbourhood)
                let location = Location(
                    id: "\(account.id)-\(number)", account: a, name: "\(template.name) – \(neighbourhood)",
                    region: regionIndex, neighbourhood: neighbourhood, street: "\(rng.int(1...180)) \(rng.pick(region.streets))",
                    postalCode: rng.pick(region.postalCodes))
                accounts[a].locations.append(locations.count)
                locations.append(location)
                registrations.append(.locationRegistered(LocationRegistered(
                    locationID: location.id, accountID: account.id, name: location.name, timeZone: region.timeZone)))
            }
            buildCatalogsAndLists(account: a)
        }
    }

    private mutating func buildCatalogsAndLists(account a: Int) {
        let account = accounts[a]
        let home = Regions.all[account.region]
        let french = home.country == "FR"
        // Two account catalogs (dine-in and delivery prices) so there is always one to
        // switch a connection to.
        addCatalog(name: french ? "Carte" : "Menu", account: a, location: nil, region: account.region, markup: 1.0)
        addCatalog(name: french ? "Menu livraison" : "Delivery menu", account: a, location: nil, region: account.region, markup: 1.15)
        addList(name: french ? "Clients" : "Customers", account: a, location: nil, region: account.region)
        if rng.chance(0.6) {
            addList(name: french ? "Clients fidélité" : "Loyalty members", account: a, location: nil, region: account.region)
        }
        for l in account.locations {
            let location = locations[l]
            // A location abroad sells in its own currency, so it has its own catalog.
            if location.region != account.region || rng.chance(0.4) {
                addCatalog(name: "\(french ? "Carte" : "Menu") \(location.neighbourhood)", account: a, location: l,
                           region: location.region, markup: 1.0)
            }
            if location.region != account.region || rng.chance(0.3) {
                addList(name: french ? "Clients \(location.id)" : "Customers \(location.id)", account: a, location: l,
                        region: location.region)
            }
        }
    }

    private mutating func addCatalog(name: String, account a: Int, location l: Int?, region: Int, markup: Double) {
        var catalog = Catalog(
            id: newID(), name: name, account: a, location: l, region: region, currency: Regions.all[region].currency)
        var catalogRNG = PRNG(seed: seed, label: 1000 + UInt64(catalogs.count))
        Bodies.fillCatalog(&catalog, menu: Menus.menu(accounts[a].template.cuisine), markup: markup,
                           accountID: accounts[a].id, locationID: l.map { locations[$0].id }, rng: &catalogRNG)
        if let l { locations[l].catalogs.append(catalogs.count) } else { accounts[a].catalogs.append(catalogs.count) }
        catalogs.append(catalog)
        // Registered with Junction, so the grant's picker and Reconnecter offer it.
        registrations.append(.catalogRegistered(ListRegistered(
            id: catalog.id, accountID: accounts[a].id, locationID: l.map { locations[$0].id }, name: name)))
    }

    private mutating func addList(name: String, account a: Int, location l: Int?, region: Int) {
        let list = CustomerList(id: newID(), name: name, account: a, location: l, region: region, size: rng.int(150...4000))
        if let l { locations[l].customerLists.append(customerLists.count) } else {
            accounts[a].customerLists.append(customerLists.count)
        }
        customerLists.append(list)
        registrations.append(.customerListRegistered(ListRegistered(
            id: list.id, accountID: accounts[a].id, locationID: l.map { locations[$0].id }, name: name)))
    }

    // MARK: Apps

    private mutating func buildApps() {
        var pointsOfSale = AppTemplates.all.filter { $0.kind == .pointOfSale }
        rng.shuffle(&pointsOfSale)
        let marketing = AppTemplates.all.filter { $0.kind == .marketing }
        let firstMarketing = rng.below(marketing.count)
        for template in AppTemplates.all {
            let keep: Bool
            switch template.kind {
            case .delivery, .analytics: keep = true
            case .pointOfSale: keep = pointsOfSale.prefix(2).contains { $0.name == template.name }
            case .marketing: keep = template.name == marketing[firstMarketing].name || rng.chance(0.5)
            case .stock, .loyalty: keep = rng.chance(0.8)
            }
            guard keep else { continue }
            let app = App(id: newID(), template: template, requestHeaders: [
                Header("Content-Type", "application/json"),
                Header("User-Agent", template.userAgent),
                Header("X-Access-Token", "[REDACTED]"),
            ])
            apps.append(app)
            registrations.append(.appRegistered(AppRegistered(
                appID: app.id, name: template.name, level: template.level, scope: template.scope,
                openURL: template.openURL, disconnectCallbackURL: template.disconnectCallbackURL)))
        }
    }

    private func apps(_ kind: AppKind) -> [Int] { apps.indices.filter { apps[$0].kind == kind } }

    // MARK: Connections

    private mutating func buildConnections() {
        let pointsOfSale = apps(.pointOfSale)
        let delivery = apps(.delivery)
        let marketing = apps(.marketing)
        let analytics = apps(.analytics)
        let stock = apps(.stock)
        let loyalty = apps(.loyalty)

        // Two tills of the same point of sale at one French location: two instances of the
        // app, told apart by device id (there is always a Paris location).
        let twoTills = locations.indices.first { locations[$0].region == Regions.paris }
        for (a, account) in accounts.enumerated() {
            for (n, l) in account.locations.enumerated() {
                let pos = rng.pick(pointsOfSale)
                if l == twoTills {
                    connect(pos, account: a, location: l, deviceID: "caisse-1")
                    connect(pos, account: a, location: l, deviceID: "caisse-2")
                } else {
                    connect(pos, account: a, location: l, deviceID: rng.chance(0.2) ? "till-(\(rng.int(1...3)))" : nil)
                }
                var platforms = delivery.filter { _ in rng.chance(0.7) }
                if platforms.isEmpty { platforms = [rng.pick(delivery)] }
                for app in platforms { connect(app, account: a, location: l) }
                if let app = stock.first, rng.chance(0.35) { connect(app, account: a, location: l) }
                if let app = loyalty.first, rng.chance(0.25) { connect(app, account: a, location: l) }
                let lastLocation = a == accounts.count - 1 && n == account.locations.count - 1
                if lastLocation || rng.chance(0.15) { connect(rng.pick(marketing), account: a, location: l) }
            }
            if let app = analytics.first, a == 0 || rng.chance(0.6) { connect(app, account: a, location: nil) }
            for app in marketing where (a == 0 && app == marketing[0]) || rng.chance(0.4) {
                connect(app, account: a, location: nil)
            }
            if let app = loyalty.first, rng.chance(0.3) { connect(app, account: a, location: nil) }
        }
    }

    private mutating func connect(_ app: Int, account a: Int, location l: Int?, deviceID: String? = nil) {
        let template = apps[app].template
        // The granted scope names the connection's level, whatever level the app asks at.
        var scope = template.scope
        let levelName = l == nil ? "account" : "location"
        if let open = scope.firstIndex(of: "[") { scope = levelName + scope[open...] }
        let permissions = ((try? Scope(parsing: scope))?.permissions ?? []).map(\.resource)

        var catalog: Int?
        if permissions.contains(.catalog) {
            let own = l.map { locations[$0].catalogs } ?? []
            let accountCatalogs = accounts[a].catalogs
            if template.kind == .delivery, own.isEmpty {
                catalog = accountCatalogs[1]  // delivery prices
            } else {
                catalog = own.first ?? accountCatalogs[0]
            }
        }
        var customerList: Int?
        if permissions.contains(.customerList) {
            let own = l.map { locations[$0].customerLists } ?? []
            let accountLists = accounts[a].customerLists
            customerList = template.kind == .loyalty ? (accountLists.last ?? own.first) : (own.first ?? accountLists[0])
        }
        let activity: Double = switch template.kind {
        case .pointOfSale: 3.0
        case .delivery: 1.6
        case .marketing: 0.25
        case .analytics: 0.45
        case .stock: 0.35
        case .loyalty: 0.5
        }
        let connection = Connection(
            id: newID(), app: app, account: a, location: l, deviceID: deviceID, scope: scope,
            catalog: catalog, customerList: customerList, activity: activity * (0.5 + rng.unit()))
        connections.append(connection)
        registrations.append(.connectionCreated(ConnectionCreated(
            connectionID: connection.id, appID: apps[app].id, accountID: accounts[a].id,
            locationID: l.map { locations[$0].id }, deviceID: deviceID, scope: scope,
            customerListID: customerList.map { customerLists[$0].id }, catalogID: catalog.map { catalogs[$0].id },
            tokenDigest: rng.bytes(32), tokenHint: rng.hex(4))))
    }

    /// The registration events, a few seconds apart from `start`.
    mutating func registrationEvents(from start: Timestamp) -> [Event] {
        var time = start.microseconds
        return registrations.map { payload in
            time += Int64(rng.int(2...40)) * 1_000_000 + Int64(rng.below(1_000_000))
            return Event(time: Timestamp(microseconds: time), payload)
        }
    }

    // MARK: Reconnects, blocks and disconnects

    /// The region whose clock a connection lives by: its location's, or its account's.
    func region(ofConnection c: Int) -> Int {
        let connection = connections[c]
        return connection.location.map { locations[$0].region } ?? accounts[connection.account].region
    }

    /// Plans the connection changes between `from` and `to`: a few reconnects, two
    /// block/unblock pairs, one or two disconnects, maybe a block still in force at the end.
    /// People act in office hours of the place's time zone.
    mutating func planLifecycle(from: Timestamp, to: Timestamp, clock: ZoneClock) {
        var taken: Set<Int> = []
        let span = to.microseconds - from.microseconds
        func officeHours(_ fraction: Double, _ c: Int) -> Timestamp {
            let rough = from.microseconds + Int64(Double(span) * fraction)
            let offset = Int64(clock.offset(region: region(ofConnection: c), at: Timestamp(microseconds: rough))) * 1_000_000
            let day = Timestamp.microsecondsPerDay
            let localMidnight = (rough + offset) / day * day
            let local = localMidnight + Int64(rng.int(9 * 3600...18 * 3600)) * 1_000_000 + Int64(rng.below(1_000_000))
            let time = local - offset
            return Timestamp(microseconds: time > from.microseconds && time < to.microseconds ? time : rough)
        }
        func candidate(_ kinds: [AppKind], where extra: (Connection) -> Bool = { _ in true }) -> Int? {
            let options = connections.indices.filter {
                !taken.contains($0) && kinds.contains(apps[connections[$0].app].kind) && connections[$0].deviceID == nil
                    && extra(connections[$0])
            }
            guard !options.isEmpty else { return nil }
            let c = rng.pick(options)
            taken.insert(c)
            return c
        }
        func owner(_ c: Int) -> String { "owner@" + accounts[connections[c].account].template.domain }

        // Reconnects: switch a catalog (dine-in ↔ delivery prices ↔ the location's own) or a customer list.
        var reconnectFractions = [0.18, 0.42]
        if rng.chance(0.5) { reconnectFractions.append(0.66) }
        for (k, fraction) in reconnectFractions.enumerated() {
            let wantsList = k == 1
            guard let c = candidate([.delivery, .pointOfSale, .stock, .marketing, .loyalty], where: {
                wantsList ? $0.customerList != nil && alternatives(listOf: $0).count > 0 : $0.catalog != nil
            }) else { continue }
            let connection = connections[c]
            if wantsList {
                lifecycle.append(LifecycleStep(
                    time: officeHours(fraction, c), connection: c,
                    effect: .reconnect(catalog: nil, customerList: rng.pick(alternatives(listOf: connection))),
                    actor: owner(c), reason: nil))
            } else {
                lifecycle.append(LifecycleStep(
                    time: officeHours(fraction, c), connection: c,
                    effect: .reconnect(catalog: rng.pick(alternatives(catalogOf: connection)), customerList: nil),
                    actor: owner(c), reason: nil))
            }
        }

        // Blocked for a while, then unblocked.
        let blockReasons: [String?] = [
            "Orders arriving twice on the till", nil, "Menu being reworked, pausing orders", "Suspicious request volume",
        ]
        for fraction in [0.27, 0.55] {
            guard let c = candidate([.delivery, .stock, .loyalty, .pointOfSale]) else { continue }
            let byOwner = rng.chance(0.6)
            let blockTime = officeHours(fraction, c)
            let hours = Int64(rng.int(2...40))
            let unblockTime = Timestamp(microseconds: min(
                blockTime.microseconds + hours * 3_600_000_000 + Int64(rng.below(3_600_000_000)),
                (blockTime.microseconds + to.microseconds) / 2))
            lifecycle.append(LifecycleStep(
                time: blockTime, connection: c, effect: .block, actor: byOwner ? owner(c) : "support@hub",
                reason: rng.pick(blockReasons)))
            lifecycle.append(LifecycleStep(
                time: unblockTime, connection: c, effect: .unblock, actor: byOwner ? owner(c) : "support@hub",
                reason: rng.chance(0.5) ? "Issue resolved" : nil))
        }

        // The second till is retired; maybe a marketing tool is dropped.
        if let till = connections.indices.first(where: { connections[$0].deviceID == "caisse-2" }) {
            taken.insert(till)
            lifecycle.append(LifecycleStep(
                time: officeHours(0.48, till), connection: till, effect: .disconnect, actor: owner(till),
                reason: "Caisse remplacée"))
        }
        if rng.chance(0.6), let c = candidate([.marketing, .loyalty]) {
            lifecycle.append(LifecycleStep(
                time: officeHours(0.8, c), connection: c, effect: .disconnect, actor: owner(c),
                reason: rng.chance(0.5) ? "No longer using this service" : nil))
        }
        if rng.chance(0.4), let c = candidate([.delivery, .stock]) {
            lifecycle.append(LifecycleStep(
                time: officeHours(0.92, c), connection: c, effect: .block, actor: owner(c),
                reason: "Closed for renovation"))
        }
        lifecycle.sort { $0.time < $1.time }
    }

    /// Catalogs a connection could be switched to.
    private func alternatives(catalogOf connection: Connection) -> [Int] {
        let own = connection.location.map { locations[$0].catalogs } ?? []
        return (accounts[connection.account].catalogs + own).filter { $0 != connection.catalog }
    }

    private func alternatives(listOf connection: Connection) -> [Int] {
        let own = connection.location.map { locations[$0].customerLists } ?? []
        return (accounts[connection.account].customerLists + own).filter { $0 != connection.customerList }
    }

    /// The event a lifecycle step appends.
    func payload(of step: LifecycleStep) -> Event.Payload {
        let id = connections[step.connection].id
        switch step.effect {
        case .reconnect(let catalog, let list):
            return .connectionReconnected(ConnectionReconnected(
                connectionID: id, customerListID: list.map { customerLists[$0].id }, catalogID: catalog.map { catalogs[$0].id }))
        case .block:
            return .connectionBlocked(ConnectionStatusChanged(connectionID: id, actor: step.actor, reason: step.reason))
        case .unblock:
            return .connectionUnblocked(ConnectionStatusChanged(connectionID: id, actor: step.actor, reason: step.reason))
        case .disconnect:
            return .connectionDisconnected(ConnectionStatusChanged(connectionID: id, actor: step.actor, reason: step.reason))
        }
    }

    /// Applies a step to the connection's state, as the timeline reaches it.
    mutating func apply(_ step: LifecycleStep) {
        switch step.effect {
        case .reconnect(let catalog, let list):
            if let catalog { connections[step.connection].catalog = catalog }
            if let list { connections[step.connection].customerList = list }
        case .block: connections[step.connection].state = .blocked
        case .unblock: connections[step.connection].state = .active
        case .disconnect: connections[step.connection].state = .disconnected
        }
    }

    /// Whether the plan has the connection able to make requests at `time` (for sharing
    /// traffic out over the hours before the timeline runs).
    func plannedActive(_ c: Int, at time: Timestamp) -> Bool {
        var state = ConnectionState.active
        for step in lifecycle where step.connection == c && step.time <= time {
            switch step.effect {
            case .block: state = .blocked
            case .unblock: state = .active
            case .disconnect: state = .disconnected
            case .reconnect: break
            }
        }
        return state == .active
    }
}
