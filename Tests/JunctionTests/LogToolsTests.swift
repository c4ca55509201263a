import AsyncHTTPClient
import Events
import Foundation
import NIOCore
import TestSupport
import Testing

/// The tools that find a cause, through a real daemon: error groups and their filtered
/// logs, the body search, the export, the live tail; and their command line.
@Suite(.serialized) struct LogToolsTests {
    /// A daemon with the seed, one connection, and `calls` logged on it: (status, response body).
    private func daemon(_ calls: [(Int, String)]) async throws -> (RunningDaemon, String) {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let lines = calls.enumerated().map { i, call in
            let body = call.1.isEmpty ? "" : #","response_body":\#(call.1)"#
            return #"{"connection_id":"\#(id)","time":"2026-12-01T10:\#(String(format: "%02d", i / 60)):\#(String(format: "%02d", i % 60))Z","method":"POST","url":"/orders/\#(i)","status":\#(call.0),"duration_us":1000,"request_body":{"ticket":"T-\#(1000 + i)"}\#(body)}"#
        }
        if !lines.isEmpty { #expect(try await d.ndjson("/v1/logs", lines).status == 201) }
        return (d, id)
    }

    @Test func errorGroupsLeadToTheirCallsAndTheCommandLineListsThem() async throws {
        let unprocessable = #"{"error_type":"unprocessable_entity","message":"price must be positive"}"#
        let notFound = #"{"error_type":"not_found","message":"no such order"}"#
        let calls: [(Int, String)] = [(201, "{}"), (422, unprocessable), (404, notFound), (422, unprocessable), (500, #""oops""#),
                                      (201, "{}"), (422, unprocessable), (422, #"{"code":"E_PRICE"}"#)]
        let (d, id) = try await daemon(calls)
        let r = try await d.get("/v1/connections/\(id)/errors?after=head")
        #expect(r.status == 200, "\(r.text)")
        let groups = r.json["groups"]?.arrayValue ?? []
        // Four groups, the most recent failure first.
        #expect(groups.map { $0["error"]?.stringValue ?? "?" } == ["E_PRICE", "unprocessable_entity", "", "not_found"], "\(r.text)")
        #expect(groups.map { $0["count"]?.integerValue ?? 0 } == [1, 3, 1, 1])
        #expect(r.json["failures"]?.integerValue == 6)
        let unprocessableGroup = try #require(groups.first { $0["error"]?.stringValue == "unprocessable_entity" })
        #expect(unprocessableGroup["first_time"]?.stringValue == "2026-12-01T10:00:01.000000Z")
        #expect(unprocessableGroup["last_time"]?.stringValue == "2026-12-01T10:00:06.000000Z")
        // Its id filters the logs to its calls, alone or with the other filters.
        let groupID = try #require(unprocessableGroup["id"]?.stringValue)
        let logs = try await d.get("/v1/connections/\(id)/logs?after=head&error=\(groupID)")
        #expect((logs.json["entries"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue } == ["/orders/6", "/orders/3", "/orders/1"])
        #expect((logs.json["entries"]?.arrayValue ?? []).allSatisfy { $0["error_group"]?.stringValue == groupID })
        let none = try await d.get("/v1/connections/\(id)/logs?after=head&error=\(groupID)&status=5xx")
        #expect(none.status == 200 && none.json["entries"]?.arrayValue?.isEmpty == true)
        // An account's groups are its connections'.
        let account = try await d.get("/v1/accounts/3r4s3/errors?after=head")
        #expect(account.json["failures"]?.integerValue == 6 && account.json["groups"]?.arrayValue?.count == 4)
        for bad in ["/v1/connections/\(id)/logs?error=not-a-group!", "/v1/connections/\(id)/logs?text=" + String(repeating: "x", count: 201)] {
            let refused = try await d.get(bad)
            #expect(refused.status == 422 && refused.json["error_type"] != nil, "\(bad): \(refused.text)")
        }
        #expect(try await d.get("/v1/connections/nope/errors").status == 404)
        #expect(try await d.get("/v1/accounts/nope/errors").status == 404)

        let cli = try run(Executables.junction, ["errors", id, "--socket", d.socket])
        #expect(cli.status == 0 && cli.output.contains("3×  POST orders → 422  unprocessable_entity") && cli.output.contains(groupID),
                "\(cli.output)\(cli.stderr)")
        let filtered = try run(Executables.junction, ["logs", id, "--socket", d.socket, "--error", groupID])
        #expect(filtered.status == 0 && filtered.output.contains("/orders/6") && !filtered.output.contains("/orders/7"), "\(filtered.output)")
        let refused = try run(Executables.junction, ["errors", "--socket", d.socket])
        #expect(refused.status != 0 && refused.stderr.contains("give a connection id or --account"), "\(refused.stderr)")
        #expect(d.stop() == 0)
    }

    @Test func theBodySearchFindsATicketAndTheExportEqualsThePages() async throws {
        let calls: [(Int, String)] = (0..<150).map { i in i % 7 == 3 ? (422, #"{"error_type":"unprocessable_entity","message":"line \#(i), \"quoted\""}"#) : (200, #"{"ok":true}"#) }
        let (d, id) = try await daemon(calls)
        let found = try await d.get("/v1/connections/\(id)/logs?after=head&text=T-1042")
        #expect((found.json["entries"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue } == ["/orders/42"], "\(found.text)")
        #expect(found.json["scanned"]?.integerValue == 150)
        let inResponses = try await d.get("/v1/connections/\(id)/logs?after=head&text=line%2010,&limit=1000")
        #expect((inResponses.json["entries"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue } == ["/orders/10"], "\(inResponses.text)")

        // The pages, every entry, newest first.
        var pageRows: [JSONValue] = []
        var cursor: String?
        repeat {
            let r = try await d.get("/v1/connections/\(id)/logs?after=head&limit=40&status=4xx" + (cursor.map { "&cursor=\($0)" } ?? ""))
            pageRows += r.json["entries"]?.arrayValue ?? []
            cursor = r.json["next_cursor"]?.stringValue
        } while cursor != nil
        let ndjson = try await d.get("/v1/connections/\(id)/logs/export?after=head&format=ndjson&status=4xx&bodies=1")
        #expect(ndjson.status == 200 && ndjson.header("content-type") == "application/x-ndjson", "\(ndjson.text)")
        #expect(ndjson.header("content-disposition")?.contains("\(id)-logs.ndjson") == true)
        let lines = ndjson.text.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
        #expect(lines.map { $0["entry"] ?? .null } == pageRows)
        #expect(lines.first?["request_body"]?["ticket"]?.stringValue == "T-1143")
        #expect(lines.first?["response_body"]?["error_type"]?.stringValue == "unprocessable_entity")

        let csv = try await d.get("/v1/connections/\(id)/logs/export?after=head&format=csv&status=4xx")
        #expect(csv.header("content-type") == "text/csv; charset=utf-8")
        #expect(Array(csv.body.prefix(3)) == [0xEF, 0xBB, 0xBF], "a byte order mark")
        let rows = csv.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.first == "seq,time,resource,method,url,status,duration_ms,request_id,error")
        #expect(rows.count == pageRows.count + 1)
        for (row, page) in zip(rows.dropFirst(), pageRows) {
            #expect(row.hasPrefix("\(page["seq"]?.integerValue ?? 0),\(page["local_time"]?.stringValue ?? ""),orders,POST,\(page["url"]?.stringValue ?? ""),422,1,,"),
                    "\(row)")
        }
        for bad in ["format=xml", "bodies=yes", "status=4xz"] {
            let refused = try await d.get("/v1/connections/\(id)/logs/export?" + bad)
            #expect(refused.status == 422 && refused.json["error_type"] != nil, "\(bad): \(refused.text)")
        }
        // The command line writes the same file.
        let file = d.dir.path + "/export.csv"
        let cli = try run(Executables.junction, ["logs", id, "--socket", d.socket, "--status", "4xx", "--export", "csv", "--output", file])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(FileManager.default.contents(atPath: file).map(Array.init) == csv.body)
        let local = try run(Executables.junction, ["logs", id, "--data", d.data, "--no-catch-up", "--status", "4xx", "--export", "ndjson", "--bodies"])
        #expect(local.status == 0 && local.output == ndjson.text, "\(local.stderr)")
        let search = try run(Executables.junction, ["logs", id, "--socket", d.socket, "--text", "T-1042"])
        #expect(search.status == 0 && search.output.contains("/orders/42") && !search.output.contains("/orders/41"), "\(search.output)")
        #expect(d.stop() == 0)
    }

    /// 2,000 entries a second for three seconds, on two connections: the tail of one (and a
    /// filtered tail) gives each of its entries once, in journal order; resumed from an id
    /// in the middle, the rest exactly; the daemon stops with tails open.
    @Test func theLiveTailMissesAndRepeatsNothing() async throws {
        let (d, id) = try await daemon([])
        let other = try await d.post("/v1/connections", #"{"app_id":"smsblast","account_id":"3r4s3"}"#)
        let otherID = try #require(other.json["connection_id"]?.stringValue)
        // `after=head`: the connection is known to the projections before its stream opens.
        let all = Tail(d, "/v1/connections/\(id)/logs/stream?after=head")
        let failed = Tail(d, "/v1/connections/\(id)/logs/stream?status=5xx&after=head")
        // A stream starts at the head when the daemon answers it: both must have been
        // answered before the first entry is sent.
        #expect(try await all.opened(), "the tail did not open: \(all.failure ?? "no answer within 20 s")")
        #expect(try await failed.opened(), "the filtered tail did not open: \(failed.failure ?? "no answer within 20 s")")
        var sent = 0
        let start = ContinuousClock.now
        for batch in 0..<60 {
            let lines = (0..<100).map { i in
                let n = batch * 100 + i
                let connection = n % 4 == 3 ? otherID : id
                return #"{"connection_id":"\#(connection)","time":"2026-12-01T10:00:00Z","method":"GET","url":"/orders/\#(n)","status":\#(n % 10 == 0 ? 503 : 200)}"#
            }
            #expect(try await d.ndjson("/v1/logs", lines).status == 201)
            sent += 100
            // 100 every 50 ms: 2,000 a second.
            try await Task.sleep(until: start + .milliseconds(50 * (batch + 1)))
        }
        // What the journal holds, read back through the logs.
        var expected: [(seq: Int, status: Int)] = []
        var cursor: String?
        repeat {
            let r = try await d.get("/v1/connections/\(id)/logs?after=head&limit=1000" + (cursor.map { "&cursor=\($0)" } ?? ""))
            for e in r.json["entries"]?.arrayValue ?? [] {
                expected.append((seq: Int(e["seq"]?.integerValue ?? 0), status: Int(e["status"]?.integerValue ?? 0)))
            }
            cursor = r.json["next_cursor"]?.stringValue
        } while cursor != nil
        expected.sort { $0.seq < $1.seq }
        #expect(expected.count == 4500)
        let got = try await all.ids(count: expected.count)
        #expect(got == expected.map(\.seq), "tail: \(got.count) of \(expected.count), \(all.failure ?? "")")
        let gotFailed = try await failed.ids(count: expected.filter { $0.status >= 500 }.count)
        #expect(gotFailed == expected.filter { $0.status >= 500 }.map(\.seq))
        // Resumed after an id: the rest, nothing before it, nothing twice.
        let middle = expected[2000].seq
        let resumed = Tail(d, "/v1/connections/\(id)/logs/stream?after=head", lastEventID: "\(middle)")
        let rest = try await resumed.ids(count: expected.count - 2001)
        #expect(rest == expected.dropFirst(2001).map(\.seq), "resumed: \(rest.count), \(resumed.failure ?? "")")
        let refused = try await d.get("/v1/connections/\(id)/logs/stream", headers: [("Last-Event-ID", "99999999")])
        #expect(refused.status == 422, "\(refused.text)")
        // Tails still open: the daemon stops anyway, promptly.
        let stopping = ContinuousClock.now
        #expect(d.stop() == 0)
        #expect(ContinuousClock.now - stopping < .seconds(10))
        all.cancel(); failed.cancel(); resumed.cancel()
    }
}

/// A client of a log stream, gathering the events' ids in the background.
final class Tail: @unchecked Sendable {
    // @unchecked: `ids` is guarded by `lock`.
    private let lock = NSLock()
    private var seen: [Int] = []
    private var answered = false
    private var why: String?
    private var task: Task<Void, Never>?

    init(_ d: RunningDaemon, _ path: String, lastEventID: String? = nil) {
        let host = d.socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        task = Task { [weak self] in
            var request = HTTPClientRequest(url: "http+unix://\(host)\(path)")
            request.headers.add(name: "Host", value: "localhost")
            if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
            let response: HTTPClientResponse
            do {
                response = try await HTTPClient.shared.execute(request, deadline: .now() + .seconds(60))
            } catch {
                self?.failed("\(error)")
                return
            }
            guard response.status == .ok else {
                self?.failed("answered \(response.status)")
                return
            }
            var pending: [UInt8] = []
            do {
                for try await piece in response.body {
                    self?.open()
                    pending.append(contentsOf: piece.readableBytesView)
                    while let end = pending.firstRange(of: [10, 10]) {
                        let event = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                        pending.removeSubrange(..<end.upperBound)
                        for line in event.split(separator: "\n") where line.hasPrefix("id: ") {
                            if let n = Int(line.dropFirst(4)) { self?.add(n) }
                        }
                    }
                }
            } catch {}
        }
    }

    private func add(_ n: Int) { lock.withLock { seen.append(n) } }
    private func open() { lock.withLock { answered = true } }
    private func failed(_ reason: String) { lock.withLock { why = reason } }

    /// Why the stream could not be read, if it could not.
    var failure: String? { lock.withLock { why } }

    /// Whether the daemon answered the stream (its opening comment came) within 20 s.
    func opened() async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let (isOpen, reason) = lock.withLock { (answered, why) }
            if isOpen { return true }
            if reason != nil { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// The ids seen once `count` arrived (or after 20 s, what came).
    func ids(count: Int) async throws -> [Int] {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if lock.withLock({ seen.count }) >= count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))  // anything past `count` would be a repeat
        return lock.withLock { seen }
    }

    func cancel() { task?.cancel() }
}
