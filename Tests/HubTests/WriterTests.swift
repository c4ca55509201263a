import Domain
import Events
import Hub
import Journal
import Logging
import Synchronization
import TestSupport
import Testing

/// The core in-process, on a real journal in a temporary directory: its refusals are typed
/// (the domain's rule, a reused key, writes not taken, a refused token), nothing refused is
/// written, and replication is the gate it was made with. No HTTP, no daemon.
@Suite struct WriterTests {
    /// A gate that refuses writes while `refusal` is set and records every sequence number
    /// the writer waits on: the replication module's part, played by the test.
    final class RecordingGate: ReplicationGate {
        let refusal = Mutex<String?>(nil)
        let waitedThrough = Mutex<[UInt64]>([])
        var writeRefusal: String? { refusal.withLock { $0 } }
        func replicated(through seq: UInt64) async throws { waitedThrough.withLock { $0.append(seq) } }
    }

    let directory = TemporaryDirectory("hub")
    let gate = RecordingGate()
    let journal: Journal
    let writer: Writer

    init() throws {
        let logger = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }
        journal = try Journal.create(at: directory.path + "/journal", logger: logger)
        writer = try Writer(
            journal: journal, tokens: try TokenIssuer(keyFile: directory.path + "/token.key"), replication: gate, logger: logger)
        _ = try journal.head
    }

    func seed() async throws {
        _ = try await writer.registerAccount(id: "3r4s3", name: "Pizzeria Napoli", timeZone: "Europe/Paris")
        _ = try await writer.registerLocation(id: "3r4s3-1", accountID: "3r4s3", name: "Napoli Bastille", timeZone: "Europe/Paris")
        _ = try await writer.registerApp(AppRegistered(appID: "pos", name: "POS", level: .location, scope: "location[orders.write]"))
    }

    /// The error a call throws, as the core types it (nil: none, or not a HubError).
    func hubError(_ body: () async throws -> Void) async -> HubError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? HubError
        }
    }

    @Test func aRuleRefusalCarriesTheDomainsErrorAndWritesNothing() async throws {
        try await seed()
        let head = try journal.head
        let error = await hubError { _ = try await writer.block("zzzzz", actor: "test", reason: nil) }
        #expect(error?.code == .refused)
        #expect(error?.refusal?.category == .notFound, "\(String(describing: error))")
        let field = await hubError { _ = try await writer.registerLocation(id: "x-1", accountID: "nobody", name: "X", timeZone: "Europe/Paris") }
        #expect(field?.code == .refused && field?.refusal?.category == .invalid && field?.refusal?.fields.isEmpty == false,
                "\(String(describing: field))")
        let twice = await hubError { _ = try await writer.registerAccount(id: "3r4s3", name: "Again", timeZone: "Europe/Paris") }
        #expect(twice?.code == .refused && twice?.refusal?.category == .conflict, "\(String(describing: twice))")
        let password = await hubError { _ = try await writer.registerUser(email: "a@b.c", accountID: "3r4s3", role: .owner, password: "short", actor: "t") }
        #expect(password?.refusal?.fields.first?.field == "password", "\(String(describing: password))")
        #expect(try journal.head == head, "a refused command wrote")
    }

    @Test func writesWaitOnTheGateAndStopWhileItRefuses() async throws {
        try await seed()
        let appended = try await writer.registerLocation(id: "3r4s3-2", accountID: "3r4s3", name: "Nation", timeZone: "Europe/Paris")
        #expect(gate.waitedThrough.withLock { $0.last } == appended.seq, "the answer came before the gate was asked")
        gate.refusal.withLock { $0 = "this is a follower: send writes to the writer" }
        let head = try journal.head
        let refused = await hubError { _ = try await writer.registerLocation(id: "3r4s3-3", accountID: "3r4s3", name: "Opéra", timeZone: "Europe/Paris") }
        #expect(refused?.code == .unavailable && refused?.message == "this is a follower: send writes to the writer")
        #expect(try journal.head == head)
        gate.refusal.withLock { $0 = nil }
        #expect(try await writer.registerLocation(id: "3r4s3-3", accountID: "3r4s3", name: "Opéra", timeZone: "Europe/Paris").seq == head + 1)
    }

    @Test func aRetryIsReplayedAndAKeyReusedForAnotherRequestIsTyped() async throws {
        try await seed()
        let key = IdempotencyKey("k-1", fingerprint: Array("one".utf8))
        let first = try await writer.registerAccount(id: "9x8y7", name: "Sushi Go", timeZone: "Europe/Paris", key: key)
        let again = try await writer.registerAccount(id: "9x8y7", name: "Sushi Go", timeZone: "Europe/Paris", key: key)
        #expect(!first.replayed && again.replayed && again.seq == first.seq)
        let other = await hubError {
            _ = try await writer.registerAccount(id: "5t6u7", name: "Other", timeZone: "Europe/Paris", key: IdempotencyKey("k-1", fingerprint: Array("two".utf8)))
        }
        #expect(other?.code == .idempotencyKeyReused, "\(String(describing: other))")
        // A retried registration is given the same derived secrets.
        let app = AppRegistered(appID: "crm", name: "CRM", level: .either, scope: "account[customer_list.read]", redirectURIs: ["https://crm.example/cb"])
        let appKey = IdempotencyKey("k-2", fingerprint: Array("crm".utf8))
        let registered = try await writer.registerApp(app, key: appKey)
        let retried = try await writer.registerApp(app, key: appKey)
        #expect(retried.receipt.replayed && retried.clientSecret == registered.clientSecret && registered.clientSecret != nil)
    }

    @Test func aConnectFindsItsConnectionWithoutAppendingAndTokensAreChecked() async throws {
        try await seed()
        let made = try await writer.connect(appID: "pos", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: nil, catalogID: nil, customerListID: nil)
        #expect(made.created && made.scope == "location[orders.write]")
        let head = try journal.head
        let found = try await writer.connect(appID: "pos", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: nil, catalogID: nil, customerListID: nil)
        #expect(!found.created && found.connectionID == made.connectionID && found.accessToken == made.accessToken)
        #expect(try found.receipt.seq == head && journal.head == head, "finding a connection appended")
        #expect(try writer.checkToken(made.accessToken).connectionID == made.connectionID)
        _ = try await writer.block(made.connectionID, actor: "test", reason: nil)
        let blocked = await hubError { _ = try writer.checkToken(made.accessToken) }
        #expect(blocked?.code == .tokenRefused && blocked?.message == "The connection has been blocked")
        let unknown = await hubError { _ = try writer.checkToken(String(repeating: "a", count: 43)) }
        #expect(unknown?.code == .tokenRefused)
    }

    /// An authorization code is journaled as a digest with its grant: issued before a
    /// restart, it is exchanged after it, once; another client's attempt neither takes nor
    /// burns it; a wrong verifier burns it.
    @Test func anAuthorizationCodeSurvivesARestartAndIsGoodOnce() async throws {
        try await seed()
        _ = try await writer.registerApp(AppRegistered(
            appID: "deliveroo", name: "Deliveroo", level: .location, scope: "location[orders.write]",
            redirectURIs: ["https://deliveroo.example/oauth"]))
        let code = try await writer.issueAuthorizationCode(
            appID: "deliveroo", redirectURI: "https://deliveroo.example/oauth", accountID: "3r4s3", locationID: "3r4s3-1",
            deviceID: nil, codeChallenge: nil, approvedBy: "owner@example.com")
        let pkce = try await writer.issueAuthorizationCode(
            appID: "deliveroo", redirectURI: "https://deliveroo.example/oauth", accountID: "3r4s3", locationID: "3r4s3-1",
            deviceID: nil, codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", approvedBy: "owner@example.com")
        journal.close()
        // The restart: a new writer, its state replayed from the journal.
        let logger = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }
        let reopened = try Journal.open(at: directory.path + "/journal", readOnly: false, logger: logger)
        defer { reopened.close() }
        let restarted = try Writer(journal: reopened, tokens: try TokenIssuer(keyFile: directory.path + "/token.key"), logger: logger)
        let other = try await restarted.redeemAuthorizationCode(code, appID: "pos", redirectURI: "https://deliveroo.example/oauth", verifierChallenge: nil)
        #expect(other == .failure(.otherClient))
        let misdirected = try await restarted.redeemAuthorizationCode(code, appID: "deliveroo", redirectURI: "https://x.example/", verifierChallenge: nil)
        #expect(misdirected == .failure(.otherRedirectURI))
        let head = try reopened.head
        let granted = try await restarted.redeemAuthorizationCode(code, appID: "deliveroo", redirectURI: "https://deliveroo.example/oauth", verifierChallenge: nil)
        #expect((try? granted.get())?.locationID == "3r4s3-1", "\(granted)")
        #expect(try reopened.head == head + 1, "the exchange is journaled")
        let again = try await restarted.redeemAuthorizationCode(code, appID: "deliveroo", redirectURI: "https://deliveroo.example/oauth", verifierChallenge: nil)
        #expect(again == .failure(.unknown))
        let wrong = try await restarted.redeemAuthorizationCode(pkce, appID: "deliveroo", redirectURI: "https://deliveroo.example/oauth", verifierChallenge: "nope")
        #expect(wrong == .failure(.verifier))
        let burnt = try await restarted.redeemAuthorizationCode(
            pkce, appID: "deliveroo", redirectURI: "https://deliveroo.example/oauth", verifierChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(burnt == .failure(.unknown), "a wrong verifier burns the code")
        var journaled: [UInt8] = []
        try reopened.scan { _, bytes in
            journaled += bytes
            return true
        }
        #expect(!String(decoding: journaled, as: UTF8.self).contains(code), "the code itself is journaled nowhere")
    }
}
