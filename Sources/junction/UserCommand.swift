import ArgumentParser
import Events
import Foundation

/// `junction user add|passwd|remove`: the back office's users (through the daemon). A
/// password is never an argument (it would be seen in the process list and the shell's
/// history): it is the first line of standard input.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add back-office users, change their password, remove them (through the daemon).",
        subcommands: [UserAddCommand.self, UserPasswdCommand.self, UserRemoveCommand.self])
}

/// The first line of standard input, its line ending removed; an empty one is refused.
/// On a terminal it asks for it and does not echo it.
func readPassword() throws -> String {
    let terminal = isatty(STDIN_FILENO) == 1
    var saved = termios()
    var echoOff = false
    if terminal {
        FileHandle.standardError.write(Data("password: ".utf8))
        if tcgetattr(STDIN_FILENO, &saved) == 0 {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            echoOff = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0
        }
    }
    let line = readLine(strippingNewline: true)
    if echoOff {
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    guard let line, !line.isEmpty else {
        throw CommandFailure("no password: give it as the first line of standard input")
    }
    return line
}

struct UserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a user: an account's owner (--account) or an operator of the hub (--operator).",
        discussion: "The password is the first line of standard input, e.g. printf '%s\\n' \"$PASSWORD\" | junction user add …")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Option(help: "The user's email address, their login.") var email: String
    @Option(help: "The account the user owns.") var account: String?
    @Flag(name: .customLong("operator"), help: "An operator of the hub, who sees every account.") var asOperator = false
    @Option(help: "The language of the user's alert e-mails: fr (the default) or en.") var language: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if account != nil && asOperator { throw ValidationError("give --account or --operator, not both") }
        if account == nil && !asOperator { throw ValidationError("give --account ID (the account's owner) or --operator") }
    }

    func run() async throws {
        let password = try readPassword()
        let body = SocketClient.body([("email", email), ("account_id", account),
                                      ("role", asOperator ? "operator" : "owner"), ("password", password), ("language", language)])
        let reply = try await socket.client(global).send(.post, "/v1/users", body: body)
        let role = account.map { "owner of \($0)" } ?? "operator"
        printReceipt(reply, json: json) { v in "added user \(email), \(role) (event \(v["seq"]?.integerValue ?? 0))" }
    }
}

struct UserPasswdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd", abstract: "Change a user's password.",
        discussion: "The new password is the first line of standard input.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Option(help: "The user's email address.") var email: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let password = try readPassword()
        let body = SocketClient.body([("email", email), ("password", password)])
        let reply = try await socket.client(global).send(.post, "/v1/users/password", body: body)
        printReceipt(reply, json: json) { v in "changed the password of \(email) (event \(v["seq"]?.integerValue ?? 0))" }
    }
}

struct UserRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a user: they can no longer sign in.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Option(help: "The user's email address.") var email: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await socket.client(global).send(.post, "/v1/users/remove", body: SocketClient.body([("email", email)]))
        printReceipt(reply, json: json) { v in "removed user \(email) (event \(v["seq"]?.integerValue ?? 0))" }
    }
}
