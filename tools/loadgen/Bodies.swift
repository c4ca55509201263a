import Events

/// The JSON bodies of the hub's API, written with the project's `JSONWriter` straight into
/// bytes: orders, catalogs, inventories, customers, callback events, places and errors.
///
/// Things shown more than once (an order, a customer) are drawn from their own seeded
/// stream, so the same id reads the same every time it comes back.
enum Bodies {
    // MARK: Small pieces

    private static let digits: [UInt8] = Array("0123456789".utf8)

    /// `"12.50 EUR"`, quotes included, as the hub writes amounts.
    static func money(_ minor: Int, _ currency: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        let value = minor < 0 ? -minor : minor
        if minor < 0 { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: String(value / 100).utf8)
        out.append(UInt8(ascii: "."))
        out.append(digits[value % 100 / 10])
        out.append(digits[value % 10])
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: currency.utf8)
        out.append(UInt8(ascii: "\""))
        return out
    }

    /// A pattern with `#` for each random digit (`+33 6 ## ## ## ##`).
    static func phone(_ pattern: String, _ rng: inout PRNG) -> String {
        var out = Array(pattern.utf8)
        for k in out.indices where out[k] == UInt8(ascii: "#") { out[k] = digits[rng.below(10)] }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase ASCII for e-mail addresses: accents dropped, other marks removed.
    static func slug(_ text: String) -> String {
        var out: [UInt8] = []
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9": out.append(UInt8(scalar.value))
            case "à", "â", "ä", "á": out.append(UInt8(ascii: "a"))
            case "é", "è", "ê", "ë": out.append(UInt8(ascii: "e"))
            case "î", "ï", "í": out.append(UInt8(ascii: "i"))
            case "ô", "ö", "ó": out.append(UInt8(ascii: "o"))
            case "û", "ü", "ù": out.append(UInt8(ascii: "u"))
            case "ç": out.append(UInt8(ascii: "c"))
            case "œ": out.append(contentsOf: "oe".utf8)
            default: break
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let mailDomains = ["gmail.example", "outlook.example", "yahoo.example", "icloud.example", "orange.example"]

    /// A person as the hub shows a customer's identity and address.
    private static func person(_ w: inout JSONWriter, region: Region, rng: inout PRNG, withAddress: Bool) {
        let first = rng.pick(region.firstNames)
        let last = rng.pick(region.lastNames)
        w.string("first_name", first)
        w.string("last_name", last)
        w.string("email", "\(slug(first)).\(slug(last))\(rng.chance(0.4) ? String(rng.int(1...99)) : "")@\(rng.pick(mailDomains))")
        w.string("phone", phone(region.phonePattern, &rng))
        if withAddress {
            w.string("address_1", "\(rng.int(1...220)) \(rng.pick(region.streets))")
            w.string("address_2", rng.chance(0.3) ? "Apt \(rng.int(1...60))" : "")
            w.string("postal_code", rng.pick(region.postalCodes))
            w.string("city", region.city)
            if let state = region.state { w.string("state", state) }
            w.string("country", region.country)
            w.string("latitude", coordinate(region.latitude, &rng))
            w.string("longitude", coordinate(region.longitude, &rng))
        }
    }

    /// A coordinate near `center`, five decimals.
    private static func coordinate(_ center: Double, _ rng: inout PRNG) -> String {
        let micro = Int(((center + (rng.unit() - 0.5) * 0.06) * 100_000).rounded())
        let value = micro < 0 ? -micro : micro
        let fraction = String(value % 100_000)
        return (micro < 0 ? "-" : "") + String(value / 100_000) + "." + String(repeating: "0", count: 5 - fraction.count) + fraction
    }

    // MARK: Catalogs

    /// Builds a catalog's products from a cuisine's menu (plus drinks and combos, up to a
    /// random size between a small café's and a large group's) and its `GET` body.
    static func fillCatalog(
        _ catalog: inout Catalog, menu: Menu, markup: Double, accountID: String, locationID: String?, rng: inout PRNG
    ) {
        let region = Regions.all[catalog.region]
        let currency = catalog.currency
        func price(_ euroCents: Int) -> Int { region.price(euroCents: Int(Double(euroCents) * markup)) }
        catalog.optionLists = menu.optionLists.map { t in
            OptionList(ref: t.ref, name: t.name, maxSelections: t.maxSelections, options: t.options.enumerated().map {
                (name: $0.element.name, ref: "\(t.ref)-\($0.offset + 1)", price: $0.element.euroCents == 0 ? 0 : price($0.element.euroCents))
            })
        }

        var w = JSONWriter()
        w.beginObject()
        w.string("id", catalog.id)
        w.string("name", catalog.name)
        w.string("account_id", accountID)
        w.string("location_id", ifPresent: locationID)
        w.string("currency", currency)
        w.beginObject("data")
        w.beginArray("categories")
        for section in menu.sections { category(&w, ref: section.ref, name: section.name) }
        category(&w, ref: "DRK", name: menu.drinksName)
        category(&w, ref: "CMB", name: menu.comboName + "s")
        w.endArray()

        w.beginArray("products")
        var skus: [SKU] = []
        func product(ref: String, category: String, name: String, description: String, euroCents: Int,
                     sizes: [(name: String, extraEuroCents: Int)], optionLists: [Int], tags: [String]) {
            w.beginObject()
            w.string("ref", ref)
            w.string("category_ref", category)
            w.string("name", name)
            if !description.isEmpty { w.string("description", description) }
            w.beginArray("tags")
            for tag in tags { w.string(nil, tag) }
            w.endArray()
            w.beginArray("skus")
            let variants: [(name: String?, extra: Int)] = sizes.isEmpty ? [(nil, 0)] : sizes.map { ($0.name, $0.extraEuroCents) }
            for (k, variant) in variants.enumerated() {
                let skuRef = variant.name == nil ? ref : "\(ref)-\(k + 1)"
                let skuPrice = price(euroCents + variant.extra)
                w.beginObject()
                w.string("ref", skuRef)
                if let name = variant.name { w.string("name", name) }
                w.raw("price", money(skuPrice, currency))
                w.beginArray("option_list_refs")
                for list in optionLists { w.string(nil, catalog.optionLists[list].ref) }
                w.endArray()
                w.endObject()
                skus.append(SKU(productName: name, skuName: variant.name, ref: skuRef, price: skuPrice, optionLists: optionLists))
            }
            w.endArray()
            w.endObject()
        }
        var mains: [Dish] = []
        for section in menu.sections {
            for (k, dish) in section.dishes.enumerated() {
                let vegetarian = rng.chance(0.3)
                product(ref: "\(section.ref)-\(k + 1)", category: section.ref, name: dish.name, description: dish.description,
                        euroCents: dish.euroCents, sizes: section.sizes, optionLists: section.optionLists,
                        tags: vegetarian ? ["vegetarian"] : [])
                if section.dishes.count >= 6 { mains.append(dish) }
            }
        }
        for (k, drink) in Menus.drinks.enumerated() where rng.chance(0.7) {
            product(ref: "DRK-\(k + 1)", category: "DRK", name: drink.name, description: drink.description,
                    euroCents: drink.euroCents, sizes: [], optionLists: [], tags: [])
        }
        // Combos make the difference between a 10 KB and an 80 KB catalog.
        catalog.comboStart = skus.count
        let target = rng.chance(0.3) ? rng.int(120...230) : rng.int(30...90)
        var combo = 0
        while skus.count < target {
            combo += 1
            let main = rng.pick(mains)
            let side = rng.pick(mains)
            let drink = rng.pick(Menus.drinks)
            product(ref: "CMB-\(combo)", category: "CMB", name: "\(menu.comboName) \(main.name) + \(side.name)",
                    description: "1 \(main.name), 1 \(side.name), 1 \(drink.name). \(menu.comboNote)",
                    euroCents: (main.euroCents + side.euroCents + drink.euroCents) * 85 / 100, sizes: [], optionLists: [],
                    tags: combo % 4 == 0 ? ["lunch_only"] : [])
        }
        w.endArray()

        w.beginArray("option_lists")
        for list in catalog.optionLists {
            w.beginObject()
            w.string("ref", list.ref)
            w.string("name", list.name)
            w.integer("min_selections", 0)
            w.integer("max_selections", Int64(list.maxSelections))
            w.beginArray("options")
            for option in list.options {
                w.beginObject()
                w.string("ref", option.ref)
                w.string("name", option.name)
                w.raw("price", money(option.price, currency))
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.beginArray("deals")
        w.endArray()
        w.endObject()
        w.endObject()
        catalog.skus = skus
        catalog.json = w.bytes
        catalog.etag = "W/\"" + rng.hex(16) + "\""
    }

    private static func category(_ w: inout JSONWriter, ref: String, name: String) {
        w.beginObject()
        w.string("ref", ref)
        w.string("name", name)
        w.endObject()
    }

    /// A small reply to a catalog upload.
    static func catalogSummary(_ catalog: Catalog, time: Timestamp) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("id", catalog.id)
        w.string("name", catalog.name)
        w.integer("product_count", Int64(catalog.skus.count))
        w.timestamp("updated_at", time)
        w.endObject()
        return w.bytes
    }

    // MARK: Orders

    /// What an order needs besides its seed: where it was placed and by which app.
    struct OrderContext {
        let id: String
        let locationID: String
        let created: Timestamp
        let channel: String
        let fromPlatform: Bool
        let catalog: Catalog
        let region: Region
    }

    private static let customerNotes = [
        "Sans oignons s'il vous plaît", "Please ring the bell twice", "Allergic to peanuts", "Extra napkins please",
        "Ne pas sonner, bébé qui dort", "Code porte 4521B, 3e étage", "Leave at the door", "No cutlery, thanks",
        "Spicy please! 🌶️", "Livrer à l'accueil de l'entreprise",
    ]

    /// An order as the hub stores it. With `header`, the id, location and creation time
    /// come first (a response); without, it is what the app posts.
    static func order(_ context: OrderContext, seed: UInt64, status: String, header: Bool) -> [UInt8] {
        var rng = PRNG(seed: seed)
        let catalog = context.catalog
        let currency = catalog.currency
        var w = JSONWriter()
        w.beginObject()
        if header {
            w.string("id", context.id)
            w.string("location_id", context.locationID)
            w.timestamp("created_at", context.created)
        }
        w.string("status", status)
        w.string("channel", context.channel)
        w.string("ref", context.fromPlatform ? "\(rng.int(100_000...999_999))-\(rng.int(10...99))" : "T\(rng.int(1...99))-\(rng.int(1000...9999))")
        let serviceType = context.fromPlatform ? (rng.chance(0.85) ? "delivery" : "collection") : (rng.chance(0.6) ? "eat_in" : "collection")
        w.string("service_type", serviceType)
        w.timestamp("expected_time", Timestamp(microseconds: context.created.microseconds + Int64(rng.int(15...55)) * 60_000_000))
        if rng.chance(0.25) { w.string("customer_notes", rng.pick(customerNotes)) }

        var total = 0
        w.beginArray("items")
        let lines = 1 + rng.below(3) + (rng.chance(0.3) ? rng.below(4) : 0)
        for _ in 0..<lines {
            // Mostly dishes and drinks, now and then a combo.
            let combos = catalog.skus.count - catalog.comboStart
            let sku = combos > 0 && rng.chance(0.15)
                ? catalog.skus[catalog.comboStart + rng.below(combos)]
                : catalog.skus[rng.below(catalog.comboStart)]
            let quantity = rng.chance(0.8) ? 1 : rng.int(2...4)
            var unit = sku.price
            w.beginObject()
            w.string("product_name", sku.productName)
            if let name = sku.skuName { w.string("sku_name", name) }
            w.string("sku_ref", sku.ref)
            w.raw("price", money(sku.price, currency))
            w.string("quantity", String(quantity))
            w.beginArray("options")
            for list in sku.optionLists where rng.chance(0.5) {
                let optionList = catalog.optionLists[list]
                let option = rng.pick(optionList.options)
                unit += option.price
                w.beginObject()
                w.string("option_list_name", optionList.name)
                w.string("name", option.name)
                w.string("ref", option.ref)
                w.raw("price", money(option.price, currency))
                w.integer("quantity", 1)
                w.endObject()
            }
            w.endArray()
            w.raw("subtotal", money(unit * quantity, currency))
            w.endObject()
            total += unit * quantity
        }
        w.endArray()

        w.beginArray("charges")
        if serviceType == "delivery" {
            let fee = context.region.price(euroCents: rng.pick([199, 249, 299, 349]))
            total += fee
            w.beginObject()
            w.string("type", "delivery")
            w.string("name", "Delivery fee")
            w.raw("price", money(fee, currency))
            w.endObject()
        }
        w.endArray()
        w.beginArray("discounts")
        if rng.chance(0.15) {
            let discount = total / 10
            total -= discount
            w.beginObject()
            w.string("name", "-10% first order")
            w.string("ref", "WELCOME10")
            w.raw("price_off", money(discount, currency))
            w.endObject()
        }
        w.endArray()
        w.beginArray("payments")
        w.beginObject()
        if context.fromPlatform {
            w.string("type", "online")
            w.string("name", context.channel)
            w.string("ref", context.channel.uppercased().filter { $0 != " " })
        } else {
            let card = rng.chance(0.75)
            let french = context.region.country == "FR"
            w.string("type", card ? "card" : "cash")
            w.string("name", card ? (french ? "Carte bancaire" : "Card") : (french ? "Espèces" : "Cash"))
        }
        w.raw("amount", money(total, currency))
        w.endObject()
        w.endArray()
        if context.fromPlatform || rng.chance(0.3) {
            w.beginObject("customer")
            person(&w, region: context.region, rng: &rng, withAddress: serviceType == "delivery")
            if serviceType == "delivery", rng.chance(0.4) { w.string("delivery_notes", rng.pick(customerNotes)) }
            w.endObject()
        }
        w.raw("total", money(total, currency))
        w.endObject()
        return w.bytes
    }

    /// The reply to an order creation: the posted order with its new id and dates first.
    static func created(_ posted: [UInt8], id: String, locationID: String?, time: Timestamp) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("id", id)
        w.string("location_id", ifPresent: locationID)
        w.timestamp("created_at", time)
        w.endObject()
        var out = w.bytes
        out.removeLast()  // "}": the posted members follow
        if posted.count > 2 {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: posted.dropFirst())
        } else {
            out.append(UInt8(ascii: "}"))
        }
        return out
    }

    static func statusChange(_ status: String, time: Timestamp, rng: inout PRNG) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("status", status)
        if status == "accepted" {
            w.timestamp("confirmed_time", Timestamp(microseconds: time.microseconds + Int64(rng.int(10...40)) * 60_000_000))
        }
        w.endObject()
        return w.bytes
    }

    /// `GET …/orders?after=…`: a page of short order summaries.
    static func orderList(locationID: String, currency: String, count: Int, time: Timestamp, rng: inout PRNG) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        var t = time.microseconds
        for _ in 0..<count {
            t -= Int64(rng.int(60...2400)) * 1_000_000
            w.beginObject()
            w.string("id", rng.base36(5))
            w.string("location_id", locationID)
            w.timestamp("created_at", Timestamp(microseconds: t))
            w.string("status", rng.chance(0.9) ? "completed" : "cancelled")
            w.string("service_type", rng.pick(["delivery", "collection", "eat_in"]))
            w.string("channel", rng.pick(["Deliveroo", "Uber Eats", "Just Eat", "Caisse", "Website"]))
            w.raw("total", money(rng.int(800...9000), currency))
            w.endObject()
        }
        w.endArray()
        return w.bytes
    }

    // MARK: Deliveries

    static func delivery(id: String?, orderID: String, status: String, time: Timestamp, region: Region, rng: inout PRNG) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        if let id {
            w.string("id", id)
            w.string("order_id", orderID)
        }
        w.string("status", status)
        w.string("driver_name", "\(rng.pick(region.firstNames)) \(rng.pick(region.lastNames).prefix(1)).")
        w.string("driver_phone", phone(region.phonePattern, &rng))
        w.timestamp("estimated_pickup_time", Timestamp(microseconds: time.microseconds + Int64(rng.int(5...20)) * 60_000_000))
        w.timestamp("estimated_dropoff_time", Timestamp(microseconds: time.microseconds + Int64(rng.int(25...50)) * 60_000_000))
        w.string("tracking_url", "https://track.delivery.example/t/\(rng.hex(12))")
        w.endObject()
        return w.bytes
    }

    // MARK: Inventories

    /// Stock levels for `count` of the catalog's SKUs (all of them for nil).
    static func inventory(_ catalog: Catalog, count: Int?, rng: inout PRNG) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        let n = min(count ?? catalog.skus.count, catalog.skus.count)
        let first = n == catalog.skus.count ? 0 : rng.below(catalog.skus.count - n + 1)
        for sku in catalog.skus[first..<first + n] {
            w.beginObject()
            w.string("sku_ref", sku.ref)
            w.string("stock", rng.chance(0.1) ? "0.000" : "\(rng.int(1...120)).000")
            w.endObject()
        }
        w.endArray()
        return w.bytes
    }

    // MARK: Customers

    /// Customer number `number` of a list: the same person every time.
    static func customerID(list: CustomerList, listIndex: Int, number: Int, seed: UInt64) -> String {
        var rng = PRNG(seed: seed, label: UInt64(listIndex) << 32 | UInt64(number))
        return rng.base36(5)
    }

    static func customer(
        _ w: inout JSONWriter, list: CustomerList, listIndex: Int, number: Int, seed: UInt64, epoch: Timestamp
    ) {
        var rng = PRNG(seed: seed, label: UInt64(listIndex) << 32 | UInt64(number))
        let region = Regions.all[list.region]
        w.beginObject()
        w.string("id", rng.base36(5))
        w.string("customer_list_id", list.id)
        person(&w, region: region, rng: &rng, withAddress: true)
        w.string("birth_date", "19\(rng.int(55...99))-\(pad(rng.int(1...12)))-\(pad(rng.int(1...28)))")
        w.bool("sms_marketing", rng.chance(0.4))
        w.bool("email_marketing", rng.chance(0.6))
        let orders = 1 + rng.below(40)
        w.integer("nb_orders", Int64(orders))
        w.raw("order_total", money(orders * region.price(euroCents: rng.int(1500...4500)), region.currency))
        let last = epoch.microseconds - Int64(rng.int(0...60 * 86_400)) * 1_000_000
        w.timestamp("first_order_date", Timestamp(microseconds: last - Int64(rng.int(86_400...900 * 86_400)) * 1_000_000))
        w.timestamp("last_order_date", Timestamp(microseconds: last))
        w.beginArray("loyalty_cards")
        if rng.chance(0.4) {
            w.beginObject()
            w.string("id", rng.base36(5))
            w.string("name", "Carte fidélité")
            w.string("ref", "LOY-\(rng.int(10000...99999))")
            w.string("balance", String(rng.int(0...250)))
            w.endObject()
        }
        w.endArray()
        w.beginObject("custom_fields")
        if rng.chance(0.2) { w.string("allergies", rng.pick(["gluten", "lactose", "arachides", "none"])) }
        w.endObject()
        w.endObject()
    }

    static func customer(list: CustomerList, listIndex: Int, number: Int, seed: UInt64, epoch: Timestamp) -> [UInt8] {
        var w = JSONWriter()
        customer(&w, list: list, listIndex: listIndex, number: number, seed: seed, epoch: epoch)
        return w.bytes
    }

    /// A page of customers starting at `first`.
    static func customerPage(
        list: CustomerList, listIndex: Int, first: Int, count: Int, seed: UInt64, epoch: Timestamp
    ) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        for number in first..<min(first + count, list.size) {
            customer(&w, list: list, listIndex: listIndex, number: number, seed: seed, epoch: epoch)
        }
        w.endArray()
        return w.bytes
    }

    /// What a loyalty app or a till sends to create or update a customer.
    static func customerUpdate(region: Region, rng: inout PRNG, full: Bool) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        if full {
            person(&w, region: region, rng: &rng, withAddress: rng.chance(0.5))
            w.bool("email_marketing", rng.chance(0.5))
        } else {
            w.beginArray("loyalty_cards")
            w.beginObject()
            w.string("name", "Carte fidélité")
            w.string("balance", String(rng.int(0...250)))
            w.endObject()
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }

    static func customerListSummary(_ list: CustomerList, accountID: String, locationID: String?) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("id", list.id)
        w.string("name", list.name)
        w.string("account_id", accountID)
        w.string("location_id", ifPresent: locationID)
        w.integer("customer_count", Int64(list.size))
        w.endObject()
        return w.bytes
    }

    // MARK: Callback

    struct CallbackEvent {
        let orderID: String
        let created: Timestamp
        let status: String
    }

    static func callbackEvents(_ events: [CallbackEvent], accountID: String, locationID: String, rng: inout PRNG) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        for event in events {
            w.beginObject()
            w.string("id", rng.base36(5))
            w.timestamp("created_at", event.created)
            w.string("resource_type", "order")
            w.string("event_type", event.status == "new" ? "create" : "update")
            w.string("account_id", accountID)
            w.string("location_id", locationID)
            w.string("order_id", event.orderID)
            w.beginObject("new_state")
            w.string("status", event.status)
            w.endObject()
            w.endObject()
        }
        w.endArray()
        return w.bytes
    }

    static func callbackSettings(url: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("url", url)
        w.beginObject("events")
        w.beginArray("order")
        w.string(nil, "create")
        w.string(nil, "update")
        w.endArray()
        w.endObject()
        w.endObject()
        return w.bytes
    }

    // MARK: Places and user

    static func location(_ location: Location, account: Account, utcOffset: Int) -> [UInt8] {
        var w = JSONWriter()
        locationObject(&w, location, account: account, utcOffset: utcOffset)
        return w.bytes
    }

    private static func locationObject(_ w: inout JSONWriter, _ location: Location, account: Account, utcOffset: Int) {
        let region = Regions.all[location.region]
        w.beginObject()
        w.string("id", location.id)
        w.string("name", location.name)
        w.beginObject("account")
        w.string("id", account.id)
        w.string("name", account.name)
        w.endObject()
        w.string("address", location.street)
        w.string("postal_code", location.postalCode)
        w.string("city", region.city)
        w.string("country", region.country)
        w.string("currency", region.currency)
        w.beginObject("timezone")
        w.string("name", region.timeZone)
        w.integer("offset", Int64(utcOffset))
        w.endObject()
        w.string("cutoff_time", "04:00")
        w.endObject()
    }

    static func account(_ account: Account, locations: [Location], offsets: [Int]) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("id", account.id)
        w.string("name", account.name)
        w.string("currency", Regions.all[account.region].currency)
        w.beginArray("locations")
        for (k, location) in locations.enumerated() { locationObject(&w, location, account: account, utcOffset: offsets[k]) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    static func user(_ account: Account, profileWithEmail: Bool) -> [UInt8] {
        let region = Regions.all[account.region]
        var w = JSONWriter()
        w.beginObject()
        w.string("id", "u-" + account.id)
        w.string("first_name", account.ownerFirstName)
        w.string("last_name", account.ownerLastName)
        if profileWithEmail {
            w.string("email", "\(slug(account.ownerFirstName)).\(slug(account.ownerLastName))@\(account.template.domain)")
        }
        w.string("locale", region.locale)
        w.endObject()
        return w.bytes
    }

    // MARK: Errors

    /// `{"error_type": …, "message": …}`, plus `errors` for a 422.
    static func error(_ type: String, _ message: String, field: (name: String, message: String)? = nil) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("error_type", type)
        w.string("message", message)
        if let field {
            w.beginArray("errors")
            w.beginObject()
            w.string("field", field.name)
            w.string("message", field.message)
            w.endObject()
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}
