import AsyncHTTPClient
import NIOCore
import Foundation
import TestSupport

/// Three `nats-server` processes (Debian's) with JetStream on loopback, one cluster,
/// started for a test and stopped with it.
final class NATSCluster: @unchecked Sendable {
    // @unchecked: the processes are touched by the test that owns the cluster and, in
    // ReplicationTests.aWriterWaitsForTheClusterToForm, by one delayed `restart` on another
    // thread, which ends before the test goes on (its writer cannot serve until that node is up).
    let dir = TemporaryDirectory("nats")
    private(set) var clientPorts: [Int] = []
    /// The monitoring ports (`/jsz`), by which the test knows the cluster has formed.
    private(set) var monitorPorts: [Int] = []
    /// By node; nil for one not started yet.
    private var processes: [Process?] = [nil, nil, nil]

    /// Debian installs it in /usr/sbin.
    static let server = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? "/usr/sbin/nats-server"

    /// `nats://127.0.0.1:P1,…`, for `--replicate`.
    var urls: String { clientPorts.map { "nats://127.0.0.1:\($0)" }.joined(separator: ",") }

    /// Starts the first `started` nodes (all three unless told) and waits until they have
    /// formed: one leads the metadata group and sees the others current. A node left out
    /// is started later by ``restart(_:)``. A node that exits at once (a port picked free
    /// was taken by someone else meanwhile) makes the cluster start again on new ports.
    init(started: Int = 3) async throws {
        for attempt in 1...3 {
            try configure()
            for i in 0..<started { processes[i] = try start(i) }
            // Ready once a node is the metadata leader and sees the others as current replicas:
            // with all three, a stream of three replicas can be placed then. (A node can log that
            // a leader was elected before the leader has its peers; a stream created then fails
            // with "no suitable peers for placement".)
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                for i in 0..<started where await isFormedLeader(i, peers: started - 1) { return }
                if processes.contains(where: { $0 != nil && $0!.isRunning == false }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let exited = processes.contains { $0 != nil && $0!.isRunning == false }
            guard exited, attempt < 3 else { break }
            stopAll()
        }
        throw NATSClusterFailed(log: (0..<3).map(log).joined(separator: "\n"))
    }

    /// Picks the ports and writes the three nodes' configurations.
    private func configure() throws {
        clientPorts = (0..<3).map { _ in freeLoopbackPort() }
        monitorPorts = (0..<3).map { _ in freeLoopbackPort() }
        let routePorts = (0..<3).map { _ in freeLoopbackPort() }
        let routes = routePorts.map { "nats://127.0.0.1:\($0)" }.joined(separator: ", ")
        for i in 0..<3 {
            let config = """
                server_name: n\(i + 1)
                listen: 127.0.0.1:\(clientPorts[i])
                http: 127.0.0.1:\(monitorPorts[i])
                jetstream { store_dir: "\(dir.path)/n\(i + 1)" }
                cluster { name: junction-test, listen: 127.0.0.1:\(routePorts[i]), routes: [\(routes)] }
                """
            try config.write(toFile: dir.path + "/n\(i + 1).conf", atomically: true, encoding: .utf8)
        }
    }

    private func stopAll() {
        for case let p? in processes where p.isRunning {
            p.terminate()
            p.waitUntilExit()
        }
        processes = [nil, nil, nil]
        try? FileManager.default.removeItem(atPath: dir.path)
        try? FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
    }

    /// Whether node `i`'s `/jsz` says it leads the metadata group with `peers` others current.
    private func isFormedLeader(_ i: Int, peers: Int) async -> Bool {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(monitorPorts[i])/jsz")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
            let body = try? await response.body.collect(upTo: 1 << 20),
            let jsz = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let meta = jsz["meta_cluster"] as? [String: Any],
            meta["leader"] as? String == "n\(i + 1)",
            let replicas = meta["replicas"] as? [[String: Any]]
        else { return false }
        return replicas.count == peers && replicas.allSatisfy { $0["current"] as? Bool == true }
    }

    /// The node leading stream `name`'s replicas (0, 1 or 2), as the nodes' `/jsz` say.
    func streamLeader(_ name: String) async -> Int? {
        for i in 0..<3 {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(monitorPorts[i])/jsz?accounts=true&streams=true")
            guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
                  let body = try? await response.body.collect(upTo: 4 << 20),
                  let jsz = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                  let accounts = jsz["account_details"] as? [[String: Any]]
            else { continue }
            for account in accounts {
                for stream in account["stream_detail"] as? [[String: Any]] ?? [] where stream["name"] as? String == name {
                    if let leader = (stream["cluster"] as? [String: Any])?["leader"] as? String,
                       let n = Int(leader.dropFirst()), (1...3).contains(n) {
                        return n - 1
                    }
                }
            }
        }
        return nil
    }

    /// `nats://127.0.0.1:P` of the given nodes only.
    func urls(_ nodes: [Int]) -> String { nodes.map { "nats://127.0.0.1:\(clientPorts[$0])" }.joined(separator: ",") }

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
        guard let p = processes[i], p.isRunning else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// Starts node `i` again on its store, or for the first time.
    func restart(_ i: Int) throws {
        processes[i] = try start(i)
    }

    deinit {
        for case let p? in processes where p.isRunning {
            p.terminate()
            p.waitUntilExit()
        }
    }
}

struct NATSClusterFailed: Error, CustomStringConvertible {
    let log: String
    var description: String { "the NATS cluster did not form:\n\(log)" }
}
