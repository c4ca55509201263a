import ArgumentParser
import Events
internal import Foundation

/// Writes a deterministic sample of the hub's traffic as NDJSON events on standard
/// output: registrations of accounts, locations, catalogs, customer lists, apps and connections, then requests
/// with a daily rhythm, and now and then a reconnect, a block, an unblock or a disconnect.
/// The same options always give the same bytes.
@main
struct Loadgen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junction-loadgen",
        abstract: "Generate realistic NDJSON events of a restaurant integration hub, deterministically.",
        discussion: """
            Pipe the output into `junction append`. Events run in time order from --days days \
            before --end up to --end: registrations of accounts, locations, catalogs, customer lists, apps and connections \
            first, then requests and connection changes. --events counts every line, \
            registrations included. Packed densely (many events over few days), connections hit \
            the hub's rate limits (500 a minute, 2,500 an hour, 10,000 a day) and get 429s.
            """)

    @Option(help: "Seed of the generator: the same seed and options give byte-identical output.")
    var seed: UInt64 = 1

    @Option(help: "Number of events (lines) to write, registrations included.")
    var events: Int = 10_000

    @Option(help: "Days of traffic before --end.")
    var days: Int = 30

    @Option(help: "End of the time span, RFC 3339 (fixed by default so the output never depends on the clock).")
    var end: String = "2026-11-29T00:00:00Z"

    @Flag(help: "Leave request and response bodies empty.")
    var noBodies = false

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must not be negative") }
        guard (1...3650).contains(days) else { throw ValidationError("--days must be from 1 to 3650") }
        guard Timestamp(rfc3339: end) != nil else {
            throw ValidationError("--end must be an RFC 3339 time such as 2026-11-29T00:00:00Z")
        }
    }

    func run() throws {
        let endTime = Timestamp(rfc3339: end)!
        let start = Timestamp(microseconds: endTime.microseconds - Int64(days) * Timestamp.microsecondsPerDay)
        var output = Output(limit: events)

        var world = World(seed: seed)
        let registrations = world.registrationEvents(from: start)
        for event in registrations {
            guard try output.write(event) else { return try output.flush() }
        }
        let clock = ZoneClock()
        let trafficStart = registrations.last!.time
        world.planLifecycle(from: trafficStart, to: endTime, clock: clock)
        let requests = max(0, events - registrations.count - world.lifecycle.count)
        let timeline = Timeline(world: world, from: trafficStart, to: endTime, requests: requests, clock: clock)
        var traffic = Traffic(world: world, seed: seed, withBodies: !noBodies, epoch: start)
        try timeline.run(traffic: &traffic, seed: seed) { try output.write($0) }
        try output.flush()
        guard output.written == events else {
            throw ValidationError("internal error: wrote \(output.written) events instead of \(events)")
        }
    }
}

/// Canonical NDJSON lines into a large buffer, flushed to standard output in big writes.
struct Output {
    private var buffer: [UInt8] = []
    private let limit: Int
    private(set) var written = 0
    private static let flushSize = 64 << 10

    init(limit: Int) {
        self.limit = limit
        buffer.reserveCapacity(Output.flushSize * 2)
    }

    /// Writes one event; false once `limit` lines are out (the event is then dropped).
    mutating func write(_ event: Event) throws -> Bool {
        guard written < limit else { return false }
        NDJSONEventCodec.encode(event, into: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        written += 1
        if buffer.count >= Output.flushSize { try flush() }
        return written < limit
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try FileHandle.standardOutput.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
