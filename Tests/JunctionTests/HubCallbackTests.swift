import AsyncHTTPClient
import Crypto
import Events
import Foundation
import NIOCore
import TestSupport
import NATS
import Testing

/// The hub's callbacks end to end, with real processes: an app sets its callback through
/// the gateway, the hub publishes on the socket, the notifier delivers to a real HTTP server
/// on loopback, every attempt is journaled.
@Suite(.serialized)
struct HubCallbackTests {
    /// Retries 50 ms apart, doubling; six tries, as the hub.
    static let options = ["--allow-private-callbacks", "--callback-retry-base-ms", "50", "--callback-max-attempts", "6",
                          "--callback-timeout-ms", "2000"]

    struct World {
        let d: RunningDaemon
        let gateway: String
        /// Connections by name: `pos` (orders, 3r4s3-1), `nation` (orders, 3r4s3-2), `crm` (customer lists only, 3r4s3-1).
        var connections: [String: (id: String, token: String)] = [:]
        var posSecret = ""
    }

    static func world(_ extra: [String] = []) async throws -> World {
        let port = freeLoopbackPort()
        let d = try RunningDaemon(["--gateway", "127.0.0.1:\(port)", "--upstream", "http://127.0.0.1:9"] + options + extra)
        var w = World(d: d, gateway: "http://127.0.0.1:\(port)")
        for (path, body) in [
            ("/v1/accounts", #"{"account_id":"3r4s3","name":"Pizzeria Napoli","time_zone":"Europe/Paris"}"#),
            ("/v1/locations", #"{"location_id":"3r4s3-1","account_id":"3r4s3","name":"Bastille","time_zone":"Europe/Paris"}"#),
            ("/v1/locations", #"{"location_id":"3r4s3-2","account_id":"3r4s3","name":"Nation","time_zone":"Europe/Paris"}"#),
            ("/v1/apps", #"{"app_id":"crm","name":"CRM","level":"location","scope":"location[customer_list.read]"}"#),
        ] {
            let reply = try await d.post(path, body)
            #expect(reply.status == 201, "\(path): \(reply.text)")
        }
        let app = try await d.post("/v1/apps", #"{"app_id":"pos","name":"Caisse","level":"location","scope":"location[orders.write]","redirect_uris":["https://pos.example/oauth"]}"#)
        w.posSecret = try #require(app.json["client_secret"]?.stringValue, "\(app.text)")
        for (name, app, location) in [("pos", "pos", "3r4s3-1"), ("nation", "pos", "3r4s3-2"), ("crm", "crm", "3r4s3-1")] {
            let c = try await d.post("/v1/connections", #"{"app_id":"\#(app)","account_id":"3r4s3","location_id":"\#(location)"}"#)
            w.connections[name] = (try #require(c.json["connection_id"]?.stringValue, "\(c.text)"), try #require(c.json["access_token"]?.stringValue))
        }
        return w
    }

    static func call(_ w: World, _ name: String, _ method: String, _ path: String, body: String? = nil) async throws -> GatewayTests.Answer {
        try await GatewayTests.call(w.gateway + path, method: method, token: w.connections[name]!.token, body: body)
    }

    static func publish(_ w: World, _ lines: [String]) async throws -> [String] {
        let reply = try await w.d.ndjson("/v1/hub-events", lines)
        #expect(reply.status == 201, "\(reply.text)")
        return (reply.json["ids"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    static func order(_ n: Int, location: String = "3r4s3-1", causedBy: String? = nil) -> String {
        let cause = causedBy.map { #","caused_by":"\#($0)""# } ?? ""
        return #"{"resource_type":"order","event_type":"create","location_id":"\#(location)","order_id":"o\#(n)","created_at":"2026-12-01T10:00:0\#(n % 10)Z","new_state":{"status":"new","total":"\#(n).50 EUR"}\#(cause)}"#
    }

    @Test func anOrderReachesTheAppSignedAfterTwoFailuresAndOthersGetNothing() async throws {
        let receiver = try CallbackReceiver(statuses: [500, 500, 200])
        let elsewhere = try CallbackReceiver(statuses: [200])
        defer { receiver.stop(); elsewhere.stop() }
        let w = try await Self.world()
        let set = try await Self.call(w, "pos", "POST", "/v1/callback",
                                      body: #"{"url":"http://127.0.0.1:\#(receiver.port)/hub","events":{"order":["create","update"]}}"#)
        #expect(set.status == 200, "\(set.text)")
        #expect(set.json["events"]?["order"]?.arrayValue?.compactMap(\.stringValue) == ["create", "update"], "\(set.text)")
        let bad = try await Self.call(w, "pos", "POST", "/v1/callback", body: #"{"url":null,"events":{"order":["delete"]}}"#)
        #expect(bad.status == 422 && bad.text.contains("order.delete"), "\(bad.text)")
        for name in ["nation", "crm"] {
            let other = try await Self.call(w, name, "POST", "/v1/callback",
                                            body: #"{"url":"http://127.0.0.1:\#(elsewhere.port)/hub","events":{"order":["create","update"]}}"#)
            #expect(other.status == 200, "\(other.text)")
        }
        let got = try await Self.call(w, "pos", "GET", "/v1/callback")
        #expect(got.json["url"]?.stringValue == "http://127.0.0.1:\(receiver.port)/hub")

        let ids = try await Self.publish(w, [Self.order(1), Self.order(2, causedBy: w.connections["pos"]!.id)])
        #expect(ids.count == 2)
        #expect(eventually(within: 20) { receiver.requests.count >= 3 }, "\(receiver.requests.count) requests")
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.requests.count == 3, "the caused event is not sent to the app that caused it")
        for request in receiver.requests {
            let expected = HexText.encode(Array(HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Data(w.posSecret.utf8)))))
            #expect(request.headers["x-hubrise-hmac-sha256"] == expected, "a valid signature")
            let body = try JSONParser.parse(request.body)
            #expect(body["id"]?.stringValue == ids[0] && body["order_id"]?.stringValue == "o1", "\(body)")
            #expect(body["created_at"]?.stringValue == "2026-12-01T11:00:01.000000+01:00", "in the location's zone: \(body)")
            #expect(body["new_state"]?["status"]?.stringValue == "new")
        }
        #expect(elsewhere.requests.isEmpty, "another location and a connection without the scope receive nothing")

        let callback = try await w.d.get("/v1/connections/\(w.connections["pos"]!.id)/callback?after=head")
        let deliveries = callback.json["deliveries"]?.arrayValue ?? []
        #expect(deliveries.map { $0["status"]?.integerValue } == [500, 500, 200], "\(callback.text)")
        #expect(callback.json["waiting_count"]?.integerValue == 0, "\(callback.text)")
        let failed = try await w.d.get("/v1/connections/\(w.connections["pos"]!.id)/callback?after=head&failed=1")
        #expect(failed.json["deliveries"]?.arrayValue?.count == 2)
        #expect(w.d.stop() == 0)
    }

    @Test func aReceiverThatNeverAcknowledgesGetsSixAttemptsOnTheScheduleThenTheEventIsDropped() async throws {
        let receiver = try CallbackReceiver(statuses: [503])
        defer { receiver.stop() }
        let w = try await Self.world()
        #expect(try await Self.call(w, "pos", "POST", "/v1/callback",
                                    body: #"{"url":"http://127.0.0.1:\#(receiver.port)/","events":{"order":["create"]}}"#).status == 200)
        _ = try await Self.publish(w, [Self.order(1)])
        #expect(eventually(within: 30) { receiver.requests.count >= 6 })
        try await Task.sleep(for: .seconds(2))
        #expect(receiver.requests.count == 6, "exactly six attempts: \(receiver.requests.count)")
        let callback = try await w.d.get("/v1/connections/\(w.connections["pos"]!.id)/callback?after=head")
        let deliveries = callback.json["deliveries"]?.arrayValue ?? []
        #expect(deliveries.count == 6 && callback.json["waiting_count"]?.integerValue == 0, "\(callback.text)")
        #expect(deliveries.last?["next_attempt_at"] == nil)
        // 50 ms doubling: each wait at least the schedule's.
        let times = deliveries.compactMap { $0["time"]?.stringValue.flatMap(Timestamp.init(rfc3339:)) }
        for i in 1..<times.count {
            let gap = times[i].microseconds - times[i - 1].microseconds
            #expect(gap >= 50_000 << (i - 1), "attempt \(i + 1) came \(gap) µs after the one before")
        }
        let journal = try await w.d.get("/v1/connections/\(w.connections["pos"]!.id)/callback?after=head")
        #expect(journal.status == 200)
        #expect(w.d.stop() == 0)
        let tail = try run(Executables.junction, ["tail", "--data", w.d.data])
        #expect(tail.output.contains("\"event\":\"callbackEventDropped\""), "the drop is journaled")
    }

    @Test func passiveCallbacksListGetAndAcknowledgeByPage() async throws {
        let w = try await Self.world()
        #expect(try await Self.call(w, "pos", "POST", "/v1/callback", body: #"{"url":null,"events":{"order":["create"]}}"#).status == 200)
        let ids = try await Self.publish(w, [Self.order(1), Self.order(2), Self.order(3)])
        let first = try await Self.call(w, "pos", "GET", "/v1/callback/events?count=2")
        #expect(first.status == 200, "\(first.text)")
        #expect(first.json.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.prefix(2)), "\(first.text)")
        #expect(first.json.arrayValue?.first?["new_state"] == nil, "a list leaves the states out")
        let cursor = try #require(first.headers.first(name: "X-Cursor-Next"))
        let second = try await Self.call(w, "pos", "GET", "/v1/callback/events?count=2&cursor=\(cursor)")
        #expect(second.json.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2]], "\(second.text)")
        #expect(second.headers.first(name: "X-Cursor-Next") == nil)
        let one = try await Self.call(w, "pos", "GET", "/v1/callback/events/\(ids[1])")
        #expect(one.json["new_state"]?["total"]?.stringValue == "2.50 EUR", "\(one.text)")
        #expect(try await Self.call(w, "pos", "DELETE", "/v1/callback/events/\(ids[1])").status == 200)
        let after = try await Self.call(w, "pos", "GET", "/v1/callback/events")
        #expect(after.json.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[0], ids[2]], "\(after.text)")
        #expect(try await Self.call(w, "pos", "DELETE", "/v1/callback/events/\(ids[1])").status == 404, "acknowledged once")
        #expect(try await Self.call(w, "nation", "GET", "/v1/callback/events/\(ids[0])").status == 404, "another connection's event")
        // Whatever the case of its name, the callback is Junction's, never forwarded upstream.
        let shouted = try await Self.call(w, "pos", "GET", "/v1/CALLBACK/Events")
        #expect(shouted.status == 200 && shouted.json.arrayValue?.count == 2, "\(shouted.text)")
        // The calls are logged like every call.
        let logs = try await w.d.get("/v1/connections/\(w.connections["pos"]!.id)/logs?after=head")
        #expect((logs.json["entries"]?.arrayValue ?? []).contains { $0["resource"]?.stringValue == "callback" }, "\(logs.text)")
        #expect(try await Self.call(w, "pos", "DELETE", "/v1/callback").status == 200)
        #expect(try await Self.call(w, "pos", "GET", "/v1/callback/events").status == 404)
        #expect(w.d.stop() == 0)
    }

    @Test func aBlockHoldsDeliveriesAnUnblockResumesThemADisconnectDropsThem() async throws {
        let receiver = try CallbackReceiver(statuses: [200])
        defer { receiver.stop() }
        let w = try await Self.world()
        let id = w.connections["pos"]!.id
        #expect(try await Self.call(w, "pos", "POST", "/v1/callback",
                                    body: #"{"url":"http://127.0.0.1:\#(receiver.port)/","events":{"order":["create"]}}"#).status == 200)
        #expect(try await w.d.post("/v1/connections/\(id)/block", #"{"reason":"maintenance"}"#).status == 200)
        _ = try await Self.publish(w, [Self.order(1)])
        try await Task.sleep(for: .seconds(1))
        #expect(receiver.requests.isEmpty, "a blocked connection's events wait")
        #expect(try await w.d.get("/v1/connections/\(id)/callback?after=head").json["waiting_count"]?.integerValue == 1)
        #expect(try await w.d.post("/v1/connections/\(id)/unblock", #"{}"#).status == 200)
        #expect(eventually(within: 10) { receiver.requests.count == 1 }, "an unblock resumes them")
        #expect(try await w.d.post("/v1/connections/\(id)/block", #"{}"#).status == 200)
        _ = try await Self.publish(w, [Self.order(2)])
        #expect(try await w.d.post("/v1/connections/\(id)/disconnect", #"{}"#).status == 200)
        try await Task.sleep(for: .seconds(1))
        let callback = try await w.d.get("/v1/connections/\(id)/callback?after=head")
        #expect(callback.json["waiting_count"]?.integerValue == 0 && callback.json["callback"] == .null, "\(callback.text)")
        #expect(receiver.requests.count == 1, "a disconnect drops them")
        #expect(w.d.stop() == 0)
    }
}

/// A SIGKILL of the daemon and its notifier in the middle of deliveries.
@Suite struct HubCallbackCrashTests {
    /// After the restart, every event reaches the receiver acknowledged; none acknowledged
    /// in the journal is sent again; an event sent more often than the journal records was
    /// the one in flight at the kill (its answer came, its record did not).
    @Test func aKilledDaemonLosesNoEventAndResendsOnlyWhatItHadNotRecorded() async throws {
        let receiver = try CallbackReceiver(statuses: [200])
        defer { receiver.stop() }
        let w = try await HubCallbackTests.world()
        let id = w.connections["pos"]!.id
        #expect(try await HubCallbackTests.call(w, "pos", "POST", "/v1/callback",
                                                body: #"{"url":"http://127.0.0.1:\#(receiver.port)/","events":{"order":["create"]}}"#).status == 200)
        let count = 300
        var ids: [String] = []
        for batch in 0..<3 {
            ids += try await HubCallbackTests.publish(w, (0..<(count / 3)).map { HubCallbackTests.order(batch * 1000 + $0) })
        }
        #expect(eventually(within: 30) { receiver.requests.count >= 40 })
        let status = try await w.d.get("/v1/status")
        if let pid = status.json["notifier"]?["pid"]?.integerValue { kill(pid_t(pid), SIGKILL) }
        kill(w.d.process.processIdentifier, SIGKILL)
        w.d.process.waitUntilExit()
        let sentBeforeRestart = receiver.requests.count
        #expect(sentBeforeRestart < count, "the kill came after every delivery: nothing was tested")
        try w.d.restart(["--gateway", w.gateway.replacingOccurrences(of: "http://", with: ""), "--upstream", "http://127.0.0.1:9"]
                        + HubCallbackTests.options)
        #expect(eventually(within: 60) { receiver.requests.count >= count })
        var waiting: Int64 = -1
        for _ in 0..<100 {
            waiting = try await w.d.get("/v1/connections/\(id)/callback?after=head").json["waiting_count"]?.integerValue ?? -1
            if waiting == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(waiting == 0)
        let deliveries = try await w.d.get("/v1/connections/\(id)/callback?after=head").json["deliveries"]?.arrayValue ?? []
        var journaled: [String: Int] = [:]
        var acknowledged: [String: Int] = [:]
        for d in deliveries {
            let event = d["event_id"]?.stringValue ?? ""
            journaled[event, default: 0] += 1
            if let status = d["status"]?.integerValue, (200..<500).contains(status) { acknowledged[event, default: 0] += 1 }
        }
        var received: [String: Int] = [:]
        for r in receiver.requests { received[(try? JSONParser.parse(r.body))?["id"]?.stringValue ?? "", default: 0] += 1 }
        var unrecorded = 0
        for event in ids {
            #expect(acknowledged[event] == 1, "\(event): acknowledged \(acknowledged[event] ?? 0) times in the journal")
            let extra = (received[event] ?? 0) - (journaled[event] ?? 0)
            #expect(extra == 0 || extra == 1, "\(event): received \(received[event] ?? 0), journaled \(journaled[event] ?? 0)")
            unrecorded += max(extra, 0)
        }
        // One connection delivers one event at a time: at most the one in flight went unrecorded.
        #expect(unrecorded <= 1, "\(unrecorded) deliveries were not journaled")
        print("hub callback crash: \(sentBeforeRestart) of \(count) sent before the kill, \(unrecorded) sent again unrecorded")
        #expect(w.d.stop() == 0)
    }
}

/// The hub publishes where the journal is: on NATS, answered by the writer of the moment.
@Suite struct HubEventsOnNATSTests {
    static func request(_ urls: String, _ lines: [String], key: String? = nil) async throws -> JSONValue {
        let body = Array((lines.joined(separator: "\n") + "\n").utf8)
        return try await BlockingCall.run(named: "test-nats") {
            let connection = try NATSConnection(servers: urls.split(separator: ",").map(String.init), name: "test hub")
            var headers: [String: String] = [:]
            if let key { headers["Idempotency-Key"] = key }
            for _ in 0..<100 {
                // No responder yet (the service subscribes once the daemon runs): ask again.
                if let answer = try? connection.request("junction.hub-events", body, headers: headers, timeout: .seconds(5)) {
                    return try JSONParser.parse(answer.data)
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
            throw DaemonFailed(log: "no answer on junction.hub-events")
        }
    }

    static func waitingIDs(_ d: RunningDaemon, _ id: String) async throws -> [String] {
        let reply = try await d.get("/v1/connections/\(id)/callback?after=head")
        return (reply.json["waiting"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }

    @Test func theWriterTakesTheHubsEventsAndAPromotedFollowerAfterIt() async throws {
        let cluster = try await NATSCluster()
        // The first attempt fails; the retry is due 2 s later, after the writer is gone.
        let receiver = try CallbackReceiver(statuses: [503, 200])
        defer { receiver.stop() }
        let delivery = ["--allow-private-callbacks", "--callback-retry-base-ms", "2000", "--callback-max-attempts", "6"]
        let writer = try RunningDaemon(["--replicate", cluster.urls, "--compact-every-hours", "0"] + delivery)
        try await registerSeed(writer)
        let c = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let p = try await writer.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1","device_id":"active"}"#)
        let active = try #require(p.json["connection_id"]?.stringValue, "\(p.text)")
        #expect(try await writer.ndjson("/v1/events", [
            #"{"event":"callbackSet","time":"2026-12-01T10:00:00Z","connection_id":"\#(id)","url":null,"events":["order.create"]}"#,
            #"{"event":"callbackSet","time":"2026-12-01T10:00:00Z","connection_id":"\#(active)","url":"http://127.0.0.1:\#(receiver.port)/","events":["order.create"]}"#,
        ]).status == 201)
        let follower = try RunningDaemon(["--replicate", cluster.urls] + delivery, initialize: false, command: "follow")

        let first = try await Self.request(cluster.urls, [HubCallbackTests.order(1)], key: "k1")
        let ids = (first["ids"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(ids.count == 1, "\(first)")
        #expect(try await Self.waitingIDs(writer, id) == ids)
        let again = try await Self.request(cluster.urls, [HubCallbackTests.order(1)], key: "k1")
        #expect(again["ids"] == first["ids"], "a retry under its key gets the first ids: \(again)")
        let refused = try await Self.request(cluster.urls, [#"{"resource_type":"order","event_type":"delete","location_id":"3r4s3-1"}"#])
        #expect(refused["error_type"]?.stringValue == "unprocessable_entity", "\(refused)")
        #expect(try await Self.waitingIDs(writer, id) == ids, "a refused batch writes nothing")

        // The writer delivered the first event once, and failed; it dies before the retry.
        #expect(eventually(within: 10) { receiver.requests.count == 1 })
        // …and journaled that attempt (a kill between the answer and its record would make
        // the next one attempt 1 again: at least once).
        for _ in 0..<100 {
            if try await writer.get("/v1/connections/\(active)/callback?after=head").json["deliveries"]?.arrayValue?.count == 1 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        // The writer dies; the follower, promoted, takes the hub's events from then on.
        kill(writer.process.processIdentifier, SIGKILL)
        writer.process.waitUntilExit()
        let promoted = try run(Executables.junction, ["promote", "--data", follower.data, "--wait-seconds", "60"])
        #expect(promoted.status == 0, "\(promoted.output)\(promoted.stderr)")
        let second = try await Self.request(cluster.urls, [HubCallbackTests.order(2)])
        let more = (second["ids"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(more.count == 1, "\(second)")
        #expect(try await Self.waitingIDs(follower, id) == ids + more)
        // Its notifier picks up where the old writer's journal left the deliveries: the
        // retry of the first event (attempt 2), then the second.
        #expect(eventually(within: 30) { receiver.requests.count >= 3 }, "\(receiver.requests.count) requests")
        let sent = receiver.requests.compactMap { try? JSONParser.parse($0.body)["id"]?.stringValue }
        #expect(sent == [ids[0], ids[0], more[0]], "\(sent)")
        #expect(receiver.requests.map { $0.headers["x-junction-attempt"] } == ["1", "2", "1"])
        #expect(follower.stop() == 0)
    }
}
