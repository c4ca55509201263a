import Foundation
import TestSupport
import Testing

/// The package's root directory, from this file's place in it.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// `docs/openapi.yaml` says what the daemon does: the same routes, and each one answered.
struct OpenAPITests {
    /// (METHOD, /path/{param}) of every operation under `paths:`.
    static func documented() throws -> Set<String> {
        let text = try String(contentsOfFile: packageRoot + "/docs/openapi.yaml", encoding: .utf8)
        var inPaths = false
        var path: String?
        var operations = Set<String>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            guard inPaths else { continue }
            if let first = line.first, first != " ", first != "#" { break }  // the next top-level key
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast(line.hasSuffix(":") ? 1 : 0))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "post", "put", "patch", "delete"].contains(String(key)) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }

    /// (METHOD, /path/{param}) of every route the daemon registers.
    static func implemented() throws -> Set<String> {
        let directory = packageRoot + "/Sources/Service/HTTP"
        let pattern = try NSRegularExpression(pattern: #"\b(get|post|put|patch|delete)\("(/[^"]*)""#)
        var operations = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".swift") {
            let source = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for match in pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                let method = String(source[Range(match.range(at: 1), in: source)!]).uppercased()
                let path = String(source[Range(match.range(at: 2), in: source)!])
                    .split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                operations.insert("\(method) /\(path)")
            }
        }
        return operations
    }

    @Test func theDocumentListsExactlyTheRoutesTheDaemonServes() throws {
        let documented = try Self.documented()
        let implemented = try Self.implemented()
        #expect(implemented.count >= 15, "the route scan found too little: \(implemented)")
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
