import Events
import Foundation
import TestSupport
import Testing

struct LoadgenTests {
    @Test func theSampleIsDeterministicAndAccepted() throws {
        let first = try run(Executables.loadgen, ["--seed", "3", "--events", "4000"])
        let second = try run(Executables.loadgen, ["--seed", "3", "--events", "4000"])
        let other = try run(Executables.loadgen, ["--seed", "4", "--events", "4000"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        #expect(first.stdout != other.stdout)
        let lines = first.output.split(separator: "\n")
        #expect(lines.count == 4000)
        let dir = TemporaryDirectory("loadgen")
        let data = try initialized(dir)
        let appended = try run(Executables.junction, ["append", "--data", data], input: first.stdout)
        #expect(appended.output == "appended 4000 events: 1…4000\n", "\(appended.stderr)")
    }

    @Test func theSampleLooksLikeTheHubsTraffic() throws {
        let sample = try run(Executables.loadgen, ["--seed", "1", "--events", "20000", "--days", "30"])
        var zones = Set<String>()
        var levels = Set<String>()
        var instances: [String: Set<String>] = [:]
        var kinds: [String: Int] = [:]
        var statuses = Set<UInt16>()
        var methods = Set<HTTPMethod>()
        var resources = Set<String>()
        var bodyBytes: [Int] = []
        var previous = Timestamp(microseconds: .min)
        for line in sample.output.split(separator: "\n") {
            let event = try NDJSONEventCodec.decode(line: String(line))
            #expect(event.time >= previous, "times go backwards")
            previous = event.time
            switch event.payload {
            case .locationRegistered(let e): zones.insert(e.timeZone)
            case .accountRegistered(let e): zones.insert(e.timeZone)
            case .connectionCreated(let e):
                levels.insert(e.locationID == nil ? "account" : "location")
                if let location = e.locationID { instances["\(e.appID)@\(location)", default: []].insert(e.deviceID ?? "") }
            case .requestLogged(let r):
                statuses.insert(r.status)
                methods.insert(r.method)
                resources.insert(r.resource)
                bodyBytes.append(r.requestBody.count + r.responseBody.count)
                #expect(!r.requestHeaders.contains { $0.name.lowercased() == "x-access-token" && $0.value != "[REDACTED]" })
            default: break
            }
            kinds[Event.Kind(rawValue: event.kindNumber)?.name ?? "unknown", default: 0] += 1
        }
        #expect(zones.isSuperset(of: ["Europe/Paris", "Asia/Kolkata"]) && zones.count >= 4)
        #expect(levels == ["account", "location"])
        #expect(instances.values.contains { $0.count >= 2 }, "two instances of one app on one location")
        #expect((kinds["connectionBlocked"] ?? 0) >= 1 && (kinds["connectionUnblocked"] ?? 0) >= 1)
        #expect((kinds["requestLogged"] ?? 0) > 15_000)
        #expect(statuses.contains(200) && statuses.contains(201) && statuses.contains { $0 >= 400 && $0 < 500 } && statuses.contains { $0 >= 500 })
        #expect(methods.isSuperset(of: [.get, .post, .patch]))
        #expect(resources.isSuperset(of: ["orders", "catalogs", "customers"]))
        let sorted = bodyBytes.sorted()
        #expect(sorted[sorted.count / 2] > 200 && sorted.last! > 10_000, "bodies of realistic sizes")
    }
}
