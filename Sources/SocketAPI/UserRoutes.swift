internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Hub
internal import FrontDoor

extension Router where Context == BasicRequestContext {
    /// Back-office users, for the operator on the socket (`junction user …`). Passwords
    /// come in the body and leave only as bcrypt hashes in the journal.
    func addUserRoutes(_ c: RouteContext) {
        let limit = c.maxBodyBytes

        post("/v1/users") { request, _ in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: limit)
            var f = try JSONFields(bytes)
            let email = try f.string("email")
            let account = try f.optionalString("account_id")
            let roleName = try f.optionalString("role") ?? (account == nil ? "operator" : "owner")
            guard let role = UserRole(name: roleName) else {
                throw APIError.invalid("role", "must be owner or operator, not \"\(roleName)\"")
            }
            let password = try f.string("password")
            let actor = try f.optionalString("actor") ?? "operator"
            let language = try f.optionalString("language")
            try f.refuseLeftovers()
            let receipt = try await c.writer.registerUser(
                email: email, accountID: account, role: role, password: password, actor: actor, language: language,
                key: try request.idempotencyKey(body: bytes))
            c.metrics.command("register_user")
            return ReceiptAnswer(receipt, created: true).response(.created)
        }

        post("/v1/users/password") { request, _ in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: limit)
            var f = try JSONFields(bytes)
            let email = try f.string("email")
            let password = try f.string("password")
            let actor = try f.optionalString("actor") ?? "operator"
            try f.refuseLeftovers()
            let receipt = try await c.writer.changePassword(
                email: email, password: password, actor: actor, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("change_password")
            return ReceiptAnswer(receipt, created: false).response(.ok)
        }

        post("/v1/users/remove") { request, _ in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: limit)
            var f = try JSONFields(bytes)
            let email = try f.string("email")
            let actor = try f.optionalString("actor") ?? "operator"
            try f.refuseLeftovers()
            let receipt = try await c.writer.removeUser(email: email, actor: actor, key: try request.idempotencyKey(body: bytes))
            c.metrics.command("remove_user")
            return ReceiptAnswer(receipt, created: false).response(.ok)
        }
    }
}
