import AsyncHTTPClient
import Events
import Foundation
import NIOCore
import FrontDoor
import TestSupport
import Testing

/// A `junction serve` child process on a fresh data directory, and an HTTP client for its
/// socket.
final class RunningDaemon: @unchecked Sendable {
    // @unchecked: the process handle is only touched by the test that owns the daemon.
    let dir: TemporaryDirectory
    let data: String
    let socket: String
    private(set) var process: Process
    let log: String
    /// `serve`, or `follow` for a replication follower.
    let command: String

    struct Reply: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// - Parameter prepare: given the data directory's path before the daemon starts (to
    ///   restore a backup there, say).
    init(
        _ arguments: [String] = [], initialize: Bool = true, socket: String? = nil, command: String = "serve",
        prepare: (String) throws -> Void = { _ in }
    ) throws {
        self.command = command
        dir = TemporaryDirectory("daemon")
        data = dir.path + "/data"
        self.socket = socket ?? data + "/junction.sock"
        log = dir.path + "/daemon.log"
        if initialize {
            let result = try run(Executables.junction, ["init", "--data", data])
            #expect(result.status == 0, "\(result.stderr)")
        }
        try prepare(data)
        process = try RunningDaemon.start(command, data: data, log: log, arguments)
        try waitUntilServing()
    }

    private static func start(_ command: String, data: String, log: String, _ arguments: [String]) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Executables.junction)
        p.arguments = [command, "--data", data, "--log-level", "info"] + arguments
        p.standardOutput = FileHandle(forWritingAtPath: log)
        p.standardError = FileHandle(forWritingAtPath: log)
        try p.run()
        return p
    }

    /// Restarts the daemon (after `stop` or a kill) on the same data.
    func restart(_ arguments: [String] = []) throws {
        process = try RunningDaemon.start(command, data: data, log: log, arguments)
        try waitUntilServing()
    }

    func waitUntilServing() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning {
                throw DaemonFailed(log: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
            }
            if FileManager.default.fileExists(atPath: socket), (try? curlHealth()) == true { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw DaemonFailed(log: "not serving after 30 s: " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }

    private func curlHealth() throws -> Bool {
        try run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", socket, "http://localhost/health"]).output == "200"
    }

    /// SIGTERM, and the exit status once it has stopped.
    /// The daemon's log so far (for failure messages).
    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    @discardableResult
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func request(_ method: String, _ path: String, body: [UInt8]? = nil, contentType: String? = "application/json",
                 headers: [(String, String)] = [], timeout: Duration = .seconds(60)) async throws -> Reply {
        let host = socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        var request = HTTPClientRequest(url: "http+unix://\(host)\(path)")
        // A Unix socket has no host for the client to name; HTTP/1.1 still needs the header.
        request.headers.add(name: "Host", value: "localhost")
        request.method = .init(rawValue: method)
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .init(timeout))
        var buffer = try await response.body.collect(upTo: 256 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                     body: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await request("GET", path, headers: headers)
    }

    func post(_ path: String, _ json: String, headers: [(String, String)] = []) async throws -> Reply {
        try await request("POST", path, body: Array(json.utf8), headers: headers)
    }

    func ndjson(_ path: String, _ lines: [String]) async throws -> Reply {
        try await request("POST", path, body: Array((lines.joined(separator: "\n") + "\n").utf8), contentType: "application/x-ndjson")
    }
}

struct DaemonFailed: Error, CustomStringConvertible {
    let log: String
    var description: String { "the daemon failed:\n\(log)" }
}

/// Sends raw bytes on the socket and returns what comes back before the server closes or
/// `timeout` passes: for requests no client library would send.
func rawExchange(socket path: String, _ bytes: [UInt8], holdOpen: Double = 0, timeout: Double = 5) -> [UInt8] {
    guard let fd = try? UnixSocket.connect(path) else { return [] }
    defer { close(fd) }
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    if holdOpen > 0 { Thread.sleep(forTimeInterval: holdOpen) }
    var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return out
}
