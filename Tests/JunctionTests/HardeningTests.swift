import Events
import Foundation
import FrontDoor
import TestSupport
import Testing

/// What an outside test found (issue 17), each held by a test that failed before the fix.
@Suite(.serialized)
struct HardeningTests {
    /// Every directory and regular file under `root` whose mode lets group or others in.
    static func openToOthers(_ root: String) throws -> [String] {
        var found: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)!
        for case let relative as String in walker {
            let path = root + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            guard kind == S_IFDIR || kind == S_IFREG else { continue }
            if info.st_mode & 0o077 != 0 { found.append("\(relative) \(String(info.st_mode & 0o777, radix: 8))") }
        }
        var rootInfo = stat()
        if lstat(root, &rootInfo) == 0, rootInfo.st_mode & 0o077 != 0 { found.append(". \(String(rootInfo.st_mode & 0o777, radix: 8))") }
        return found
    }

    @Test func everyDirectoryAndFileIsPrivateWhateverTheUmask() throws {
        let dir = TemporaryDirectory("modes")
        let data = dir.path + "/data"
        // Under umask 000 nothing the process creates loses a bit by itself.
        let sample = try run(Executables.loadgen, ["--seed", "2", "--events", "300"])
        let script = """
            umask 000
            "$1" init --data "$2" && "$1" append --data "$2" && "$1" connections --data "$2" >/dev/null \
              && "$1" compact --data "$2" --copy "$2.copy" >/dev/null
            """
        let made = try run("/bin/sh", ["-c", script, "sh", Executables.junction, data], input: sample.stdout)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(FileManager.default.fileExists(atPath: data + "/projections/logs/data.mdb"))
        #expect(try Self.openToOthers(data) == [])
        #expect(try Self.openToOthers(data + ".copy") == [])
    }

    @Test func theDaemonMakesAnOpenDataDirectoryPrivateAndSaysSo() throws {
        let dir = TemporaryDirectory("modes")
        let data = dir.path + "/data"
        #expect(try run(Executables.junction, ["init", "--data", data]).status == 0)
        chmod(data, 0o755)
        chmod(data + "/journal", 0o777)
        chmod(data + "/journal/data.mdb", 0o644)
        #expect(try Self.openToOthers(data).count == 3)
        let log = dir.path + "/serve.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: Executables.junction)
        daemon.arguments = ["serve", "--data", data]
        daemon.standardError = FileHandle(forWritingAtPath: log)
        try daemon.run()
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: data + "/junction.sock"), Date() < deadline, daemon.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(try Self.openToOthers(data) == [])
        let said = try String(contentsOfFile: log, encoding: .utf8)
        #expect(said.contains("made private") && said.contains("journal/data.mdb"), "\(said)")
    }

    /// Item 8: a resource only a tombstoned connection logged left the live logs
    /// projection's filter choices, as it leaves a replay's.
    @Test func compactionForgetsTheResourcesOfTombstonedConnections() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let logged = try await d.post("/v1/logs", #"{"connection_id":"\#(id)","method":"PUT","url":"/v1/catalog/1","status":200}"#)
        #expect(logged.status == 201, "\(logged.text)")
        #expect(try await d.post("/v1/connections/\(id)/disconnect", "{}").status == 200)
        let compacted = try await d.post("/v1/compact", #"{"disconnected_days":0}"#)
        #expect(compacted.status == 200, "\(compacted.text)")
        #expect(compacted.json["connections_tombstoned"]?.integerValue == 1)
        #expect(d.stop() == 0)
        let verify = try run(Executables.path("junction-replay"), ["verify", "--data", d.data])
        #expect(verify.status == 0, "\(verify.output)\n\(verify.stderr)")
    }

    /// Item 9: a compaction whose cutoffs the journal's format cannot hold is refused with
    /// 422 and appends nothing; the journal stays readable.
    @Test func aCompactionThatCannotBeRecordedIsRefused() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let before = try await d.get("/v1/status")
        let refused = try await d.post("/v1/compact", #"{"now":"0002-02-28T00:01:00Z","log_days":3049}"#)
        #expect(refused.status == 422, "\(refused.text)")
        #expect(refused.json["error_type"] == .string("unprocessable_entity"))
        let after = try await d.get("/v1/status")
        #expect(after.json["journal"]?["head"] == before.json["journal"]?["head"])
        let tail = try run(Executables.junction, ["tail", "--data", d.data])
        #expect(tail.status == 0, "\(tail.stderr)")
        #expect(d.stop() == 0)
    }

    /// Sends `bytes` and reads until the server closes the connection (true) or `seconds`
    /// pass with it still open (false), with what came back. The test never closes first.
    static func exchange(_ socket: String, _ bytes: [UInt8], seconds: Int) throws -> (closedByServer: Bool, reply: String) {
        let fd = try #require(try UnixSocket.connect(socket), "cannot connect to \(socket)")
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return (true, String(decoding: out, as: UTF8.self)) }
            if n < 0 { return (errno == ECONNRESET, String(decoding: out, as: UTF8.self)) }
            out += buffer[0..<n]
        }
    }

    /// Item 4: the edges of the spec, where server and document now agree.
    @Test func hostHeadersCharsetsAndSequenceNumbersAreHeldToTheSpec() async throws {
        let d = try RunningDaemon()
        for (request, why) in [("GET /health HTTP/1.1\r\n\r\n", "no Host"), ("GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "two")] {
            // The connection may stay open after the answer: two seconds is plenty to read it.
            let (_, reply) = try Self.exchange(d.socket, Array(request.utf8), seconds: 2)
            #expect(reply.hasPrefix("HTTP/1.1 400"), "\(why): \(reply.prefix(300))")
            #expect(reply.contains(#""error_type":"bad_request""#), "\(why): \(reply.prefix(300))")
        }
        let latin = try await d.request("POST", "/v1/accounts", body: Array(#"{"account_id":"a1","name":"A","time_zone":"UTC"}"#.utf8),
                                        contentType: "application/json; charset=latin-1")
        #expect(latin.status == 415, "\(latin.text)")
        let utf8 = try await d.request("POST", "/v1/accounts", body: Array(#"{"account_id":"a1","name":"A","time_zone":"UTC"}"#.utf8),
                                       contentType: "application/json; charset=\"UTF-8\"")
        #expect(utf8.status == 201, "\(utf8.text)")
        for after in ["-0", "+1", ""] {
            let reply = try await d.get("/v1/connections?after=\(after)")
            #expect(reply.status == 422, "after=\(after): \(reply.text)")
        }
        #expect(try await d.get("/v1/connections?after=0").status == 200)
        #expect(d.stop() == 0)
    }

    /// Item 2: framing the decoder cannot read is the client's fault: 400 with the
    /// documented body, never 500.
    @Test(arguments: [
        "Transfer-Encoding: gzip2\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n2\n{}\n0\n\n",
        "Transfer-Encoding: chunked\r\n\r\n2;ext=\u{01}\r\n{}\r\n0\r\n\r\n",
    ])
    func malformedFramingIsABadRequest(framing: String) throws {
        let d = try RunningDaemon()
        let request = "POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + framing
        let (_, reply) = try Self.exchange(d.socket, Array(request.utf8), seconds: 10)
        #expect(reply.hasPrefix("HTTP/1.1 400"), "\(reply.prefix(400))")
        #expect(reply.contains(#""error_type":"bad_request""#), "\(reply.prefix(400))")
        #expect(d.stop() == 0)
    }

    /// Item 3: clients that never finish are closed by the server: idle, a half-sent
    /// request line, unfinished headers, a short body; after an early 413 the connection
    /// is closed rather than left waiting; past the cap, a connection is refused.
    @Test func clientsThatNeverFinishAreClosedByTheServer() throws {
        let d = try RunningDaemon(["--idle-timeout-seconds", "1", "--max-connections", "8"])
        for (partial, what) in [("", "idle"), ("GET /hea", "half a request line"), ("GET /health HTTP/1.1\r\nHost: x\r\nAcc", "unfinished headers"),
                                ("POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"acc", "a short body")] {
            let (closed, _) = try Self.exchange(d.socket, Array(partial.utf8), seconds: 20)
            #expect(closed, "\(what): still open after 20 s")
        }
        let huge = "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 10737418240\r\n\r\n{"
            + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
        let (closed, reply) = try Self.exchange(d.socket, Array(huge.utf8), seconds: 20)
        #expect(reply.hasPrefix("HTTP/1.1 413") && closed, "\(reply.prefix(300))")
        // Eight idle connections fill the cap; the ninth is refused at once.
        let held = try (0..<8).compactMap { _ in try UnixSocket.connect(d.socket) }
        #expect(held.count == 8)
        defer { for fd in held { close(fd) } }
        Thread.sleep(forTimeInterval: 0.2)
        let (refusedClosed, refused) = try Self.exchange(d.socket, Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8), seconds: 20)
        #expect(refused.hasPrefix("HTTP/1.1 503") && refusedClosed, "\(refused.prefix(300))")
        #expect(refused.contains("too many connections"))
        #expect(d.stop() == 0)
    }

    /// Item 7: a body sent as a JSON value is kept as its own text, byte for byte: big
    /// integers, exponents, spacing and unicode come back the same in the detail and the
    /// download.
    @Test func bodiesSentAsJSONValuesComeBackAsSent() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let request = #"{ "total" : 1e2,  "id":12345678901234567890123 , "name":"Zoë 🍕", "n":[1.50, -0, 2E-3] }"#
        let response = #"[1,  2,{"ok" :true}]"#
        let entry = #"{"connection_id":"\#(id)","method":"POST","url":"/v1/orders","status":201,"request_body":\#(request),"response_body":\#(response)}"#
        let logged = try await d.post("/v1/logs", entry)
        #expect(logged.status == 201, "\(logged.text)")
        let seq = try #require(logged.json["first_seq"]?.integerValue)
        let detail = try await d.get("/v1/connections/\(id)/logs/\(seq)?after=\(seq)")
        #expect(detail.text.contains(request), "\(detail.text)")
        #expect(detail.text.contains(response), "\(detail.text)")
        let downloaded = try await d.get("/v1/connections/\(id)/logs/\(seq)/request")
        #expect(downloaded.body == Array(request.utf8), "\(downloaded.text)")
        let downloadedResponse = try await d.get("/v1/connections/\(id)/logs/\(seq)/response")
        #expect(downloadedResponse.body == Array(response.utf8), "\(downloadedResponse.text)")
        #expect(d.stop() == 0)
    }

    /// Item 7: a body sent in base64 because it is not UTF-8 is kept as its decoded bytes
    /// and served as them: the detail carries them in `body_base64`, the download as they are.
    @Test func binaryBodiesComeBackAsTheirBytes() async throws {
        let d = try RunningDaemon()
        try await registerSeed(d)
        let c = try await d.post("/v1/connections", #"{"app_id":"ubereats","account_id":"3r4s3","location_id":"3r4s3-1"}"#)
        let id = try #require(c.json["connection_id"]?.stringValue, "\(c.text)")
        let binary: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a]
        let base64 = Data(binary).base64EncodedString()
        let entry = #"{"connection_id":"\#(id)","method":"PUT","url":"/v1/menu/image","status":200,"request_body_base64":"\#(base64)","response_body":"ok"}"#
        let logged = try await d.post("/v1/logs", entry)
        #expect(logged.status == 201, "\(logged.text)")
        let seq = try #require(logged.json["first_seq"]?.integerValue)
        let detail = try await d.get("/v1/connections/\(id)/logs/\(seq)?after=\(seq)")
        #expect(detail.json["request"]?["body_base64"]?.stringValue == base64, "\(detail.text)")
        #expect(detail.json["request"]?["body"] == .null, "\(detail.text)")
        #expect(detail.json["response"]?["body"]?.stringValue == "ok", "\(detail.text)")
        let downloaded = try await d.get("/v1/connections/\(id)/logs/\(seq)/request")
        #expect(downloaded.body == binary, "\(downloaded.body)")
        #expect(downloaded.header("Content-Type") == "application/octet-stream")
        #expect(d.stop() == 0)
    }
}
