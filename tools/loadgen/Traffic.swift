import Events

/// Makes the API requests of connections: which call an app of that kind makes, its URL,
/// status, duration, headers and bodies. Holds what the calls leave behind (recent orders
/// and deliveries of each location, rate-limit windows) so later calls refer to them.
struct Traffic {
    var world: World
    private var rng: PRNG
    private let withBodies: Bool
    /// Reference time for customers' order dates, so a customer reads the same each time.
    private let epoch: Timestamp
    /// UTC offsets of the regions at the current hour, for place bodies.
    var offsets: [Int] = []

    private var orders: [[OrderRecord]]
    private var nextOrderSlot: [Int]
    private var deliveries: [[String]]
    private var windows: [RateWindows]
    /// What each connection's scope lets it do.
    private let permissions: [Permissions]

    private static let orderMemory = 256
    private static let deliveryMemory = 64

    /// An order a location received, kept so later calls can read or update it.
    struct OrderRecord {
        let id: String
        let seed: UInt64
        let created: Timestamp
        let app: Int
        /// The catalog the order was placed from (the placing connection's).
        let catalog: Int
        var status: Int
    }

    /// The hub's three rate-limit windows of a connection (each starts on the round
    /// minute, hour, day).
    struct RateWindows {
        var minute: Int64 = -1, perMinute = 0
        var hour: Int64 = -1, perHour = 0
        var day: Int64 = -1, perDay = 0

        /// Counts one request; returns what is left of the tightest window (negative: over).
        mutating func count(at time: Timestamp) -> Int {
            let s = time.seconds
            if s / 60 != minute { minute = s / 60; perMinute = 0 }
            if s / 3600 != hour { hour = s / 3600; perHour = 0 }
            if s / 86_400 != day { day = s / 86_400; perDay = 0 }
            perMinute += 1
            perHour += 1
            perDay += 1
            return min(500 - perMinute, 2500 - perHour, 10_000 - perDay)
        }
    }

    init(world: World, seed: UInt64, withBodies: Bool, epoch: Timestamp) {
        self.world = world
        rng = PRNG(seed: seed, label: 2)
        self.withBodies = withBodies
        self.epoch = epoch
        orders = Array(repeating: [], count: world.locations.count)
        nextOrderSlot = Array(repeating: 0, count: world.locations.count)
        deliveries = Array(repeating: [], count: world.locations.count)
        windows = Array(repeating: RateWindows(), count: world.connections.count)
        permissions = world.connections.map { Permissions(scope: $0.scope) }
    }

    /// A granted scope, as the calls it allows.
    struct Permissions: OptionSet {
        let rawValue: Int
        static let readOrders = Permissions(rawValue: 1)
        static let writeOrders = Permissions(rawValue: 2)
        static let readCatalog = Permissions(rawValue: 4)
        static let writeCatalog = Permissions(rawValue: 8)
        static let readInventory = Permissions(rawValue: 16)
        static let writeInventory = Permissions(rawValue: 32)
        static let readCustomers = Permissions(rawValue: 64)
        static let writeCustomers = Permissions(rawValue: 128)
        static let profile = Permissions(rawValue: 256)

        init(rawValue: Int) { self.rawValue = rawValue }

        init(scope text: String) {
            self = []
            guard let scope = try? Scope(parsing: text) else { return }
            for p in scope.permissions {
                let write = p.right == .write
                switch p.resource {
                case .orders: formUnion(write ? [.readOrders, .writeOrders] : .readOrders)
                case .catalog, .allCatalogs: formUnion(write ? [.readCatalog, .writeCatalog] : .readCatalog)
                case .inventory: formUnion(write ? [.readInventory, .writeInventory] : .readInventory)
                case .customerList, .allCustomerLists: formUnion(write ? [.readCustomers, .writeCustomers] : .readCustomers)
                }
            }
            if scope.profile != nil { insert(.profile) }
        }

        /// What `action` needs (empty: any connection may call it).
        static func needed(for action: Action) -> Permissions {
            switch action {
            case .createOrder, .updateOrder, .createDelivery, .updateDelivery: .writeOrders
            case .getOrder, .listOrders: .readOrders
            case .getCatalog: .readCatalog
            case .putCatalog: .writeCatalog
            case .getInventory: .readInventory
            case .putInventory: .writeInventory
            case .listCustomers, .findCustomer, .getCustomer, .getCustomerList: .readCustomers
            case .createCustomer, .updateCustomer: .writeCustomers
            case .getUser: .profile
            case .getLocation, .getAccount, .pollCallback, .ackCallback, .getCallback, .setCallback: []
            }
        }
    }

    // MARK: What apps call

    enum Action {
        case createOrder, getOrder, updateOrder, listOrders
        case getCatalog, putCatalog, getInventory, putInventory
        case listCustomers, findCustomer, getCustomer, createCustomer, updateCustomer, getCustomerList
        case getLocation, getAccount, getUser
        case pollCallback, ackCallback, getCallback, setCallback
        case createDelivery, updateDelivery
    }

    /// Each kind of app's mix of calls, as weights.
    private static let mixes: [AppKind: [(Action, Double)]] = [
        .delivery: [
            (.createOrder, 30), (.pollCallback, 12), (.ackCallback, 4), (.getOrder, 10), (.updateOrder, 4),
            (.getCatalog, 7), (.createDelivery, 6), (.updateDelivery, 9), (.getLocation, 3), (.getCallback, 0.5),
            (.setCallback, 0.1),
        ],
        .pointOfSale: [
            (.pollCallback, 22), (.ackCallback, 7), (.getOrder, 12), (.updateOrder, 20), (.createOrder, 7),
            (.putInventory, 4), (.getInventory, 2), (.putCatalog, 0.6), (.getCatalog, 2), (.findCustomer, 3),
            (.getCustomer, 3), (.getLocation, 2), (.getCallback, 0.3), (.setCallback, 0.1),
        ],
        .marketing: [
            (.listCustomers, 35), (.getCustomer, 25), (.getCustomerList, 10), (.getUser, 4), (.getLocation, 5),
            (.getAccount, 5), (.pollCallback, 12), (.ackCallback, 4),
        ],
        .analytics: [
            (.listOrders, 45), (.getCatalog, 12), (.getCustomerList, 8), (.listCustomers, 15), (.getAccount, 12),
            (.getUser, 2),
        ],
        .stock: [
            (.getCatalog, 18), (.putInventory, 35), (.getInventory, 25), (.getLocation, 5), (.pollCallback, 15),
            (.ackCallback, 2),
        ],
        .loyalty: [
            (.pollCallback, 25), (.ackCallback, 8), (.getOrder, 15), (.findCustomer, 10), (.getCustomer, 12),
            (.updateCustomer, 18), (.createCustomer, 8), (.getUser, 4),
        ],
    ]
    private static let mixActions: [[Action]] = AppKind.allCases.map { kind in mixes[kind]!.map(\.0) }
    private static let mixWeights: [[Double]] = AppKind.allCases.map { kind in mixes[kind]!.map(\.1) }

    private static let orderStatuses = ["new", "accepted", "in_preparation", "awaiting_shipment", "in_delivery", "completed"]
    private static let deliveryStatuses = ["pickup_enroute", "pickup_approaching", "dropoff_enroute", "delivered"]

    // MARK: One request

    /// What the response of a call will hold if it succeeds, made only then.
    private enum Reply {
        case bytes([UInt8])
        case echo
        case created(id: String, locationID: String?)
        case order(Bodies.OrderContext, seed: UInt64, status: String)
        case catalog(Int)
        case inventory(Int)
        case customer(list: Int, number: Int)
        case customerPage(list: Int, first: Int, count: Int)
        case location(Int)
        case account(Int)
        case orderList(location: Int, count: Int)
        case callbackEvents(location: Int, count: Int)
    }

    /// A call being made: everything decided before its outcome is drawn.
    private struct Call {
        var method: HTTPMethod = .get
        var resource = ""
        var url = ""
        var requestBody: [UInt8] = []
        var reply: Reply = .bytes([])
        var successStatus: UInt16 = 200
        /// Sent with If-None-Match: may be answered 304.
        var conditional = false
        /// Names one thing by id: may be answered 404.
        var notFound: String?
        /// Sends a body the hub validates: may be answered 422 (this field) or 400.
        var invalidField: (name: String, message: String)?
        var isList = false
        var medianMilliseconds = 30.0
        var etag: String?
        /// Runs if the call succeeds (remember a new order, move a status on).
        var onSuccess: OnSuccess = .nothing
    }

    private enum OnSuccess {
        case nothing
        case rememberOrder(location: Int, OrderRecord)
        case orderStatus(location: Int, slot: Int, status: Int)
        case rememberDelivery(location: Int, id: String)
    }

    /// The request connection `c` makes at `time`, with the hub's response.
    mutating func request(_ c: Int, at time: Timestamp) -> RequestLogged {
        let connection = world.connections[c]
        let app = world.apps[connection.app]
        let kind = app.kind
        let location = connection.location ?? rng.pick(world.accounts[connection.account].locations)
        var action = Traffic.mixActions[kind.rawValue][rng.weighted(Traffic.mixWeights[kind.rawValue])]
        // An app keeps to its scope: what it may not call, it does not (it reads its place instead).
        if !permissions[c].isSuperset(of: Permissions.needed(for: action)) {
            action = connection.location == nil ? .getAccount : .getLocation
        }
        var call = describe(action, connection: connection, app: app, location: location, time: time)

        var requestHeaders = app.requestHeaders
        if call.conditional, let etag = call.etag { requestHeaders.append(Header("If-None-Match", etag)) }

        let remaining = windows[c].count(at: time)
        let status = outcome(of: call, remaining: remaining)
        var responseHeaders: [Header] = []
        var responseBody: [UInt8] = []
        var median = call.medianMilliseconds
        var sigma = 0.6
        switch status {
        case 304:
            median = 12
            if let etag = call.etag { responseHeaders.append(Header("ETag", etag)) }
        case 200, 201:
            responseHeaders.append(Header("Content-Type", "application/json; charset=utf-8"))
            if let etag = call.etag { responseHeaders.append(Header("ETag", etag)) }
            if withBodies { responseBody = render(call.reply, request: call.requestBody, time: time) }
            remember(call.onSuccess)
        default:
            responseHeaders.append(Header("Content-Type", "application/json; charset=utf-8"))
            if withBodies { responseBody = errorBody(status, call: call) }
            if status == 500 {
                median = 1500
                sigma = 1.0
            } else {
                median *= 0.5
            }
            if status == 429 { responseHeaders.append(Header("Retry-After", String(60 - time.seconds % 60))) }
        }
        responseHeaders.append(Header("X-RateLimit-Remaining", String(max(0, remaining))))
        if !withBodies { call.requestBody = [] }

        let micros = rng.logNormal(median: median * 1000, sigma: sigma)
        return RequestLogged(
            connectionID: connection.id, requestID: "req_" + rng.hex(16), method: call.method,
            resource: call.resource, url: call.url, status: status,
            durationMicroseconds: UInt64(min(max(micros, 900), 30_000_000)),
            requestHeaders: requestHeaders, requestBody: call.requestBody,
            responseHeaders: responseHeaders, responseBody: responseBody)
    }

    /// Draws the status: mostly success, with a realistic sprinkle of errors; over a
    /// rate-limit window always 429.
    private mutating func outcome(of call: Call, remaining: Int) -> UInt16 {
        if remaining < 0 { return 429 }
        let r = rng.unit()
        if r < 0.0025 { return 500 }
        if r < 0.0035 { return 401 }
        if r < 0.0050 { return 429 }
        if call.conditional, rng.chance(0.75) { return 304 }
        if call.notFound != nil, rng.chance(0.015) { return 404 }
        if call.invalidField != nil {
            if rng.chance(0.012) { return 422 }
            if rng.chance(0.005) { return 400 }
        } else if call.isList, rng.chance(0.004) {
            return 400
        }
        return call.successStatus
    }

    private func errorBody(_ status: UInt16, call: Call) -> [UInt8] {
        switch status {
        case 401: Bodies.error("unauthorized", "The access token is missing or malformed")
        case 404: Bodies.error("not_found", call.notFound ?? "Not found")
        case 422:
            Bodies.error("unprocessable_entity", "The request body failed validation",
                         field: call.invalidField ?? ("base", "is invalid"))
        case 400:
            Bodies.error("bad_request", call.method == .get ? "Invalid query parameter" : "Malformed JSON in request body")
        case 429: Bodies.error("too_many_requests", "Rate limit exceeded: 500 requests a minute, 2500 an hour, 10000 a day")
        default: Bodies.error("internal_error", "An internal error occurred, please retry later")
        }
    }

    // MARK: Calls

    private mutating func describe(
        _ action: Action, connection: Connection, app: App, location l: Int, time: Timestamp
    ) -> Call {
        let location = world.locations[l]
        let accountID = world.accounts[connection.account].id
        let catalog = connection.catalog ?? location.catalogs.first ?? world.accounts[connection.account].catalogs[0]
        var call = Call()

        // Calls that need something the connection lacks fall back to reading its place.
        func place(_ call: inout Call) {
            if connection.location == nil {
                call.resource = "accounts"
                call.url = "/accounts/\(accountID)"
                call.reply = .account(connection.account)
            } else {
                call.resource = "locations"
                call.url = "/locations/\(location.id)"
                call.reply = .location(l)
            }
            call.medianMilliseconds = 18
        }

        switch action {
        case .createOrder:
            let id = rng.base36(5)
            let record = OrderRecord(id: id, seed: rng.next(), created: time, app: connection.app, catalog: catalog, status: 0)
            call.method = .post
            call.resource = "orders"
            call.url = "/locations/\(location.id)/orders"
            if withBodies {
                call.requestBody = Bodies.order(orderContext(record, location: l), seed: record.seed, status: "new", header: false)
            }
            call.reply = .created(id: id, locationID: location.id)
            call.successStatus = 201
            call.invalidField = rng.pick([
                ("items[0].price", "must be an amount such as 12.50 EUR"), ("customer.email", "is not a valid e-mail address"),
                ("service_type", "must be delivery, collection or eat_in"), ("items", "must not be empty"),
            ])
            call.medianMilliseconds = 140
            call.onSuccess = .rememberOrder(location: l, record)

        case .getOrder, .updateOrder, .createDelivery:
            // A platform follows its own orders; a till or a loyalty app sees all the location's.
            guard let slot = recentOrder(l, app: app.kind == .delivery ? connection.app : nil) else {
                return describe(.pollCallback, connection: connection, app: app, location: l, time: time)
            }
            let record = orders[l][slot]
            call.notFound = "Couldn't find Order with id '\(record.id)'"
            if action == .createDelivery {
                let deliveryID = rng.base36(5)
                call.method = .post
                call.resource = "deliveries"
                call.url = "/orders/\(record.id)/deliveries"
                if withBodies {
                    call.requestBody = Bodies.delivery(id: nil, orderID: record.id, status: "pending", time: time,
                                                       region: Regions.all[location.region], rng: &rng)
                }
                call.reply = .created(id: deliveryID, locationID: nil)
                call.successStatus = 201
                call.invalidField = ("driver_phone", "is not a valid phone number")
                call.medianMilliseconds = 110
                call.onSuccess = .rememberDelivery(location: l, id: deliveryID)
                break
            }
            call.resource = "orders"
            call.url = "/orders/\(record.id)"
            var status = record.status
            if action == .updateOrder {
                // Tills move orders on; platforms mostly report them delivered, sometimes cancelled.
                status = app.kind == .delivery ? (rng.chance(0.1) ? -1 : 5) : min(record.status + 1, 5)
                let name = status < 0 ? "cancelled" : Traffic.orderStatuses[status]
                call.method = .patch
                if withBodies { call.requestBody = Bodies.statusChange(name, time: time, rng: &rng) }
                call.invalidField = ("status", "cannot go from \(Traffic.orderStatuses[max(record.status, 0)]) to \(name)")
                call.medianMilliseconds = 70
                call.onSuccess = .orderStatus(location: l, slot: slot, status: status)
            } else {
                call.medianMilliseconds = 35
            }
            call.reply = .order(orderContext(record, location: l), seed: record.seed,
                                status: status < 0 ? "cancelled" : Traffic.orderStatuses[status])

        case .listOrders:
            call.resource = "orders"
            let after = Timestamp(microseconds: time.microseconds - Int64(rng.int(1...24)) * 3_600_000_000)
            call.url = "/locations/\(location.id)/orders?after=\(after.rfc3339)&count=100"
            call.reply = .orderList(location: l, count: rng.int(0...100))
            call.isList = true
            call.medianMilliseconds = 180

        case .getCatalog:
            call.resource = "catalogs"
            call.url = "/catalogs/\(world.catalogs[catalog].id)"
            call.reply = .catalog(catalog)
            call.etag = world.catalogs[catalog].etag
            call.conditional = rng.chance(0.35)
            call.notFound = "Couldn't find Catalog with id '\(world.catalogs[catalog].id)'"
            call.medianMilliseconds = 90 + Double(world.catalogs[catalog].json.count) / 200

        case .putCatalog:
            call.method = .put
            call.resource = "catalogs"
            call.url = "/catalogs/\(world.catalogs[catalog].id)"
            if withBodies { call.requestBody = world.catalogs[catalog].json }
            call.reply = .bytes(Bodies.catalogSummary(world.catalogs[catalog], time: time))
            call.invalidField = ("data.products[\(rng.below(world.catalogs[catalog].skus.count))].skus[0].price",
                                 "must be an amount such as 12.50 EUR")
            call.medianMilliseconds = 600 + Double(world.catalogs[catalog].json.count) / 40

        case .getInventory, .putInventory:
            call.resource = "inventories"
            call.url = "/catalogs/\(world.catalogs[catalog].id)/locations/\(location.id)/inventory"
            if action == .putInventory {
                call.method = .put
                if withBodies { call.requestBody = Bodies.inventory(world.catalogs[catalog], count: rng.int(3...60), rng: &rng) }
                call.reply = .echo
                call.invalidField = ("[\(rng.below(20))].stock", "must be a decimal number")
                call.medianMilliseconds = 160
            } else {
                call.reply = .inventory(catalog)
                call.medianMilliseconds = 70
            }

        case .listCustomers, .findCustomer, .getCustomer, .createCustomer, .updateCustomer, .getCustomerList:
            let list = connection.customerList
                ?? location.customerLists.first ?? world.accounts[connection.account].customerLists[0]
            let listID = world.customerLists[list].id
            let size = world.customerLists[list].size
            // Recent customers come back far more often than old ones.
            let number = min(size - 1, Int(Double(size) * rng.unit() * rng.unit()))
            let customerID = Bodies.customerID(list: world.customerLists[list], listIndex: list, number: number, seed: world.seed)
            call.resource = "customers"
            switch action {
            case .listCustomers:
                let first = rng.below(size / 50 + 1) * 50
                call.url = "/customer_lists/\(listID)/customers?count=50&offset=\(first)"
                call.reply = .customerPage(list: list, first: first, count: 50)
                call.isList = true
                call.medianMilliseconds = 160
            case .findCustomer:
                call.url = "/customer_lists/\(listID)/customers?phone=\(rng.chance(0.5) ? "%2B" : "0")\(rng.int(600_000_000...799_999_999))"
                call.reply = rng.chance(0.6) ? .bytes(Array("[]".utf8)) : .customerPage(list: list, first: number, count: 1)
                call.isList = true
                call.medianMilliseconds = 45
            case .getCustomer:
                call.url = "/customer_lists/\(listID)/customers/\(customerID)"
                call.reply = .customer(list: list, number: number)
                call.notFound = "Couldn't find Customer with id '\(customerID)'"
                call.medianMilliseconds = 30
            case .createCustomer:
                call.method = .post
                call.url = "/customer_lists/\(listID)/customers"
                if withBodies {
                    call.requestBody = Bodies.customerUpdate(region: Regions.all[world.customerLists[list].region], rng: &rng, full: true)
                }
                call.reply = .created(id: rng.base36(5), locationID: nil)
                call.successStatus = 201
                call.invalidField = ("email", "is not a valid e-mail address")
                call.medianMilliseconds = 90
            case .updateCustomer:
                call.method = .patch
                call.url = "/customer_lists/\(listID)/customers/\(customerID)"
                if withBodies {
                    call.requestBody = Bodies.customerUpdate(region: Regions.all[world.customerLists[list].region], rng: &rng, full: false)
                }
                call.reply = .customer(list: list, number: number)
                call.notFound = "Couldn't find Customer with id '\(customerID)'"
                call.invalidField = ("loyalty_cards[0].balance", "must be a number")
                call.medianMilliseconds = 65
            default:
                call.resource = "customer_lists"
                call.url = "/customer_lists/\(listID)"
                call.reply = .bytes(Bodies.customerListSummary(
                    world.customerLists[list], accountID: accountID,
                    locationID: world.customerLists[list].location.map { world.locations[$0].id }))
                call.etag = "W/\"\(listID)-\(time.seconds / 3600)\""
                call.conditional = rng.chance(0.2)
                call.medianMilliseconds = 25
            }

        case .getLocation, .getAccount:
            place(&call)

        case .getUser:
            call.resource = "user"
            call.url = "/user"
            call.reply = .bytes(Bodies.user(world.accounts[connection.account],
                                            profileWithEmail: connection.scope.hasSuffix("profile_with_email")))
            call.medianMilliseconds = 15

        case .pollCallback:
            call.resource = "callback"
            call.url = "/callback/events"
            call.reply = .callbackEvents(location: l, count: rng.chance(0.55) ? 0 : rng.int(1...4))
            call.isList = true
            call.medianMilliseconds = 22

        case .ackCallback:
            call.method = .delete
            call.resource = "callback"
            let id = rng.base36(5)
            call.url = "/callback/events/\(id)"
            call.reply = .bytes(Array("{\"id\":\"\(id)\",\"deleted\":true}".utf8))
            call.notFound = "Couldn't find Event with id '\(id)'"
            call.medianMilliseconds = 18

        case .getCallback, .setCallback:
            call.resource = "callback"
            call.url = "/callback"
            let settings = Bodies.callbackSettings(url: "https://hooks.\(Bodies.slug(app.template.name)).example/hub/\(connection.id)")
            if action == .setCallback {
                call.method = .put
                if withBodies { call.requestBody = settings }
                call.reply = .echo
                call.invalidField = ("url", "must be an https URL")
            } else {
                call.reply = .bytes(settings)
            }
            call.medianMilliseconds = 20

        case .updateDelivery:
            guard let id = deliveries[l].isEmpty ? nil : rng.pick(deliveries[l]) else {
                return describe(.pollCallback, connection: connection, app: app, location: l, time: time)
            }
            call.method = .patch
            call.resource = "deliveries"
            call.url = "/deliveries/\(id)"
            let status = rng.pick(Traffic.deliveryStatuses)
            if withBodies { call.requestBody = Bodies.statusChange(status, time: time, rng: &rng) }
            call.reply = .bytes(Bodies.delivery(id: id, orderID: rng.base36(5), status: status, time: time,
                                                region: Regions.all[location.region], rng: &rng))
            call.notFound = "Couldn't find Delivery with id '\(id)'"
            call.invalidField = ("status", "is not a delivery status")
            call.medianMilliseconds = 55
        }
        return call
    }

    private func orderContext(_ record: OrderRecord, location l: Int) -> Bodies.OrderContext {
        let location = world.locations[l]
        let app = world.apps[record.app]
        return Bodies.OrderContext(
            id: record.id, locationID: location.id, created: record.created, channel: app.template.name,
            fromPlatform: app.kind == .delivery, catalog: world.catalogs[record.catalog], region: Regions.all[location.region])
    }

    /// A recently received order of the location (placed by `app`, if given), newer ones likelier.
    private mutating func recentOrder(_ l: Int, app: Int? = nil) -> Int? {
        let count = orders[l].count
        guard count > 0 else { return nil }
        for _ in 0..<8 {
            let back = min(count - 1, Int(Double(min(count, 40)) * rng.unit() * rng.unit()))
            let slot = (nextOrderSlot[l] - 1 - back + count) % count
            if app == nil || orders[l][slot].app == app { return slot }
        }
        return nil
    }

    private mutating func remember(_ effect: OnSuccess) {
        switch effect {
        case .nothing: break
        case .rememberOrder(let l, let record):
            if orders[l].count < Traffic.orderMemory {
                orders[l].append(record)
                nextOrderSlot[l] = orders[l].count % Traffic.orderMemory
            } else {
                orders[l][nextOrderSlot[l]] = record
                nextOrderSlot[l] = (nextOrderSlot[l] + 1) % Traffic.orderMemory
            }
        case .orderStatus(let l, let slot, let status):
            orders[l][slot].status = status < 0 ? 5 : status
        case .rememberDelivery(let l, let id):
            if deliveries[l].count >= Traffic.deliveryMemory { deliveries[l].removeFirst() }
            deliveries[l].append(id)
        }
    }

    private mutating func render(_ reply: Reply, request: [UInt8], time: Timestamp) -> [UInt8] {
        switch reply {
        case .bytes(let bytes): return bytes
        case .echo: return request
        case .created(let id, let locationID): return Bodies.created(request, id: id, locationID: locationID, time: time)
        case .order(let context, let seed, let status): return Bodies.order(context, seed: seed, status: status, header: true)
        case .catalog(let c): return world.catalogs[c].json
        case .inventory(let c): return Bodies.inventory(world.catalogs[c], count: nil, rng: &rng)
        case .customer(let list, let number):
            return Bodies.customer(list: world.customerLists[list], listIndex: list, number: number, seed: world.seed, epoch: epoch)
        case .customerPage(let list, let first, let count):
            return Bodies.customerPage(list: world.customerLists[list], listIndex: list, first: first, count: count,
                                       seed: world.seed, epoch: epoch)
        case .location(let l):
            return Bodies.location(world.locations[l], account: world.accounts[world.locations[l].account],
                                   utcOffset: offsets[world.locations[l].region])
        case .account(let a):
            let account = world.accounts[a]
            let locations = account.locations.map { world.locations[$0] }
            return Bodies.account(account, locations: locations, offsets: locations.map { offsets[$0.region] })
        case .orderList(let l, let count):
            return Bodies.orderList(locationID: world.locations[l].id, currency: Regions.all[world.locations[l].region].currency,
                                    count: count, time: time, rng: &rng)
        case .callbackEvents(let l, let count):
            var events: [Bodies.CallbackEvent] = []
            for _ in 0..<count {
                guard let slot = recentOrder(l) else { break }
                let record = orders[l][slot]
                events.append(Bodies.CallbackEvent(
                    orderID: record.id, created: record.created, status: Traffic.orderStatuses[max(0, record.status)]))
            }
            let location = world.locations[l]
            return Bodies.callbackEvents(events, accountID: world.accounts[location.account].id, locationID: location.id, rng: &rng)
        }
    }
}
