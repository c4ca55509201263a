import Foundation
import TestSupport

/// Three `nats-server` processes (Debian's) with JetStream on loopback, one cluster,
/// started for a test and stopped with it.
final class NATSCluster: @unchecked Sendable {
    // @unchecked: the processes are only touched by the test that owns the cluster.
    let dir = TemporaryDirectory("nats")
    let clientPorts: [Int]
    private var processes: [Process] = []

    /// Debian installs it in /usr/sbin.
    static let server = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? "/usr/sbin/nats-server"

    /// `nats://127.0.0.1:P1,…`, for `--replicate`.
    var urls: String { clientPorts.map { "nats://127.0.0.1:\($0)" }.joined(separator: ",") }

    init() throws {
        clientPorts = (0..<3).map { _ in freeLoopbackPort() }
        let routePorts = (0..<3).map { _ in freeLoopbackPort() }
        let routes = routePorts.map { "nats://127.0.0.1:\($0)" }.joined(separator: ", ")
        for i in 0..<3 {
            let config = """
                server_name: n\(i + 1)
                listen: 127.0.0.1:\(clientPorts[i])
                jetstream { store_dir: "\(dir.path)/n\(i + 1)" }
                cluster { name: junction-test, listen: 127.0.0.1:\(routePorts[i]), routes: [\(routes)] }
                """
            try config.write(toFile: dir.path + "/n\(i + 1).conf", atomically: true, encoding: .utf8)
            processes.append(try start(i))
        }
        // Ready once a JetStream metadata leader is elected: streams can be created then.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if (0..<3).contains(where: { log($0).contains("metadata leader") }) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw NATSClusterFailed(log: (0..<3).map(log).joined(separator: "\n"))
    }

    private func start(_ i: Int) throws -> Process {
        let logPath = dir.path + "/n\(i + 1).log"
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: NATSCluster.server)
        p.arguments = ["-c", dir.path + "/n\(i + 1).conf"]
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    func log(_ i: Int) -> String {
        (try? String(contentsOfFile: dir.path + "/n\(i + 1).log", encoding: .utf8)) ?? ""
    }

    /// SIGKILL node `i` (0, 1 or 2), reaped.
    func kill(_ i: Int) {
        guard processes[i].isRunning else { return }
        Foundation.kill(processes[i].processIdentifier, SIGKILL)
        processes[i].waitUntilExit()
    }

    /// Starts node `i` again, on its store.
    func restart(_ i: Int) throws {
        processes[i] = try start(i)
    }

    deinit {
        for p in processes where p.isRunning {
            p.terminate()
            p.waitUntilExit()
        }
    }
}

struct NATSClusterFailed: Error, CustomStringConvertible {
    let log: String
    var description: String { "the NATS cluster did not form:\n\(log)" }
}
