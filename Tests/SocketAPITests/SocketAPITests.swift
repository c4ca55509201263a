import Events
import FrontDoor
import FrontDoorTestSupport
import HTTPTypes
import Hub
import Hummingbird
import HummingbirdTesting
import Journal
import Logging
import Projections
import Prometheus
import Replication
import SocketAPI
import Supervision
import TestSupport
import Testing

/// The socket API in-process: its router over a real core (a journal in a temporary data
/// directory, the writer, the queries over real projection stores), requests through
/// Hummingbird's testing client. No socket, no daemon, no child process: a projector is
/// stepped here when a test needs the projections to move.
@Suite struct SocketAPITests {
    static func json(_ text: String) -> (HTTPFields, ByteBuffer) {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return (headers, ByteBuffer(string: text))
    }

    static let account = #"{"account_id":"3r4s3","name":"Pizzeria Napoli","time_zone":"Europe/Paris"}"#

    @Test func aCommandIsAnsweredWithItsReceiptAndARetryIsReplayed() async throws {
        let core = try InProcessCore()
        var (keyed, payload) = Self.json(Self.account)
        keyed[HTTPField.Name("Idempotency-Key")!] = "k-1"
        let headers = keyed
        let body = payload
        try await core.app.test(.router) { client in
            let first = try await client.execute(uri: "/v1/accounts", method: .post, headers: headers, body: body)
            #expect(first.status == .created, "\(String(buffer: first.body))")
            let receipt = try JSONParser.parse(String(buffer: first.body))
            #expect(receipt["seq"]?.integerValue == 1 && receipt["created"] == .bool(true), "\(receipt)")
            let again = try await client.execute(uri: "/v1/accounts", method: .post, headers: headers, body: body)
            #expect(again.status == .created && again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true", "\(again.headers)")
            #expect(try JSONParser.parse(String(buffer: again.body))["seq"] == receipt["seq"])
        }
        #expect(try core.journal.head == 1, "a replayed retry appended")
    }

    /// Every refusal is the hub's JSON error with the status its cause calls for, and
    /// leaves the journal as it was.
    @Test func refusalsAreTheHubsJSONErrorAndWriteNothing() async throws {
        let core = try InProcessCore()
        try await core.app.test(.router) { client in
            let cases: [(String, String, HTTPResponse.Status, String)] = [
                ("/v1/accounts", #"{"account_id":"3r4s3""#, .badRequest, "bad_request"),
                ("/v1/accounts", #"{"account_id":"3r4s3","name":"N","time_zone":"Mars/Olympus"}"#, .unprocessableContent, "unprocessable_entity"),
                ("/v1/locations", #"{"location_id":"x-1","account_id":"nobody","name":"X","time_zone":"Europe/Paris"}"#, .unprocessableContent, "unprocessable_entity"),
                ("/v1/connections/zzzzz/block", #"{}"#, .notFound, "not_found"),
                ("/v1/logs", #"{"connection_id":"c1","method":"GET"}"#, .unprocessableContent, "unprocessable_entity"),
                ("/v1/logs", #"[1,2"#, .badRequest, "bad_request"),
            ]
            for (uri, text, status, type) in cases {
                let (headers, body) = Self.json(text)
                let answer = try await client.execute(uri: uri, method: .post, headers: headers, body: body)
                #expect(answer.status == status, "\(uri) \(text): \(answer.status) \(String(buffer: answer.body))")
                let error = try JSONParser.parse(String(buffer: answer.body))
                #expect(error["error_type"] == .string(type) && error["message"]?.stringValue?.isEmpty == false, "\(uri): \(error)")
            }
        }
        #expect(try core.journal.head == 0)
    }

    /// `?after=SEQ` holds the answer until the projection has applied the write: woken by
    /// the projector's commit, not by a timer; past the bound it is a 503 that says which.
    @Test func aReadAfterAWriteWaitsForTheProjection() async throws {
        let core = try InProcessCore()
        _ = try await core.writer.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris")
        _ = try await core.writer.registerApp(AppRegistered(appID: "bi", name: "BI", level: .account, scope: "account[orders.read]"))
        let connected = try await core.writer.connect(
            appID: "bi", accountID: "3r4s3", locationID: nil, deviceID: nil, catalogID: nil, customerListID: nil)
        let seq = connected.receipt.seq
        try await core.app.test(.router) { client in
            async let answer = client.execute(uri: "/v1/connections?account=3r4s3&after=\(seq)", method: .get)
            try await Task.sleep(for: .milliseconds(100))
            try core.project()
            let listed = try await answer
            #expect(listed.status == .ok, "\(String(buffer: listed.body))")
            #expect(String(buffer: listed.body).contains(connected.connectionID), "\(String(buffer: listed.body))")
        }
        let impatient = try InProcessCore(readYourWritesTimeout: .milliseconds(200))
        _ = try await impatient.writer.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris")
        try await impatient.app.test(.router) { client in
            let answer = try await client.execute(uri: "/v1/connections?after=1", method: .get)
            #expect(answer.status == .serviceUnavailable)
            #expect(String(buffer: answer.body).contains("connections projection has not reached event 1"), "\(String(buffer: answer.body))")
        }
    }

    /// A follower's API refuses writes with 503 naming the writer (the replication role it
    /// was given says so) and still answers reads.
    @Test func writesRefusedByTheReplicationRoleAre503NamingTheWriter() async throws {
        let core = try InProcessCore()
        core.role.refuseWrites("this is a follower of stream J: it takes no writes; send them to the writer, w1")
        try await core.app.test(.router) { client in
            let (headers, body) = Self.json(Self.account)
            let answer = try await client.execute(uri: "/v1/accounts", method: .post, headers: headers, body: body)
            #expect(answer.status == .serviceUnavailable)
            #expect(String(buffer: answer.body).contains("send them to the writer, w1"), "\(String(buffer: answer.body))")
            let status = try await client.execute(uri: "/v1/status", method: .get)
            #expect(status.status == .ok)
        }
        #expect(try core.journal.head == 0)
    }

    /// `"public": true` registers an OAuth client without a secret; without a redirect URI
    /// it is refused, naming the field.
    @Test func aPublicClientIsRegisteredWithoutASecret() async throws {
        let core = try InProcessCore()
        try await core.app.test(.router) { client in
            let (headers, body) = Self.json(#"{"app_id":"spa","name":"Menu App","level":"location","scope":"location[orders.write]","redirect_uris":["https://menu.example/oauth"],"public":true}"#)
            let answer = try await client.execute(uri: "/v1/apps", method: .post, headers: headers, body: body)
            #expect(answer.status == .created, "\(String(buffer: answer.body))")
            let receipt = try JSONParser.parse(String(buffer: answer.body))
            #expect(receipt["client_id"] == .string("spa") && receipt["client_secret"] == nil, "\(receipt)")
            let (h2, b2) = Self.json(#"{"app_id":"spa2","name":"Menu App","level":"location","scope":"location[orders.write]","public":true}"#)
            let refused = try await client.execute(uri: "/v1/apps", method: .post, headers: h2, body: b2)
            #expect(refused.status == .unprocessableContent, "\(String(buffer: refused.body))")
            #expect(String(buffer: refused.body).contains("\"field\":\"public\""), "\(String(buffer: refused.body))")
        }
        #expect(try core.journal.head == 1)
    }

    /// Catalogs and customer lists are registered and listed by place; a bad one is refused
    /// with its reason and writes nothing.
    @Test func catalogsAndCustomerListsAreRegisteredAndListedByPlace() async throws {
        let core = try InProcessCore()
        _ = try await core.writer.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris")
        _ = try await core.writer.registerLocation(id: "3r4s3-1", accountID: "3r4s3", name: "Bastille", timeZone: "Europe/Paris")
        _ = try await core.writer.registerLocation(id: "3r4s3-2", accountID: "3r4s3", name: "Marais", timeZone: "Europe/Paris")
        try await core.app.test(.router) { client in
            for line in [#"{"catalog_id":"cat-a","account_id":"3r4s3","name":"Carte"}"#,
                         #"{"catalog_id":"cat-2","account_id":"3r4s3","location_id":"3r4s3-2","name":"Carte Marais"}"#] {
                let (headers, body) = Self.json(line)
                let answer = try await client.execute(uri: "/v1/catalogs", method: .post, headers: headers, body: body)
                #expect(answer.status == .created, "\(String(buffer: answer.body))")
            }
            let (lh, lb) = Self.json(#"{"customer_list_id":"cl-1","account_id":"3r4s3","location_id":"3r4s3-1","name":"Clients"}"#)
            #expect(try await client.execute(uri: "/v1/customer-lists", method: .post, headers: lh, body: lb).status == .created)
            let head = try core.journal.head
            for (line, status) in [
                (#"{"catalog_id":"cat-a","account_id":"3r4s3","name":"Again"}"#, HTTPResponse.Status.conflict),
                (#"{"catalog_id":"cat-x","account_id":"nope","name":"X"}"#, .notFound),
                (#"{"catalog_id":"cat-x","account_id":"3r4s3","name":""}"#, .unprocessableContent),
                (#"{"catalog_id":"cat x","account_id":"3r4s3","name":"X"}"#, .unprocessableContent),
                (#"{"catalog_id":"cat-x","account_id":"3r4s3","name":"X","extra":1}"#, .unprocessableContent),
            ] {
                let (headers, body) = Self.json(line)
                let answer = try await client.execute(uri: "/v1/catalogs", method: .post, headers: headers, body: body)
                #expect(answer.status == status, "\(line): \(String(buffer: answer.body))")
                #expect(String(buffer: answer.body).contains("\"error_type\""))
            }
            #expect(try core.journal.head == head, "refusals write nothing")
            let atBastille = try await client.execute(uri: "/v1/catalogs?account_id=3r4s3&location_id=3r4s3-1", method: .get)
            let listed = try JSONParser.parse(String(buffer: atBastille.body))
            #expect(listed["catalogs"]?.arrayValue?.compactMap { $0["catalog_id"]?.stringValue } == ["cat-a"], "\(listed)")
            let atMarais = try JSONParser.parse(String(buffer: try await client.execute(
                uri: "/v1/catalogs?account_id=3r4s3&location_id=3r4s3-2", method: .get).body))
            #expect(atMarais["catalogs"]?.arrayValue?.compactMap { $0["catalog_id"]?.stringValue } == ["cat-a", "cat-2"], "\(atMarais)")
            let lists = try JSONParser.parse(String(buffer: try await client.execute(
                uri: "/v1/customer-lists?account_id=3r4s3&location_id=3r4s3-1", method: .get).body))
            #expect(lists["customer_lists"]?.arrayValue?.first?["name"] == .string("Clients"), "\(lists)")
            #expect(try await client.execute(uri: "/v1/catalogs?account_id=nope", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/catalogs", method: .get).status == .unprocessableContent)
        }
    }
}
