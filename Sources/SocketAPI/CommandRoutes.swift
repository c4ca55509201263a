internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Hub
internal import Domain
internal import FrontDoor

extension Router where Context == BasicRequestContext {
    func addCommandRoutes(_ c: RouteContext) {
        let limit = c.maxBodyBytes

        post("/v1/accounts") { request, _ in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: limit)
            var f = try JSONFields(bytes)
            let id = try f.id("account_id")
            let name = try f.string("name")
            let zone = try f.string("time_zone")
            try f.refuseLeftovers()
            let receipt = try await c.writer.registerAccount(
                id: id, name: name, timeZone: zone, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("register_account")
            return ReceiptAnswer(receipt, created: true).response(.created)
        }

        post("/v1/locations") { request, _ in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: limit)
            var f = try JSONFields(bytes)
            let id = try f.id("location_id")
            let account = try f.id("account_id")
            let name = try f.string("name")
            let zone = try f.string("time_zone")
            try f.refuseLeftovers()
            let receipt = try await c.writer.registerLocation(
                id: id, accountID: account, name: name, timeZone: zone, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("register_location")
            return ReceiptAnswer(receipt, created: true).response(.created)
        }

        post("/v1/apps") { request, _ in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: limit)
            var f = try JSONFields(bytes)
            let id = try f.id("app_id")
            let name = try f.string("name")
            let levelName = try f.string("level")
            guard let level = ConnectionLevel(name: levelName) else {
                throw APIError.invalid("level", "must be account, location or either, not \"\(levelName)\"")
            }
            var app = AppRegistered(
                appID: id, name: name, level: level, scope: try f.string("scope"),
                openURL: try f.optionalString("open_url"), disconnectCallbackURL: try f.optionalString("disconnect_callback_url"))
            switch f.take("redirect_uris") {
            case nil, .null?: break
            case .array(let items)?:
                for item in items {
                    guard case .string(let uri) = item else { throw APIError.invalid("redirect_uris", "expected an array of URLs") }
                    app.redirectURIs.append(uri)
                }
            case .some: throw APIError.invalid("redirect_uris", "expected an array of URLs")
            }
            switch f.take("public") {
            case nil, .null?: break
            case .bool(let flag)?: app.isPublic = flag
            case .some: throw APIError.invalid("public", "expected true or false")
            }
            app.installURL = try f.optionalString("install_url")
            try f.refuseLeftovers()
            let registration = try await c.writer.registerApp(app, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("register_app")
            return ReceiptAnswer(registration).response(.created)
        }

        // Catalogs and customer lists, which the grant's picker and Reconnecter offer.
        for (path, idField, isCatalog) in [("/v1/catalogs", "catalog_id", true), ("/v1/customer-lists", "customer_list_id", false)] {
            post(RouterPath(path)) { request, _ in
                try request.requireJSON()
                let bytes = try await request.bytes(limit: limit)
                var f = try JSONFields(bytes)
                let list = ListRegistered(
                    id: try f.id(idField), accountID: try f.id("account_id"), locationID: try f.optionalID("location_id"),
                    name: try f.string("name"))
                try f.refuseLeftovers()
                let key = try request.idempotencyKey(body: bytes)
                let receipt = isCatalog
                    ? try await c.writer.registerCatalog(list, key: key) : try await c.writer.registerCustomerList(list, key: key)
                c.metrics.command(isCatalog ? "register_catalog" : "register_customer_list")
                return ReceiptAnswer(receipt, created: true).response(.created)
            }
            get(RouterPath(path)) { request, _ in
                guard let account = request.uri.queryParameters.get("account_id") else {
                    throw APIError.invalid("account_id", "give the account whose \(isCatalog ? "catalogs" : "customer lists") to list")
                }
                let location = request.uri.queryParameters.get("location_id")
                let lists = c.writer.withState { s in
                    guard s.accounts[account] != nil else { return [ListRegistered]?.none }
                    if let location, s.locations[location] != account { return nil }
                    return isCatalog ? s.catalogs(account: account, location: location) : s.customerLists(account: account, location: location)
                }
                guard let lists else { throw APIError.notFound("no account \"\(account)\"" + (location.map { " with location \"\($0)\"" } ?? "")) }
                var w = JSONWriter()
                w.beginObject()
                w.beginArray(isCatalog ? "catalogs" : "customer_lists")
                for list in lists {
                    w.beginObject()
                    w.string(idField, list.id)
                    w.string("account_id", list.accountID)
                    w.string("location_id", ifPresent: list.locationID)
                    w.string("name", list.name)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
                return bytesResponse(.ok, w.bytes, contentType: "application/json")
            }
        }

        post("/v1/connections") { request, _ in
            try request.requireJSON()
            var f = try JSONFields(try await request.bytes(limit: limit))
            let app = try f.id("app_id")
            let account = try f.id("account_id")
            let location = try f.optionalID("location_id")
            let device = try f.optionalString("device_id")
            let catalog = try f.optionalID("catalog_id")
            let list = try f.optionalID("customer_list_id")
            try f.refuseLeftovers()
            let receipt = try await c.writer.connect(
                appID: app, accountID: account, locationID: location, deviceID: device, catalogID: catalog, customerListID: list)
            c.metrics.command("connect")
            let answer = ReceiptAnswer(receipt)
            return jsonResponse(receipt.created ? .created : .ok) { answer.write(&$0) }
        }

        post("/v1/connections/:id/reconnect") { request, context in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: limit)
            var f = try JSONFields(bytes.isEmpty ? Array("{}".utf8) : bytes)
            let catalog = try f.optionalID("catalog_id")
            let list = try f.optionalID("customer_list_id")
            try f.refuseLeftovers()
            let id = try context.id()
            let receipt = try await c.writer.reconnect(
                id, catalogID: catalog, customerListID: list, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("reconnect")
            return ReceiptAnswer(receipt, created: false, connectionID: id).response(.ok)
        }

        post("/v1/connections/:id/callbacks/resend") { request, context in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: limit)
            var f = try JSONFields(bytes.isEmpty ? Array("{}".utf8) : bytes)
            let actor = try f.optionalString("actor") ?? request.headers[HTTPField.Name("X-Actor")!] ?? "back-office"
            try f.refuseLeftovers()
            let id = try context.id()
            let receipt = try await c.writer.resendCallback(id, actor: actor, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("resend_callback")
            return ReceiptAnswer(receipt, created: true, connectionID: id).response(.accepted)
        }

        // The route strings are written out whole: the OpenAPI test reads them.
        post("/v1/connections/:id/block") { request, context in
            try await c.changeStatus("block", request, context)
        }
        post("/v1/connections/:id/unblock") { request, context in
            try await c.changeStatus("unblock", request, context)
        }
        post("/v1/connections/:id/disconnect") { request, context in
            try await c.changeStatus("disconnect", request, context)
        }
    }
}

extension RouteContext {
    /// block, unblock, disconnect: `{"actor"?, "reason"?}` (the actor may also come in an
    /// `X-Actor` header).
    func changeStatus(_ action: String, _ request: Request, _ context: some RequestContext) async throws -> Response {
        try request.requireJSON()
        let bytes = try await request.bytes(limit: maxBodyBytes)
        var f = try JSONFields(bytes.isEmpty ? Array("{}".utf8) : bytes)
        let actor = try f.optionalString("actor") ?? request.headers[HTTPField.Name("X-Actor")!] ?? "back-office"
        let reason = try f.optionalString("reason")
        try f.refuseLeftovers()
        let id = try context.id()
        let key = try request.idempotencyKey(body: bytes)
        let receipt: Receipt
        switch action {
        case "block": receipt = try await writer.block(id, actor: actor, reason: reason, key: key)
        case "unblock": receipt = try await writer.unblock(id, actor: actor, reason: reason, key: key)
        default: receipt = try await writer.disconnect(id, actor: actor, reason: reason, key: key)
        }
        metrics.command(action)
        return ReceiptAnswer(receipt, created: false, connectionID: id).response(.ok)
    }
}
