import Foundation
import TestSupport
import Testing

/// README.md's "Using it" walk-through, run as written: each `junction …` command of its
/// first code block, with the built binary, against a real daemon on a fresh data directory.
@Suite(.serialized)
struct WalkthroughTests {
    /// The password `junction user …` reads from standard input.
    static let password = "correct horse battery staple"

    /// The first ```sh block after "## Using it", its lines continued by a trailing
    /// backslash joined into one.
    static func walkthrough() throws -> [String] {
        let readme = try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8)
        let section = try #require(readme.range(of: "\n## Using it\n"), "README.md has no \"Using it\" section")
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```sh\n"), "\"Using it\" has no sh code block")
        let close = try #require(rest[open.upperBound...].range(of: "\n```"), "the code block of \"Using it\" is not closed")
        var commands: [String] = []
        var pending = ""
        for raw in rest[open.upperBound..<close.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            while line.last?.isWhitespace == true { line.removeLast() }
            if line.hasSuffix("\\") {
                pending += String(line.dropLast()) + " "
                continue
            }
            commands.append(pending + line)
            pending = ""
        }
        if !pending.isEmpty { commands.append(pending) }
        return commands
    }

    /// A shell line's words: whitespace separates them; single quotes keep everything to
    /// the next one, double quotes too but for `\"` and `\\`; a backslash outside quotes
    /// keeps the next character; an unquoted `#` at a word's start begins a comment.
    static func words(_ line: String) -> [String] {
        let chars = Array(line)
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q {
                    quote = nil
                } else if q == "\"", c == "\\", i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "\\" {
                    i += 1
                    word.append(chars[i])
                } else {
                    word.append(c)
                }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == "\\", i + 1 < chars.count {
                i += 1
                word.append(chars[i])
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else if c == "#", !inWord {
                break
            } else {
                word.append(c)
                inWord = true
            }
            i += 1
        }
        #expect(quote == nil, "an unclosed quote in the README's line: \(line)")
        if inWord { words.append(word) }
        return words
    }

    @Test func theWordsOfAShellLine() {
        #expect(Self.words(#"junction app add --name 'Uber Eats' --scope "a[b,c]"  # a comment"#)
                == ["junction", "app", "add", "--name", "Uber Eats", "--scope", "a[b,c]"])
        #expect(Self.words(#"a b\ c "d \"e\"" '' x#y"#) == ["a", "b c", #"d "e""#, "", "x#y"])
        #expect(Self.words("# only a comment").isEmpty)
    }

    /// The value after `option` among a command's words.
    static func value(of option: String, in words: [String]) -> String? {
        guard let k = words.firstIndex(of: option), k + 1 < words.count else { return nil }
        return words[k + 1]
    }

    /// The connection id and access token `junction connect` prints.
    static func connection(in output: String) -> (id: String?, token: String?) {
        var id: String?
        var token: String?
        for line in output.split(separator: "\n") {
            if line.hasPrefix("connected: ") || line.hasPrefix("already connected: "),
               let r = line.range(of: "connected: ") {
                id = line[r.upperBound...].split(separator: " ").first.map(String.init)
            } else if line.hasPrefix("access token") {
                token = line.split(separator: " ").last.map(String.init)
            }
        }
        return (id, token)
    }

    @Test func theReadmeWalkthroughWorksOnAFreshDataDirectory() async throws {
        // `junction init --data DIR` then `junction serve --data DIR &` is what RunningDaemon
        // does (a fresh directory, init, serve in the background until it answers /health):
        // a test cannot leave a command running with `&`, so those two lines are checked
        // to be the README's and the daemon is started here.
        let daemon = try RunningDaemon()
        let data = daemon.data
        var variables: [String: String] = [:]
        var ran: [String] = []
        var appName: String?
        var appNames: [String: String?] = [:]

        func substituted(_ word: String) throws -> String {
            if word == "DIR" { return data }
            if word.hasPrefix("DIR/") { return data + String(word.dropFirst(3)) }
            if word == "CONN" { return try #require(variables["CONN"], "CONN is used before `junction connect` gave one") }
            var word = word
            // Longest names first, so that $S does not eat the start of $SOMETHING.
            for (name, value) in variables.sorted(by: { $0.key.count > $1.key.count }) {
                word = word.replacingOccurrences(of: "$" + name, with: value)
            }
            #expect(!word.contains("$"), "an unknown variable in \(word)")
            return word
        }

        for line in try Self.walkthrough() {
            let words = Self.words(line)
            guard let first = words.first else { continue }
            // An assignment (S=DIR/junction.sock): a variable later lines use.
            if first.contains("="), words.count == 1, let eq = first.firstIndex(of: "=") {
                variables[String(first[..<eq])] = try substituted(String(first[first.index(after: eq)...]))
                continue
            }
            guard first == "junction" else { continue }  // curl and other tools: not run here
            let arguments = Array(words.dropFirst())
            if arguments.last == "&" {
                #expect(arguments == ["serve", "--data", "DIR", "&"], "the README starts the daemon otherwise: \(line)")
                ran.append("serve")
                continue
            }
            if arguments.first == "init" {
                #expect(arguments == ["init", "--data", "DIR"], "the README initializes otherwise: \(line)")
                ran.append("init")
                continue
            }
            let resolved = try arguments.map(substituted)
            let input = arguments.first == "user" ? Array((Self.password + "\n").utf8) : []
            let result = try run(Executables.junction, resolved, input: input)
            let name = arguments.prefix(2).joined(separator: " ")
            ran.append(arguments.first == "connect" || arguments.first == "connections" ? arguments[0] : name)
            let log = (try? String(contentsOfFile: daemon.log, encoding: .utf8)) ?? ""
            try #require(result.status == 0, """
                `\(line)` exited \(result.status)
                stdout: \(result.output)
                stderr: \(result.stderr)
                daemon: \(log.suffix(4000))
                """)
            switch arguments.first {
            case "app":
                let id = try #require(Self.value(of: "--id", in: arguments))
                appNames[id] = Self.value(of: "--name", in: arguments)
                if Self.value(of: "--callback-url", in: arguments) != nil {
                    #expect(result.output.contains("callback secret"), "\(result.output)")
                }
                if Self.value(of: "--redirect-uri", in: arguments) != nil {
                    #expect(result.output.contains("client secret"), "\(result.output)")
                }
            case "connect":
                appName = appNames[Self.value(of: "--app", in: arguments) ?? ""] ?? nil
                let (id, token) = Self.connection(in: result.output)
                variables["CONN"] = try #require(id, "no connection id in: \(result.output)")
                variables["TOKEN"] = try #require(token, "no access token in: \(result.output)")
            case "connections":
                let conn = try #require(variables["CONN"])
                let app = try #require(appName, "no `junction app add` of the connected app before `junction connections`")
                #expect(result.output.contains(conn) && result.output.contains(app), "\(result.output)")
            default:
                break
            }
        }
        #expect(variables["S"] == daemon.socket, "the README's socket is not the daemon's")
        for step in ["init", "serve", "account add", "location add", "catalog add", "customer-list add", "app add", "user add", "connect", "connections"] {
            #expect(ran.contains(step), "the walk-through no longer runs `junction \(step)`: \(ran)")
        }
    }
}
