import ArgumentParser
import Events
import Foundation

/// `junction app add`: registers an app of the hub (through the daemon).
struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app", abstract: "Register apps (through the daemon).",
        subcommands: [AppAddCommand.self])
}

/// The level an app connects at.
enum AppLevelArgument: String, CaseIterable, ExpressibleByArgument {
    case account, location, either
}

struct AppAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register an app: its level, the scope it asks for, its URLs.",
        discussion: """
            An app of level account asks for an account[…] scope, one of level location for a
            location[…] scope, one of level either for either, e.g. 'location[orders.write,catalog.read]'.
            With --callback-url the answer holds the secret its disconnect callbacks are signed
            with; it is shown only once.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var socket: SocketOption
    @Option(help: "The app id (1 to 64 letters, digits, - or _).") var id: String
    @Option(help: "The app's name.") var name: String
    @Option(help: "The level it connects at.") var level: AppLevelArgument
    @Option(help: "The scope it asks for.") var scope: String
    @Option(name: .customLong("open-url"), help: ArgumentHelp("Where the app is opened from the back office (http or https).", valueName: "URL"))
    var openURL: String?
    @Option(name: .customLong("callback-url"), help: ArgumentHelp("Where a disconnect is announced to the app (http or https).", valueName: "URL"))
    var callbackURL: String?
    @Option(name: .customLong("redirect-uri"), help: ArgumentHelp(
        "Where the OAuth grant may send the owner back with a code (repeat for several); the answer then holds the app's client id and secret.",
        valueName: "URL"))
    var redirectURIs: [String] = []
    @Option(name: .customLong("install-url"), help: ArgumentHelp(
        "Where Connecter sends the owner (with ?location_id=… or ?account_id=…) for the app to start the OAuth grant. Needs --redirect-uri.",
        valueName: "URL"))
    var installURL: String?
    @Flag(name: .customLong("public"), help: "A public OAuth client (in a browser, on a device): no client secret; its codes are proved with PKCE (S256). Needs --redirect-uri.")
    var isPublic = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        var w = JSONWriter()
        w.beginObject()
        for (k, v) in [("app_id", id), ("name", name), ("level", level.rawValue), ("scope", scope),
                       ("open_url", openURL), ("disconnect_callback_url", callbackURL)] { w.string(k, ifPresent: v) }
        if !redirectURIs.isEmpty {
            w.beginArray("redirect_uris")
            for uri in redirectURIs { w.string(nil, uri) }
            w.endArray()
        }
        if isPublic { w.bool("public", true) }
        w.string("install_url", ifPresent: installURL)
        w.endObject()
        let body = w.bytes
        let reply = try await socket.client(global).send(.post, "/v1/apps", body: body)
        let secret = reply.json?["callback_secret"]?.stringValue
        if json, secret != nil {
            FileHandle.standardError.write(Data("the callback_secret is shown only once: keep it\n".utf8))
        }
        printReceipt(reply, json: json) { v in
            var text = "registered app \(id) (event \(v["seq"]?.integerValue ?? 0))"
            if let secret {
                text += "\ncallback secret  \(secret)"
                text += "\n(shown only once: keep it to check the X-Junction-Signature of the app's disconnect callbacks)"
            }
            if let client = v["client_id"]?.stringValue, let clientSecret = v["client_secret"]?.stringValue {
                text += "\nclient id      \(client)\nclient secret  \(clientSecret)"
                text += "\n(the OAuth client credentials for POST /oauth2/v1/token; keep the secret)"
            } else if let client = v["client_id"]?.stringValue {
                text += "\nclient id      \(client)\n(a public client: no secret; its codes are proved with PKCE, S256)"
            }
            return text
        }
    }
}
