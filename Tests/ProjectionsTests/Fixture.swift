import Events
import Foundation
import Journal
import Logging
import Projections
import TestSupport

let quiet = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }

/// A data directory with a journal, events appended in-process, and the projections
/// built from it.
final class Fixture {
    let dir = TemporaryDirectory("projections")
    let data: DataDirectory
    let journal: Journal

    init() throws {
        data = DataDirectory(dir.path + "/data")
        journal = try data.initialize(logger: quiet)
    }

    deinit {
        journal.close()
    }

    @discardableResult
    func append(_ events: [Event]) throws -> ClosedRange<UInt64> {
        var batch = RecordBatch()
        for e in events { try batch.appendRecord { try BinaryEventCodec.encode(e, into: &$0) } }
        return try journal.appendAndWait(batch)
    }

    /// Brings every live projection up to the head and opens the queries.
    func queries() throws -> Queries {
        try ProjectionBuilder.catchUpLive(data: data, journal: journal, logger: quiet)
        return try Queries(data: data, logger: quiet)
    }
}

func t(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

let digest = [UInt8](repeating: 0xAB, count: 32)

func account(_ id: String, zone: String, at time: String = "2026-01-01T00:00:00Z") -> Event {
    Event(time: t(time), .accountRegistered(AccountRegistered(accountID: id, name: "Account \(id)", timeZone: zone)))
}

func location(_ id: String, of account: String, zone: String, at time: String = "2026-01-01T00:00:00Z") -> Event {
    Event(time: t(time), .locationRegistered(LocationRegistered(locationID: id, accountID: account, name: "Loc \(id)", timeZone: zone)))
}

func app(_ id: String, _ name: String, level: ConnectionLevel, at time: String = "2026-01-01T00:00:00Z") -> Event {
    let scope = level == .account ? "account[customer_list.read]" : "location[orders.write]"
    return Event(time: t(time), .appRegistered(AppRegistered(appID: id, name: name, level: level, scope: scope,
                                                              openURL: "https://\(id).example.com")))
}

func connect(_ id: String, app: String, account: String, location: String? = nil, device: String? = nil, at time: String) -> Event {
    Event(time: t(time), .connectionCreated(ConnectionCreated(
        connectionID: id, appID: app, accountID: account, locationID: location, deviceID: device,
        scope: location == nil ? "account[customer_list.read]" : "location[orders.write]",
        customerListID: "xab66", catalogID: "psmlf", tokenDigest: digest, tokenHint: "9f3a")))
}

func request(
    _ connection: String, at time: Timestamp, resource: String = "orders", method: HTTPMethod = .post, status: UInt16 = 201
) -> Event {
    Event(time: time, .requestLogged(RequestLogged(
        connectionID: connection, requestID: nil, method: method, resource: resource, url: "/\(resource)",
        status: status, durationMicroseconds: 1000, requestBody: Array("{\"a\":1}".utf8), responseBody: Array("{}".utf8))))
}
