import Foundation
import Journal
import Logging
import JunctionDaemon
import TestSupport
import Testing
import Yams

/// The package's root directory, from this file's place in it.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// `docs/openapi.yaml` says what the daemon does: the same routes, and each one answered.
struct OpenAPITests {
    /// (METHOD, /path/{param}) of every operation under `paths:`, read as YAML.
    static func documented() throws -> Set<String> {
        let text = try String(contentsOfFile: packageRoot + "/docs/openapi.yaml", encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any], "docs/openapi.yaml is not a mapping")
        let paths = try #require(document["paths"] as? [String: Any], "docs/openapi.yaml has no paths")
        var operations = Set<String>()
        for (path, item) in paths {
            let methods = try #require(item as? [String: Any], "\(path) is not a mapping")
            for method in methods.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    /// (METHOD, /path/{param}) of every route the daemon's router holds.
    static func implemented() throws -> Set<String> {
        Set(Daemon.routes())
    }

    @Test func theDocumentListsExactlyTheRoutesTheDaemonServes() throws {
        let documented = try Self.documented()
        let implemented = try Self.implemented()
        #expect(implemented.count >= 15, "the router holds too little: \(implemented)")
        #expect(documented.subtracting(implemented).isEmpty, "documented but not served: \(documented.subtracting(implemented).sorted())")
        #expect(implemented.subtracting(documented).isEmpty, "served but not documented: \(implemented.subtracting(documented).sorted())")
    }

    @Test func everyDocumentedRouteIsAnswered() async throws {
        let d = try RunningDaemon()
        for operation in try Self.documented().sorted() {
            let parts = operation.split(separator: " ")
            let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "x1").replacingOccurrences(of: "{seq}", with: "1")
            let reply = try await d.request(String(parts[0]), path, body: parts[0] == "GET" ? nil : Array("{}".utf8))
            #expect(!(reply.status == 404 && reply.text.contains("no such endpoint")) && reply.status != 405,
                    "\(operation): \(reply.status) \(reply.text)")
            #expect(reply.status < 500 || reply.status == 503, "\(operation): \(reply.status) \(reply.text)")
        }
        #expect(d.stop() == 0)
    }
}
