import AppGateway
import Events
import Foundation
import FrontDoor
import HTTPTypes
import Hub
import Hummingbird
import HummingbirdTesting
import Journal
import Logging
import Synchronization
import TestSupport
import Testing

/// The gateway in-process: its middleware over a real core, calls through Hummingbird's
/// testing client, forwarded over real HTTP to an upstream served on loopback by the same
/// test. No daemon.
@Suite struct GatewayInProcessTests {
    let directory = TemporaryDirectory("gateway")
    let journal: Journal
    let writer: Writer
    let logger = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }

    init() throws {
        journal = try Journal.create(at: directory.path + "/journal", logger: logger)
        writer = try Writer(journal: journal, tokens: try TokenIssuer(keyFile: directory.path + "/token.key"), logger: logger)
    }

    /// An account, a reading app connected to it; its token.
    func connect() async throws -> ConnectReceipt {
        _ = try await writer.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris")
        _ = try await writer.registerApp(AppRegistered(appID: "bi", name: "BI", level: .account, scope: "account[orders.read]"))
        return try await writer.connect(appID: "bi", accountID: "3r4s3", locationID: nil, deviceID: nil, catalogID: nil, customerListID: nil)
    }

    /// The request logs of the journal after `seq`: (status, URL).
    func logged(after seq: UInt64) throws -> [(UInt16, String)] {
        var found: [(UInt16, String)] = []
        try journal.scan(from: seq + 1) { _, bytes in
            if case .requestLogged(let r)? = try? BinaryEventCodec.decode(bytes).payload { found.append((r.status, r.url)) }
            return true
        }
        return found
    }

    /// The methods of the request logs of the journal after `seq`.
    func loggedMethods(after seq: UInt64) throws -> [HTTPMethod] {
        var found: [HTTPMethod] = []
        try journal.scan(from: seq + 1) { _, bytes in
            if case .requestLogged(let r)? = try? BinaryEventCodec.decode(bytes).payload { found.append(r.method) }
            return true
        }
        return found
    }

    /// The paths the upstream was called with.
    final class Seen: Sendable {
        let paths = Mutex<[String]>([])
    }

    /// Runs `body` with a gateway forwarding to an upstream that answers every call with
    /// the headers it was given (as JSON, names in lower case), and the upstream's record of the paths it saw.
    func withGateway(_ body: @Sendable (any TestClientProtocol, Seen) async throws -> Void) async throws {
        let seen = Seen()
        let upstream = Router()
        @Sendable func echo(_ request: Request, _ context: BasicRequestContext) -> Response {
            seen.paths.withLock { $0.append(request.uri.path) }
            var text = "{"
            for field in request.headers { text += "\"\(field.name.canonicalName.lowercased())\":\"\(field.value)\"," }
            text += "\"path\":\"\(request.uri.path)\"}"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        upstream.on("/**", method: .get, use: echo)
        upstream.on("/**", method: .post, use: echo)
        try await Application(router: upstream, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { up in
            let port = try #require(up.port)
            let gateway = try Gateway(
                configuration: .init(listener: Listener(host: "127.0.0.1", port: 0), upstream: URL(string: "http://127.0.0.1:\(port)")!),
                writer: writer, logger: logger)
            let router = Router(context: BasicRequestContext.self)
            router.middlewares.add(GatewayMiddleware(gateway: gateway))
            do {
                try await Application(router: router).test(.router) { client in try await body(client, seen) }
            } catch {
                await gateway.shutdown()
                throw error
            }
            await gateway.shutdown()
        }
    }

    @Test func anAllowedCallIsForwardedWithTheTrustedHeadersAndNotTheToken() async throws {
        let connection = try await connect()
        let head = try journal.head
        try await withGateway { client, seen in
            let answer = try await client.execute(
                uri: "/v1/accounts/3r4s3/orders", method: .get, headers: [HTTPField.Name("X-Access-Token")!: connection.accessToken])
            #expect(answer.status == .ok, "\(String(buffer: answer.body))")
            let echoed = try JSONParser.parse(String(buffer: answer.body))
            #expect(echoed["x-junction-connection"] == .string(connection.connectionID), "\(echoed)")
            #expect(echoed["x-junction-scope"] == .string("account[orders.read]"), "\(echoed)")
            #expect(echoed["x-access-token"] == nil, "the token reached the upstream: \(echoed)")
            #expect(answer.headers[HTTPField.Name("X-RateLimit-Remaining")!] != nil)
            #expect(seen.paths.withLock { $0 } == ["/v1/accounts/3r4s3/orders"])
        }
        let logs = try logged(after: head)
        #expect(logs.count == 1 && logs.first?.0 == 200 && logs.first?.1 == "/v1/accounts/3r4s3/orders", "\(logs)")
    }

    /// Refused calls never reach the upstream: no token or an unknown one (401, nothing to
    /// log it under), outside the scope (403, logged under the connection), another
    /// account's path (403), a blocked connection (401 from the moment the block is
    /// acknowledged).
    @Test func refusedCallsNeverReachTheUpstream() async throws {
        let connection = try await connect()
        let head = try journal.head
        let token: HTTPFields = [HTTPField.Name("X-Access-Token")!: connection.accessToken]
        try await withGateway { client, seen in
            let anonymous = try await client.execute(uri: "/v1/accounts/3r4s3/orders", method: .get)
            #expect(anonymous.status == .unauthorized, "\(String(buffer: anonymous.body))")
            let unknown = try await client.execute(
                uri: "/v1/accounts/3r4s3/orders", method: .get, headers: [HTTPField.Name("X-Access-Token")!: "nope"])
            #expect(unknown.status == .unauthorized)
            let writing = try await client.execute(uri: "/v1/accounts/3r4s3/orders", method: .post, headers: token, body: ByteBuffer(string: "{}"))
            #expect(writing.status == .forbidden, "\(String(buffer: writing.body))")
            let elsewhere = try await client.execute(uri: "/v1/accounts/other/orders", method: .get, headers: token)
            #expect(elsewhere.status == .forbidden, "\(String(buffer: elsewhere.body))")
            _ = try await writer.block(connection.connectionID, actor: "owner", reason: nil)
            let blocked = try await client.execute(uri: "/v1/accounts/3r4s3/orders", method: .get, headers: token)
            #expect(blocked.status == .unauthorized, "\(String(buffer: blocked.body))")
            for answer in [anonymous, unknown, writing, elsewhere, blocked] {
                let error = try JSONParser.parse(String(buffer: answer.body))
                #expect(error["error_type"]?.stringValue?.isEmpty == false && error["message"]?.stringValue?.isEmpty == false, "\(error)")
            }
            #expect(seen.paths.withLock { $0 }.isEmpty, "\(seen.paths.withLock { $0 })")
        }
        let statuses = try logged(after: head).map(\.0)
        #expect(statuses.contains(403), "the scope refusal was not logged under the connection: \(statuses)")
    }
}

/// The hub's API rules at the gateway: the heavy endpoints' own limit, the method
/// override, and calls from browser pages of other origins.
@Suite struct GatewayHubRulesTests {
    let base: GatewayInProcessTests

    init() throws {
        base = try GatewayInProcessTests()
    }

    /// Waits, if need be, for a round minute with room for a test's calls to finish in it.
    static func awayFromTheMinutesEnd() async throws {
        let second = Int(Timestamp.now.microseconds / 1_000_000 % 60)
        if second > 45 { try await Task.sleep(for: .seconds(61 - second)) }
    }

    @Test func theEleventhHeavyCallInAMinuteIs429WhileAnOrdinaryCallPasses() async throws {
        let connection = try await base.connect()
        let token: HTTPFields = [HTTPField.Name("X-Access-Token")!: connection.accessToken]
        try await Self.awayFromTheMinutesEnd()
        try await base.withGateway { client, _ in
            for n in 1...10 {
                let call = try await client.execute(uri: "/v1/accounts/3r4s3/orders?count=5", method: .get, headers: token)
                #expect(call.status == .ok, "heavy call \(n): \(call.status)")
                #expect(call.headers[HTTPField.Name("X-RateLimit-Limit")!] == "10")
            }
        }
        // A restart: a new gateway counts the minute's calls back from the journal.
        try await base.withGateway { client, _ in
            let eleventh = try await client.execute(uri: "/v1/accounts/3r4s3/orders", method: .get, headers: token)
            #expect(eleventh.status == .tooManyRequests, "\(String(buffer: eleventh.body))")
            #expect(eleventh.headers[.retryAfter].flatMap(Int.init).map { (1...60).contains($0) } == true, "\(eleventh.headers)")
            #expect(eleventh.headers[HTTPField.Name("X-RateLimit-Limit")!] == "10")
            let error = try JSONParser.parse(String(buffer: eleventh.body))
            #expect(error["error_type"] == .string("too_many_requests"))
            let ordinary = try await client.execute(uri: "/v1/accounts/3r4s3/orders/o1", method: .get, headers: token)
            #expect(ordinary.status == .ok, "\(String(buffer: ordinary.body))")
            #expect(ordinary.headers[HTTPField.Name("X-RateLimit-Limit")!] == "500")
        }
    }

    /// The override decides the scope and the logged method; the upstream receives the
    /// POST with its override, as the hub's API reads it.
    @Test func anOverrideToPutOnACatalogNeedsCatalogWrite() async throws {
        _ = try await base.writer.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris")
        _ = try await base.writer.registerApp(AppRegistered(appID: "menu", name: "Menu", level: .account, scope: "account[catalog.read]"))
        _ = try await base.writer.registerApp(AppRegistered(appID: "pos", name: "POS", level: .account, scope: "account[catalog.write]"))
        let reader = try await base.writer.connect(appID: "menu", accountID: "3r4s3", locationID: nil, deviceID: nil, catalogID: nil, customerListID: nil)
        let writer = try await base.writer.connect(appID: "pos", accountID: "3r4s3", locationID: nil, deviceID: nil, catalogID: nil, customerListID: nil)
        let head = try base.journal.head
        @Sendable func headers(_ token: String, _ override: String) -> HTTPFields {
            [HTTPField.Name("X-Access-Token")!: token, HTTPField.Name("X-Http-Method-Override")!: override]
        }
        try await base.withGateway { client, seen in
            let put = try await client.execute(uri: "/v1/catalogs/c1", method: .post, headers: headers(reader.accessToken, "PUT"))
            #expect(put.status == .forbidden, "\(String(buffer: put.body))")
            let get = try await client.execute(uri: "/v1/catalogs/c1", method: .post, headers: headers(reader.accessToken, "GET"))
            #expect(get.status == .ok, "a POST acted on as a GET needs only catalog.read: \(String(buffer: get.body))")
            let written = try await client.execute(uri: "/v1/catalogs/c1", method: .post, headers: headers(writer.accessToken, "PUT"))
            #expect(written.status == .ok, "\(String(buffer: written.body))")
            let echoed = try JSONParser.parse(String(buffer: written.body))
            #expect(echoed["x-http-method-override"] == .string("PUT"), "the upstream must see the override: \(echoed)")
            let onAGet = try await client.execute(uri: "/v1/catalogs/c1", method: .get, headers: headers(writer.accessToken, "DELETE"))
            #expect(onAGet.status == .badRequest, "\(String(buffer: onAGet.body))")
            #expect(seen.paths.withLock { $0 }.count == 2)
        }
        let methods = try base.loggedMethods(after: head)
        #expect(methods == [.put, .get, .put, .get], "\(methods)")
    }

    /// A page of another origin: its preflight is answered without a token and neither
    /// counted nor logged; the call that follows carries `Access-Control-Allow-Origin`.
    @Test func aPreflightIsAnsweredWithoutATokenAndTheCallFollows() async throws {
        let connection = try await base.connect()
        let head = try base.journal.head
        try await base.withGateway { client, seen in
            let preflight = try await client.execute(uri: "/v1/accounts/3r4s3/orders", method: .options, headers: [
                .origin: "http://page.example:8000",
                HTTPField.Name("Access-Control-Request-Method")!: "GET",
                HTTPField.Name("Access-Control-Request-Headers")!: "x-access-token, content-type",
            ])
            #expect(preflight.status == .noContent, "\(preflight.status) \(String(buffer: preflight.body))")
            #expect(preflight.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "*")
            #expect(preflight.headers[HTTPField.Name("Access-Control-Allow-Methods")!]?.contains("GET") == true)
            #expect(preflight.headers[HTTPField.Name("Access-Control-Allow-Headers")!] == "x-access-token, content-type")
            #expect(preflight.headers[HTTPField.Name("X-RateLimit-Limit")!] == nil, "a preflight is not counted")
            let call = try await client.execute(uri: "/v1/accounts/3r4s3/orders/o1", method: .get, headers: [
                .origin: "http://page.example:8000", HTTPField.Name("X-Access-Token")!: connection.accessToken,
            ])
            #expect(call.status == .ok)
            #expect(call.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "*")
            #expect(call.headers[HTTPField.Name("Access-Control-Expose-Headers")!]?.contains("X-RateLimit-Remaining") == true)
            #expect(call.headers[HTTPField.Name("X-RateLimit-Remaining")!] == "499", "the preflight was counted")
            #expect(seen.paths.withLock { $0 } == ["/v1/accounts/3r4s3/orders/o1"])
        }
        #expect(try base.logged(after: head).count == 1, "only the call is logged")
    }
}
