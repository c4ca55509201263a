import Events
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `junction serve` child that the kill loop kills and restarts; its output goes to
/// `<data>.serve.log`.
// @unchecked Sendable: `process` is replaced only by the kill loop's thread; client
// threads read just the socket path.
final class DaemonProcess: @unchecked Sendable {
    let junction: String
    let data: String
    let socket: String
    private var process: Process?
    private let log: FileHandle

    init(junction: String, data: String) {
        self.junction = junction
        self.data = data
        self.socket = data + "/junction.sock"
        let logPath = data + ".serve.log"
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        log = FileHandle(forWritingAtPath: logPath) ?? FileHandle.standardError
        log.seekToEndOfFile()
    }

    func runToEnd(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: junction)
        p.arguments = arguments
        p.standardOutput = log
        p.standardError = log
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw SocketHTTP.Failure(description: "junction \(arguments.joined(separator: " ")) exited \(p.terminationStatus)")
        }
    }

    /// Starts the daemon and waits until it answers.
    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: junction)
        p.arguments = ["serve", "--data", data, "--socket", socket, "--compact-every-hours", "0"]
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let reply = try? request("GET", "/health", timeout: 2), reply.status == 200 { return }
            guard p.isRunning else { throw SocketHTTP.Failure(description: "the daemon exited at start (see \(data).serve.log)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw SocketHTTP.Failure(description: "the daemon did not answer within 60 s")
    }

    /// SIGKILLs the daemon and starts it again at once.
    func kill() throws {
        guard let p = process else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        try start()
    }

    /// Stops the daemon gracefully.
    func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
    }

    func request(
        _ method: String, _ path: String, body: [UInt8] = [], contentType: String = "application/json",
        headers: [(String, String)] = [], timeout: Double = 30
    ) throws -> SocketHTTP.Reply {
        try SocketHTTP.exchange(socket: socket, method, path, headers: headers, body: body, contentType: contentType, timeout: timeout)
    }

    /// Fires a request and does not wait for the answer.
    func requestInBackground(_ method: String, _ path: String, body: [UInt8]) {
        let socket = self.socket
        Thread.detachNewThread {
            _ = try? SocketHTTP.exchange(socket: socket, method, path, body: body, timeout: 30)
        }
    }

    /// The projector and notifier processes the daemon runs now, by name.
    func childPIDs() throws -> [(String, Int32)] {
        let reply = try request("GET", "/v1/status")
        let json = try JSONParser.parse(reply.body)
        var out: [(String, Int32)] = []
        for p in json["projections"]?.arrayValue ?? [] {
            if let name = p["name"]?.stringValue, let pid = p["pid"]?.integerValue { out.append((name, Int32(pid))) }
        }
        if let pid = json["notifier"]?["pid"]?.integerValue { out.append(("notifier", Int32(pid))) }
        return out
    }

    /// Waits until every projection has applied the whole journal.
    func waitForProjections(timeout: Double = 120) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let reply = try? request("GET", "/v1/status"), let json = try? JSONParser.parse(reply.body),
               let projections = json["projections"]?.arrayValue, !projections.isEmpty,
               projections.allSatisfy({ $0["lag"]?.integerValue == 0 }) {
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw SocketHTTP.Failure(description: "the projections did not catch up within \(Int(timeout)) s")
    }
}
