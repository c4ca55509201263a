import Events
import Foundation
import Journal
import Projections
import TestSupport
import Testing

/// Registrations for the walk-through: one account in Paris with a location, a delivery
/// app (location level) and a marketing app (either level).
func registerSeed(_ d: RunningDaemon) async throws {
    let steps: [(String, String)] = [
        ("/v1/accounts", #"{"account_id":"3r4s3","name":"Pizzeria Napoli","time_zone":"Europe/Paris"}"#),
        ("/v1/locations", #"{"location_id":"3r4s3-1","account_id":"3r4s3","name":"Napoli Bastille","time_zone":"Europe/Paris"}"#),
        ("/v1/apps", #"{"app_id":"ubereats","name":"Uber Eats","level":"location","scope":"location[orders.write,catalog.read]","open_url":"https://merchants.ubereats.com","disconnect_callback_url":"https://ubereats.example.com/hubrise/disconnect"}"#),
        ("/v1/apps", #"{"app_id":"smsblast","name":"SMS Blast","level":"either","scope":"account[customer_list.read],profile"}"#),
    ]
    for (path, body) in steps {
        let reply = try await d.post(path, body)
        #expect(reply.status == 201, "\(path): \(reply.text)")
    }
}

@Suite(.serialized)
struct DaemonTests {
    @Test func theSeedWalkThroughOverTheSocket() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        // The Connect button is greyed at the wrong level.
        let wrongLevel = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3"}"#)
        #expect(wrongLevel.status == 409)
        #expect(wrongLevel.json["error_type"] == .string("conflict"))
        let connected = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1","catalog_id":"psmlf"}"#)
        #expect(connected.status == 201, "\(connected.text)")
        guard let id = connected.json["connection_id"]?.stringValue, let token = connected.json["access_token"]?.stringValue else {
            Issue.record("no connection: \(connected.text)")
            return
        }
        #expect(connected.json["scope"] == .string("location[orders.write,catalog.read]"))
        // Connecting again gives the same connection and token; another device id, another.
        let again = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        #expect(again.status == 200 && again.json["connection_id"]?.stringValue == id && again.json["access_token"]?.stringValue == token)
        let second = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1","device_id":"tablet-2"}"#)
        #expect(second.status == 201 && second.json["connection_id"]?.stringValue != id)
        let either = try await d.post("/v1/connections", #"{"app_id":"smsblast","account_id":"3r4s3"}"#)
        #expect(either.json["scope"] == .string("account[customer_list.read],profile"))

        let owner = try await d.get("/v1/token", headers: [("X-Access-Token", token)])
        #expect(owner.status == 200 && owner.json["connection_id"]?.stringValue == id)

        // The app's traffic, as the gateway logs it.
        var lines: [String] = []
        let resources = ["orders", "catalogs", "customers"]
        let methods = ["GET", "POST", "PATCH"]
        var matching = 0
        for i in 0..<30 {
            if resources[i % 3] != "customers" && methods[(i / 3) % 3] != "PATCH" { matching += 1 }
            let r = resources[i % 3], m = methods[(i / 3) % 3]
            lines.append(#"{"connection_id":"\#(id)","time":"2026-11-\#(10 + i % 5)T1\#(i % 10):00:00Z","method":"\#(m)","url":"/locations/3r4s3-1/\#(r)?access_token=secret","status":\#(i % 7 == 0 ? 422 : 201),"request_id":"req-\#(i)","request_headers":{"X-Access-Token":"\#(token)","Content-Type":"application/json"},"request_body":{"n":\#(i)},"response_body":"{\"ok\":true}"}"#)
        }
        let ingested = try await d.ndjson("/v1/logs", lines)
        #expect(ingested.status == 201 && ingested.json["count"] == .integer(30), "\(ingested.text)")
        let last = ingested.json["last_seq"]?.integerValue ?? 0

        let activity = try await d.get("/v1/connections/\(id)/activity?days=30&now=2026-11-20T12:00:00Z&after=\(last)")
        #expect(activity.status == 200 && activity.json["total"] == .integer(30), "\(activity.text)")
        #expect(activity.json["days"]?.arrayValue?.count == 30)

        let filtered = try await d.get("/v1/connections/\(id)/logs?resource=orders&resource=catalogs&method=GET&method=POST&after=\(last)")
        let entries = filtered.json["entries"]?.arrayValue ?? []
        #expect(filtered.status == 200 && entries.count == matching, "\(filtered.text)")
        #expect(entries.allSatisfy { ["orders", "catalogs"].contains($0["resource"]?.stringValue ?? "") && ["GET", "POST"].contains($0["method"]?.stringValue ?? "") })
        let times = entries.compactMap { $0["time"]?.stringValue }
        #expect(times == times.sorted(by: >), "newest first")

        let seq = try #require(entries.first?["seq"]?.integerValue, "the filtered page is empty: \(filtered.text)")
        let detail = try await d.get("/v1/connections/\(id)/logs/\(seq)")
        #expect(detail.status == 200)
        // Credentials never reach the store.
        #expect(!detail.text.contains(token) && !detail.text.contains("secret"))
        #expect(detail.text.contains("[REDACTED]"))
        let download = try await d.get("/v1/connections/\(id)/logs/\(seq)/request")
        #expect(download.status == 200 && download.header("Content-Disposition")?.hasPrefix("attachment; filename=") == true)
        #expect((try? JSONParser.parse(download.body))?["n"] != nil)
        let response = try await d.get("/v1/connections/\(id)/logs/\(seq)/response")
        #expect(response.text == #"{"ok":true}"#)

        let blocked = try await d.post("/v1/connections/\(id)/block", #"{"actor":"owner@napoli.fr","reason":"pause"}"#)
        #expect(blocked.status == 200)
        let whileBlocked = try await d.get("/v1/token", headers: [("X-Access-Token", token)])
        #expect(whileBlocked.status == 401 && whileBlocked.json["message"] == .string("The connection has been blocked"))
        #expect(try await d.post("/v1/connections/\(id)/block", "{}").status == 409)
        #expect(try await d.post("/v1/connections/\(id)/unblock", "{}").status == 200)
        #expect(try await d.get("/v1/token", headers: [("X-Access-Token", token)]).status == 200)
        let gone = try await d.post("/v1/connections/\(id)/disconnect", #"{"reason":"changed provider"}"#)
        #expect(gone.status == 200)
        let revoked = try await d.get("/v1/token", headers: [("X-Access-Token", token)])
        #expect(revoked.status == 401 && revoked.json["message"] == .string("The access token is invalid or the connection has been revoked"))
        #expect(try await d.post("/v1/connections/\(id)/block", "{}").status == 409)
        let after = gone.json["seq"]?.integerValue ?? 0
        let list = try await d.get("/v1/connections?location=3r4s3-1&after=\(after)")
        #expect(!(list.json["connections"]?.arrayValue ?? []).contains { $0["connection_id"]?.stringValue == id })
        let all = try await d.get("/v1/connections?location=3r4s3-1&status=all")
        #expect((all.json["connections"]?.arrayValue ?? []).contains { $0["connection_id"]?.stringValue == id && $0["status"] == .string("disconnected") })
        #expect(d.stop() == 0)
        // No plain token anywhere in the data files.
        for file in try FileManager.default.subpathsOfDirectory(atPath: d.data) where file.hasSuffix(".mdb") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: d.data + "/" + file))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "\(file) holds the token")
        }
    }

    @Test func concurrentClientsIngestingLoseNothing() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        var ids: [String] = []
        for device in 0..<4 {
            let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1","device_id":"pos-\#(device)"}"#)
            ids.append(c.json["connection_id"]?.stringValue ?? "")
        }
        let connections = ids
        let deadline = ContinuousClock.now + .seconds(30)
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for client in 0..<32 {
                group.addTask {
                    var mine: [String] = []
                    var batch = 0
                    while ContinuousClock.now < deadline {
                        batch += 1
                        let lines = (0..<20).map { i in
                            #"{"connection_id":"\#(connections[(client + i) % 4])","method":"POST","url":"/orders","status":201,"request_id":"c\#(client)-b\#(batch)-\#(i)","request_body":"{\"items\":[1,2,3]}"}"#
                        }
                        let reply = try await d.ndjson("/v1/logs", lines)
                        if reply.status == 201 { mine += (0..<20).map { "c\(client)-b\(batch)-\($0)" } }
                    }
                    return mine
                }
            }
            var all: [String] = []
            for try await part in group { all += part }
            return all
        }
        #expect(acknowledged.count > 1000)
        let status = try await d.get("/v1/status")
        let head = UInt64(status.json["journal"]?["head"]?.integerValue ?? 0)
        // Every acknowledged entry is in the journal; the numbers have no gaps.
        let journal = try DataDirectory(d.data).openJournalForReading(logger: quiet)
        defer { journal.close() }
        var inJournal = Set<String>()
        var expected: UInt64 = 1
        try journal.scan { seq, bytes in
            #expect(seq == expected)
            expected = seq + 1
            if case .requestLogged(let r) = try BinaryEventCodec.decode(bytes).payload, let rid = r.requestID { inJournal.insert(rid) }
            return true
        }
        #expect(expected - 1 == head)
        #expect(Set(acknowledged).isSubset(of: inJournal))
        // And in the logs projection, once it has caught up.
        let caughtUp = try await d.get("/v1/connections/\(ids[0])/logs?limit=1&after=\(head)")
        #expect(caughtUp.status == 200, "\(caughtUp.text)")
        let queries = try Queries(data: DataDirectory(d.data), logger: quiet)
        var inLogs = Set<String>()
        for id in ids {
            var cursor: String?
            repeat {
                let page = try queries.logs(id, limit: 1000, cursor: cursor)
                for e in page.entries { if let rid = e.requestID { inLogs.insert(rid) } }
                cursor = page.nextCursor
            } while cursor != nil
        }
        #expect(Set(acknowledged).isSubset(of: inLogs))
        #expect(d.stop() == 0)
    }

    @Test func badInputIsRefusedClearlyAndNothingIsAppended() async throws {
        let d = try RunningDaemon(["--max-body-bytes", "4096"])
        try await registerSeed(d)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = c.json["connection_id"]?.stringValue ?? ""
        let head = try await d.get("/v1/status").json["journal"]?["head"]
        let malformed = try await d.post("/v1/logs", #"{"connection_id":"#)
        #expect(malformed.status == 400 && malformed.json["error_type"] == .string("bad_request"))
        let wrongType = try await d.post("/v1/logs", #"{"connection_id":"\#(id)","method":"GET","url":"/orders","status":"200"}"#)
        #expect(wrongType.status == 422 && wrongType.json["errors"]?.arrayValue?.first?["field"] == .string("status"))
        let unknown = try await d.post("/v1/logs", #"{"connection_id":"nope","method":"GET","url":"/orders","status":200}"#)
        #expect(unknown.status == 422, "\(unknown.text)")
        let halfBad = try await d.ndjson("/v1/logs", [
            #"{"connection_id":"\#(id)","method":"GET","url":"/orders","status":200}"#,
            #"{"connection_id":"\#(id)","method":"FETCH","url":"/orders","status":200}"#,
        ])
        #expect(halfBad.status == 422 && halfBad.text.contains("line 2"))
        let huge = try await d.post("/v1/logs", #"{"connection_id":"\#(id)","method":"POST","url":"/orders","status":201,"request_body":"\#(String(repeating: "x", count: 10_000))"}"#)
        #expect(huge.status == 413, "\(huge.text)")
        let form = try await d.request("POST", "/v1/accounts", body: Array("a=b".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
        let unknownMember = try await d.post("/v1/accounts", #"{"account_id":"zz","name":"Z","time_zone":"UTC","colour":"red"}"#)
        #expect(unknownMember.status == 422)
        let badZone = try await d.post("/v1/accounts", #"{"account_id":"zz","name":"Z","time_zone":"Mars/Base"}"#)
        #expect(badZone.status == 422)
        let noSuchConnection = try await d.post("/v1/connections/nope/block", "{}")
        #expect(noSuchConnection.status == 404)
        #expect(try await d.get("/v1/connections/\(id)/logs?after=head&cursor=garbage").status == 422)
        #expect(try await d.get("/v1/nothing-here").status == 404)

        // A truncated request, a slow client and a client that leaves mid-body.
        let truncated = Array("POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 500\r\n\r\n{\"connection_id\":".utf8)
        _ = rawExchange(socket: d.socket, truncated, timeout: 1)
        let slow = Task.detached { rawExchange(socket: d.socket, Array("GET /health HTTP/1.1\r\nHo".utf8), holdOpen: 3, timeout: 1) }
        let meanwhile = try await d.get("/health")
        #expect(meanwhile.status == 200, "a slow client must not starve the others")
        _ = await slow.value
        let garbage = rawExchange(socket: d.socket, Array("\u{1}\u{2}NOT HTTP\r\n\r\n".utf8), timeout: 2)
        #expect(garbage.isEmpty || String(decoding: garbage, as: UTF8.self).hasPrefix("HTTP/1.1 4"))

        let after = try await d.get("/v1/status").json["journal"]?["head"]
        #expect(after == head, "refused input appended something")
        #expect(try await d.get("/health").status == 200)
        #expect(d.stop() == 0)
    }

    @Test func aKilledProjectorIsRestartedAndCatchesUp() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let before = try await d.get("/v1/status")
        let logs = before.json["projections"]?.arrayValue?.first { $0["name"] == .string("logs") }
        guard let pid = logs?["pid"]?.integerValue else {
            Issue.record("no projector pid: \(before.text)")
            return
        }
        kill(pid_t(pid), SIGKILL)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = c.json["connection_id"]?.stringValue ?? ""
        let ingested = try await d.post("/v1/logs", #"{"connection_id":"\#(id)","method":"GET","url":"/orders","status":200}"#)
        let seq = ingested.json["last_seq"]?.integerValue ?? 0
        let page = try await d.get("/v1/connections/\(id)/logs?after=\(seq)")
        #expect(page.status == 200 && page.json["entries"]?.arrayValue?.count == 1, "\(page.text)")
        let after = try await d.get("/v1/status")
        let restarted = after.json["projections"]?.arrayValue?.first { $0["name"] == .string("logs") }
        #expect((restarted?["restarts"]?.integerValue ?? 0) >= 1, "\(after.text)")
        #expect(restarted?["pid"]?.integerValue != pid)
        #expect(d.stop() == 0)
    }

    /// All four children killed at once, five times: every exit is seen and every child
    /// restarted, though the restarts race each other. (Once in CI, with Foundation's
    /// `Process`, a killed notifier was never seen to exit and stayed "running".)
    @Test func childrenKilledTogetherAreAllSeenToExitAndRestarted() async throws {
        let d = try RunningDaemon()
        func children() async throws -> [String: (pid: Int64, restarts: Int64, state: String)] {
            let status = try await d.get("/v1/status").json
            var found: [String: (pid: Int64, restarts: Int64, state: String)] = [:]
            for child in (status["projections"]?.arrayValue ?? []) + [status["notifier"] ?? .null] {
                let name = child["name"]?.stringValue ?? "notifier"
                found[name] = (child["pid"]?.integerValue ?? 0, child["restarts"]?.integerValue ?? -1,
                               child["state"]?.stringValue ?? "")
            }
            return found
        }
        var current = try await children()
        #expect(current.count == ProjectionCatalog.all.count + 1, "the projectors and the notifier")
        for round in 1...5 {
            for child in current.values where child.pid > 0 { kill(pid_t(child.pid), SIGKILL) }
            let killed = current
            var restarted = false
            for _ in 0..<500 {
                current = try await children()
                restarted = current.allSatisfy { name, child in
                    child.restarts == round && child.state == "running" && child.pid > 0 && child.pid != killed[name]?.pid
                }
                if restarted { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(restarted, "round \(round): \(current)")
            if !restarted { break }
        }
        #expect(d.stop() == 0)
    }

    @Test func theSocketIsPrivateStaleOnesAreReplacedLiveOnesRefused() async throws {
        let d = try RunningDaemon()
        let attributes = try FileManager.default.attributesOfItem(atPath: d.socket)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // A second daemon on another data directory but the same socket is refused.
        let other = d.dir.path + "/other"
        #expect(try run(Executables.junction, ["init", "--data", other]).status == 0)
        let refused = try run(Executables.junction, ["serve", "--data", other, "--socket", d.socket])
        #expect(refused.status != 0 && refused.stderr.contains("another server is listening"), "\(refused.stderr)")
        // A second daemon on the same data directory is refused too.
        let twice = try run(Executables.junction, ["serve", "--data", d.data, "--socket", d.dir.path + "/second.sock"])
        #expect(twice.status != 0 && twice.stderr.contains("in use"), "\(twice.stderr)")
        // SIGKILL leaves a stale socket file; the next start replaces it. The projectors
        // die with the daemon.
        let projectors = try await d.get("/v1/status").json["projections"]?.arrayValue?.compactMap { $0["pid"]?.integerValue } ?? []
        #expect(projectors.count == ProjectionCatalog.all.count)
        kill(d.process.processIdentifier, SIGKILL)
        d.process.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: d.socket))
        #expect(eventually(within: 10) { projectors.allSatisfy { kill(pid_t($0), 0) != 0 } }, "orphaned projectors")
        try d.restart(["--socket-mode", "660"])
        let widened = try FileManager.default.attributesOfItem(atPath: d.socket)
        #expect((widened[.posixPermissions] as? NSNumber)?.intValue == 0o660)
        #expect(d.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socket))
    }

    @Test func theCommandLineTalksToTheDaemon() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let connected = try run(Executables.junction, ["connect", "--socket", d.socket, "--app", "ubereats", "--account", "3r4s3",
                                                      "--location", "3r4s3-1", "--json"])
        #expect(connected.status == 0, "\(connected.stderr)")
        let id = (try? JSONParser.parse(connected.stdout))?["connection_id"]?.stringValue ?? ""
        let appended = try run(Executables.junction, ["append", "--socket", d.socket], input: lines([
            #"{"event":"requestLogged","time":"2026-11-01T09:04:00Z","connection_id":"\#(id)","method":"POST","resource":"orders","url":"/orders","status":201}"#,
        ]))
        #expect(appended.status == 0 && appended.output.hasPrefix("appended 1 events"), "\(appended.stderr)")
        let list = try run(Executables.junction, ["connections", "--socket", d.socket, "--location", "3r4s3-1"])
        #expect(list.output.contains(id) && list.output.contains("Uber Eats"), "\(list.output)\(list.stderr)")
        let logs = try run(Executables.junction, ["logs", id, "--socket", d.socket, "--resource", "orders"])
        #expect(logs.output.contains("/orders"), "\(logs.output)\(logs.stderr)")
        #expect(try run(Executables.junction, ["block", id, "--socket", d.socket]).output.hasPrefix("blocked"))
        let again = try run(Executables.junction, ["block", id, "--socket", d.socket])
        #expect(again.status != 0 && again.stderr.contains("409"))
        #expect(try run(Executables.junction, ["unblock", id, "--socket", d.socket]).status == 0)
        #expect(try run(Executables.junction, ["disconnect", id, "--socket", d.socket]).status == 0)
        let status = try run(Executables.junction, ["status", "--socket", d.socket])
        #expect(status.output.contains("checkpoint"), "\(status.output)\(status.stderr)")
        #expect(d.stop() == 0)
        let unreachable = try run(Executables.junction, ["status", "--socket", d.socket])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("cannot reach the daemon"))
    }
}
