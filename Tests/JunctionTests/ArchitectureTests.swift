import Foundation
import Testing

/// The floors of docs/architecture.md hold in the sources: no module imports one above
/// it or one its line does not list, and only the journal and the projections use LMDB.
struct ArchitectureTests {
    struct Floor {
        var level: Int
        var mayImport: Set<String>
    }

    /// The table of docs/architecture.md: module → floor and what it may import.
    static func floors() throws -> [String: Floor] {
        let text = try String(contentsOfFile: packageRoot + "/docs/architecture.md", encoding: .utf8)
        var floors: [String: Floor] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, let level = Int(cells[1]), cells[2].hasPrefix("`") else { continue }
            let name = cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let allowed = cells[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            floors[name] = Floor(level: level, mayImport: Set(allowed))
        }
        return floors
    }

    /// Where each module's sources are.
    static let directories = [
        "LMDB": "Sources/LMDB", "Journal": "Sources/Journal", "Events": "Sources/Events", "Domain": "Sources/Domain",
        "Projections": "Sources/Projections", "Answers": "Sources/Answers", "Hub": "Sources/Hub", "Ingestion": "Sources/Ingestion",
        "Pages": "Sources/Pages", "NATS": "Sources/NATS", "FrontDoor": "Sources/FrontDoor", "Supervision": "Sources/Supervision",
        "Notifications": "Sources/Notifications", "Replication": "Sources/Replication", "SocketAPI": "Sources/SocketAPI",
        "AppGateway": "Sources/AppGateway", "BackOfficeWeb": "Sources/BackOfficeWeb", "JunctionDaemon": "Sources/JunctionDaemon",
        "junction": "Sources/junction", "junction-replay": "tools/replay", "junction-chaos": "tools/chaos",
        "junction-loadgen": "tools/loadgen",
    ]

    /// The project's modules each Swift file of `directory` imports.
    static func imports(in directory: String, of modules: Set<String>) throws -> [(file: String, module: String)] {
        var found: [(String, String)] = []
        let root = packageRoot + "/" + directory
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        for case let file as String in walker where file.hasSuffix(".swift") {
            let source = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for line in source.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard let k = words.firstIndex(of: "import"), k + 1 < words.count,
                      words[..<k].allSatisfy({ ["public", "internal", "package", "private", "fileprivate", "@testable"].contains($0) })
                else { continue }
                let module = words[k + 1]
                if modules.contains(module) { found.append((directory + "/" + file, module)) }
            }
        }
        return found
    }

    /// Every directory of Swift sources is a module the table and the test know.
    @Test func everyModuleIsChecked() throws {
        let known = Set(Self.directories.values)
        let floors = try Self.floors()
        for directory in try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/Sources") {
            let path = "Sources/" + directory
            let files = FileManager.default.enumerator(atPath: packageRoot + "/" + path)?.compactMap { $0 as? String } ?? []
            guard files.contains(where: { $0.hasSuffix(".swift") }) else { continue }  // C modules: module maps only
            #expect(known.contains(path), "\(path) is not checked by ArchitectureTests")
            #expect(floors[directory] != nil, "\(directory) is not in docs/architecture.md")
        }
    }

    @Test func everyModuleImportsOnlyWhatItsFloorAllows() throws {
        let floors = try Self.floors()
        #expect(floors.count >= 12, "the table of docs/architecture.md was not read: \(floors.keys.sorted())")
        let project = Set(floors.keys)
        var checked = 0
        for (module, directory) in Self.directories {
            let floor = try #require(floors[module], "\(module) is not in docs/architecture.md")
            for (file, imported) in try Self.imports(in: directory, of: project) where imported != module {
                checked += 1
                let other = try #require(floors[imported])
                #expect(other.level < floor.level, "\(file) imports \(imported) (floor \(other.level)) from floor \(floor.level)")
                #expect(floor.mayImport.contains(imported), "\(file) imports \(imported), which \(module)'s line does not list")
            }
        }
        #expect(checked > 50, "too few imports found: \(checked)")
    }

    @Test func onlyTheJournalAndTheProjectionsUseLMDBAndTheJournalHidesIt() throws {
        for (module, directory) in Self.directories where !["LMDB", "Journal", "Projections"].contains(module) {
            let lmdb = try Self.imports(in: directory, of: ["LMDB", "CLMDB"])
            #expect(lmdb.isEmpty, "\(lmdb.map(\.file)) import LMDB")
        }
        // The journal's public interface shows no LMDB type: nothing above can reach its files.
        let root = packageRoot + "/Sources/Journal"
        for file in try FileManager.default.contentsOfDirectory(atPath: root) where file.hasSuffix(".swift") {
            let source = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            #expect(!source.contains("public import LMDB"), "Sources/Journal/\(file) re-exports LMDB")
        }
    }

    /// The core knows no HTTP: none of the files of the core and of the parts below the
    /// front doors (ingestion, replication, supervision) imports an HTTP or network
    /// framework, and none names an HTTP type, the front doors' error or a status code.
    @Test(arguments: ["Hub", "Ingestion", "Replication", "Supervision"])
    func theCoreSpeaksNoHTTP(_ module: String) throws {
        let frameworks: Set<String> = [
            "Hummingbird", "HummingbirdCore", "HTTPTypes", "NIOCore", "NIOHTTP1", "NIOHTTPTypes", "NIOHTTPTypesHTTP1", "AsyncHTTPClient",
            "FrontDoor", "SocketAPI", "AppGateway", "BackOfficeWeb",
        ]
        let directory = try #require(Self.directories[module])
        let found = try Self.imports(in: directory, of: frameworks)
        #expect(found.isEmpty, "\(found.map { "\($0.file) imports \($0.module)" })")
        let root = packageRoot + "/" + directory
        let walker = try #require(FileManager.default.enumerator(atPath: root))
        var files = 0
        let statuses = try NSRegularExpression(pattern: #"\b(400|401|403|404|405|409|413|415|422|429|500|502|503|504)\b"#)
        for case let file as String in walker where file.hasSuffix(".swift") {
            files += 1
            let source = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for word in ["APIError", "HTTPResponse", "HTTPRequest", "HTTPField", "statusCode", "httpStatus"] {
                #expect(!source.contains(word), "\(directory)/\(file) names \(word)")
            }
            let range = NSRange(source.startIndex..., in: source)
            #expect(statuses.firstMatch(in: source, range: range) == nil, "\(directory)/\(file) names a status code")
        }
        #expect(files >= 3, "\(directory)'s files were not read: \(files)")
    }
}
