import Answers
import ArgumentParser
import Events

/// `junction errors CONN` (or `--account ID`): the failed calls grouped by resource,
/// method, status and the error the answer gave, the most recent failure first.
struct ErrorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors",
        abstract: "A connection's (or an account's) failed calls, grouped by resource, method, status and error.",
        discussion: """
            Each group shows its count, its first and last time, and its id: `junction logs CONN
            --error ID` lists its calls.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var query: QueryOptions

    @Argument(help: "The connection id (leave out with --account).")
    var connection: String?

    @Option(help: "Every connection of this account instead.")
    var account: String?

    func validate() throws {
        guard (connection == nil) != (account == nil) else { throw ValidationError("give a connection id or --account, not both") }
    }

    func run() async throws {
        let source = try query.source(global, global.makeLogger("junction.errors"))
        defer { source.close() }
        let answer: ErrorGroupsAnswer
        if let account { answer = try await source.errors(account: account) } else { answer = try await source.errors(connection!) }
        if query.json {
            print(jsonText { answer.writeJSON(&$0) })
            return
        }
        guard !answer.groups.isEmpty else {
            print("no failed calls in the logs kept")
            return
        }
        print("\(answer.failures) failed calls in \(answer.groups.count) groups")
        for g in answer.groups {
            print("")
            let who = account == nil ? "" : "  [\(g.connectionID)]"
            print("\(g.count)×  \(g.method) \(g.resource) → \(g.status)  \(g.error.isEmpty ? "(no error in the answer)" : g.error)\(who)")
            print("    first \(g.firstLocalTime)   last \(g.lastLocalTime)   (log entry \(g.lastSeq))")
            print("    id \(g.id)")
        }
    }
}
