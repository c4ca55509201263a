import ArgumentParser
import Events

/// What `junction catalog` and `junction customer-list` share: the kind of list and the
/// options naming one.
enum ListKind {
    case catalog, customerList

    var path: String { self == .catalog ? "/v1/catalogs" : "/v1/customer-lists" }
    var idField: String { self == .catalog ? "catalog_id" : "customer_list_id" }
    var arrayField: String { self == .catalog ? "catalogs" : "customer_lists" }
    var noun: String { self == .catalog ? "catalog" : "customer list" }
}

/// The options of `… add`: the list's id, its account, its location if it is one's, its name.
struct ListAddOptions: ParsableArguments {
    @Option(help: "The id the hub gives it (1 to 64 letters, digits, - or _).") var id: String
    @Option(help: "The account it belongs to.") var account: String
    @Option(help: "The location it belongs to, if it is one location's rather than the whole account's.") var location: String?
    @Option(help: "Its name, as the owner sees it when granting an app.") var name: String
    @Flag(help: "Print JSON.") var json = false

    func run(_ kind: ListKind, _ global: GlobalOptions, _ socket: SocketOption) async throws {
        let body = SocketClient.body([(kind.idField, id), ("account_id", account), ("location_id", location), ("name", name)])
        let reply = try await socket.client(global).send(.post, kind.path, body: body)
        printReceipt(reply, json: json) { v in
            "registered \(kind.noun) \(id) of \(location ?? account) (event \(v["seq"]?.integerValue ?? 0))"
        }
    }
}

/// The options of `… list`: the place whose lists to show.
struct ListListOptions: ParsableArguments {
    @Option(help: "The account.") var account: String
    @Option(help: "A location of the account: its own lists and the account's.") var location: String?
    @Flag(help: "Print JSON.") var json = false

    func run(_ kind: ListKind, _ global: GlobalOptions, _ socket: SocketOption) async throws {
        let reply = try await socket.client(global).send(.get, kind.path + queryString([("account_id", account), ("location_id", location)]))
        if json {
            print(String(decoding: reply.body, as: UTF8.self))
            return
        }
        for item in reply.json?[kind.arrayField]?.arrayValue ?? [] {
            let id = item[kind.idField]?.stringValue ?? ""
            let owner = item["location_id"]?.stringValue ?? item["account_id"]?.stringValue ?? ""
            print("\(id)\t\(owner)\t\(item["name"]?.stringValue ?? "")")
        }
    }
}
