internal import Foundation
import Events

/// UTC offsets of the regions' time zones, from the system's time zone database.
struct ZoneClock {
    private let zones: [TimeZone] = Regions.all.map { TimeZone(identifier: $0.timeZone)! }

    /// Seconds east of UTC in `region` at `time`.
    func offset(region: Int, at time: Timestamp) -> Int {
        zones[region].secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(time.seconds)))
    }
}

/// When requests happen: the span is cut into UTC hours, each hour gets a share of the
/// requests in proportion to how busy its active connections are at that local hour and
/// weekday (lunch and dinner rushes for tills and platforms, night jobs for BI), and
/// each request goes to a connection drawn by the same weights.
struct Timeline {
    /// Relative traffic by local hour (0–23) for each kind of app.
    private static let hourly: [AppKind: [Double]] = [
        .delivery: [0.25, 0.12, 0.06, 0.04, 0.03, 0.04, 0.08, 0.2, 0.35, 0.5, 0.8, 1.8,
                    3.2, 2.6, 1.1, 0.6, 0.6, 1.0, 2.2, 3.6, 3.2, 2.0, 1.0, 0.5],
        .pointOfSale: [0.15, 0.08, 0.05, 0.05, 0.05, 0.05, 0.15, 0.5, 0.9, 1.1, 1.4, 2.4,
                       3.2, 2.8, 1.6, 1.0, 1.0, 1.4, 2.4, 3.2, 3.0, 2.2, 1.2, 0.5],
        .marketing: [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0, 2.5, 3.0, 2.0, 1.2,
                     0.8, 0.8, 1.0, 1.2, 1.4, 1.6, 1.4, 1.0, 0.8, 0.6, 0.4, 0.3],
        .analytics: [0.6, 2.0, 3.5, 3.5, 2.5, 1.0, 0.5, 0.4, 0.5, 0.6, 0.6, 0.5,
                     0.4, 0.4, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4],
        .stock: [0.1, 0.1, 0.1, 0.1, 0.2, 0.8, 2.0, 2.8, 2.4, 1.5, 1.0, 0.8,
                 0.6, 0.6, 1.2, 1.6, 1.2, 0.8, 0.6, 0.6, 0.8, 1.4, 1.8, 0.6],
        .loyalty: [0.25, 0.12, 0.06, 0.04, 0.03, 0.04, 0.08, 0.2, 0.35, 0.5, 0.8, 1.8,
                   3.2, 2.6, 1.1, 0.6, 0.6, 1.0, 2.2, 3.6, 3.2, 2.0, 1.0, 0.5],
    ]
    /// Relative traffic by local weekday, Monday first: restaurants are busiest at the weekend.
    private static let dining: [Double] = [0.85, 0.9, 0.95, 1.0, 1.2, 1.35, 1.15]
    private static let office: [Double] = [1.1, 1.1, 1.1, 1.1, 1.0, 0.5, 0.4]
    private static let flat: [Double] = [1, 1, 1, 1, 1, 1, 1]

    private let from: Int64
    private let to: Int64
    private let clock: ZoneClock
    /// Per hour: its start (µs), end (µs) and the regions' UTC offsets.
    private var hours: [(start: Int64, end: Int64, offsets: [Int])] = []
    /// Per hour: how many requests it holds.
    private var counts: [Int] = []

    init(world: World, from: Timestamp, to: Timestamp, requests: Int, clock: ZoneClock) {
        self.from = from.microseconds
        self.to = to.microseconds
        self.clock = clock
        let hour: Int64 = 3_600_000_000
        var start = self.from
        while start < self.to {
            let end = min((start / hour + 1) * hour, self.to)
            let middle = Timestamp(microseconds: (start + end) / 2)
            hours.append((start, end, (0..<Regions.all.count).map { clock.offset(region: $0, at: middle) }))
            start = end
        }
        // Share the requests out by cumulative rounding, so the counts add up exactly.
        var weights: [Double] = []
        for h in hours.indices {
            let middle = Timestamp(microseconds: (hours[h].start + hours[h].end) / 2)
            var total = 0.0
            for c in world.connections.indices where world.plannedActive(c, at: middle) {
                total += Timeline.weight(world, c, hours[h].start, offsets: hours[h].offsets)
            }
            weights.append(total * Double(hours[h].end - hours[h].start) / Double(hour))
        }
        let sum = weights.reduce(0, +)
        var cumulative = 0.0
        var given = 0
        for w in weights {
            cumulative += w
            let upTo = sum > 0 ? Int((Double(requests) * cumulative / sum).rounded()) : 0
            counts.append(upTo - given)
            given = upTo
        }
        if let last = counts.indices.last { counts[last] += requests - given }
    }

    /// How busy connection `c` is in the hour starting at `start` (µs), by its local clock.
    static func weight(_ world: World, _ c: Int, _ start: Int64, offsets: [Int]) -> Double {
        let connection = world.connections[c]
        let kind = world.apps[connection.app].kind
        let local = (start + 1_800_000_000) / 1_000_000 + Int64(offsets[world.region(ofConnection: c)])
        let hour = Int(local / 3600 % 24)
        let weekday = Int((local / 86_400 + 3) % 7)  // 1970-01-01 was a Thursday
        let days = switch kind {
        case .delivery, .pointOfSale, .loyalty: dining
        case .marketing: office
        case .analytics, .stock: flat
        }
        return connection.activity * hourly[kind]![hour] * days[weekday]
    }

    /// Runs the timeline: lifecycle steps at their times, requests in between, each
    /// handed to `emit` in time order. Stops early when `emit` returns false.
    func run(traffic: inout Traffic, seed: UInt64, emit: (Event) throws -> Bool) rethrows {
        var rng = PRNG(seed: seed, label: 3)
        let steps = traffic.world.lifecycle
        var nextStep = 0
        var cumulative: [Double] = []
        var candidates: [Int] = []

        func reweigh(_ h: Int, _ traffic: Traffic) {
            cumulative.removeAll(keepingCapacity: true)
            candidates.removeAll(keepingCapacity: true)
            var total = 0.0
            for c in traffic.world.connections.indices where traffic.world.connections[c].state == .active {
                total += Timeline.weight(traffic.world, c, hours[h].start, offsets: hours[h].offsets)
                cumulative.append(total)
                candidates.append(c)
            }
        }

        var times: [Int64] = []
        for h in hours.indices {
            traffic.offsets = hours[h].offsets
            reweigh(h, traffic)
            times.removeAll(keepingCapacity: true)
            let length = UInt64(hours[h].end - hours[h].start)
            for _ in 0..<counts[h] { times.append(hours[h].start + Int64(rng.next() % length)) }
            times.sort()
            for t in times {
                while nextStep < steps.count, steps[nextStep].time.microseconds <= t {
                    let step = steps[nextStep]
                    guard try emit(Event(time: step.time, traffic.world.payload(of: step))) else { return }
                    traffic.world.apply(step)
                    reweigh(h, traffic)
                    nextStep += 1
                }
                // The busiest connections are drawn most; a connection never in `candidates`
                // (blocked or disconnected) makes no request.
                let r = rng.unit() * (cumulative.last ?? 0)
                var lo = 0, hi = cumulative.count - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] <= r { lo = mid + 1 } else { hi = mid }
                }
                let time = Timestamp(microseconds: t)
                guard try emit(Event(time: time, .requestLogged(traffic.request(candidates[lo], at: time)))) else { return }
            }
        }
        while nextStep < steps.count {
            guard try emit(Event(time: steps[nextStep].time, traffic.world.payload(of: steps[nextStep]))) else { return }
            traffic.world.apply(steps[nextStep])
            nextStep += 1
        }
    }
}
