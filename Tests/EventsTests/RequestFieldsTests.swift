import Events
import TestSupport
import Testing

/// Requests read in place (``BinaryEventCodec/requestFields(_:reading:)``, what projectors
/// apply) against the decoder: the same fields, and on damaged records the same error, for
/// every way of reading bodies.
struct RequestFieldsTests {
    private static let modes: [BinaryEventCodec.Bodies] = [.summary, .counting, .skip, .decode]

    /// What a projection reads of a request, from either form.
    private struct Read: Equatable, CustomStringConvertible {
        var time: Timestamp
        var connectionID: [UInt8]
        var requestID: [UInt8]?
        var method: HTTPMethod
        var resource: [UInt8]
        var url: [UInt8]
        var status: UInt16
        var duration: UInt64
        var requestBodyLength: Int
        var responseBodyLength: Int
        var bodiesExpired: Bool

        init(_ f: RequestFields) {
            time = f.time
            connectionID = Array(f.connectionID)
            requestID = f.requestID.map { Array($0) }
            method = f.method
            resource = Array(f.resource)
            url = Array(f.url)
            status = f.status
            duration = f.durationMicroseconds
            requestBodyLength = f.requestBodyLength
            responseBodyLength = f.responseBodyLength
            bodiesExpired = f.bodiesExpired
        }

        /// The decoded event's request, through ``Event/withRequestFields(_:)``.
        init?(_ event: Event) {
            guard let read = event.withRequestFields(Read.init) else { return nil }
            self = read
        }

        var description: String {
            "\(time) \(String(decoding: connectionID, as: UTF8.self)) \(method) \(String(decoding: url, as: UTF8.self)) \(status)"
        }
    }

    /// The decoder's answer and the in-place reader's, for one record and mode.
    private static func both(_ bytes: [UInt8], _ mode: BinaryEventCodec.Bodies) -> (Result<Read?, EventDecodingError>, Result<Read?, EventDecodingError>) {
        bytes.withUnsafeBytes { raw in
            let decoded = Result { () throws(EventDecodingError) -> Read? in Read(try BinaryEventCodec.decode(raw, bodies: mode)) }
            let read = Result { () throws(EventDecodingError) -> Read? in try BinaryEventCodec.requestFields(raw, reading: mode).map(Read.init) }
            return (decoded, read)
        }
    }

    @Test func readsWhatTheDecoderDecodes() throws {
        let seed = TestSeed.make()
        var gen = RandomEvents(seed: seed, maxBodyBytes: 2000)
        var requests = 0
        for _ in 0..<4000 {
            let event = gen.event()
            let bytes = try BinaryEventCodec.encode(event)
            for mode in Self.modes {
                let (decoded, read) = Self.both(bytes, mode)
                let expected = try decoded.get()
                #expect(try read.get() == expected, "seed \(seed), \(mode): \(event)")
                if expected != nil, mode == .summary {
                    requests += 1
                    #expect(expected == Read(event), "seed \(seed): a summary keeps every field projections read")
                }
            }
        }
        #expect(requests > 500, "seed \(seed): too few requests to compare")
    }

    @Test func refusesDamagedRecordsAsTheDecoderDoes() throws {
        let seed = TestSeed.make()
        var gen = RandomEvents(seed: seed, maxBodyBytes: 200)
        var rng = SeededGenerator(seed: seed &+ 1)
        var refused = 0
        var compared = 0
        while compared < 20_000 {
            let event = gen.event()
            guard Read(event) != nil else { continue }
            var bytes = try BinaryEventCodec.encode(event)
            // Damage the head (ids, resource, URL, headers) more often than the bodies.
            let reach = Bool.random(using: &rng) ? min(bytes.count, 120) : bytes.count
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = Int.random(in: 1..<reach, using: &rng)
                bytes[i] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : [0x80, 0xC0, 0xFF, 0x00, 0x7F].randomElement(using: &rng)!
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng)) }
            for mode in Self.modes {
                let (decoded, read) = Self.both(bytes, mode)
                compared += 1
                switch (decoded, read) {
                case (.failure(let a), .failure(let b)):
                    refused += 1
                    #expect(a == b, "seed \(seed), \(mode): \(a) against \(b)")
                case (.success(let a), .success(let b)):
                    // A damaged kind number can make it another kind: then neither reads a request.
                    #expect(a == b, "seed \(seed), \(mode)")
                case (.success(nil), .success), (.failure, .success(nil)):
                    // Not a request any more: only its header is the reader's to check.
                    break
                default:
                    Issue.record("seed \(seed), \(mode): decoder \(decoded), reader \(read), bytes \(bytes)")
                }
            }
        }
        #expect(refused > 1000, "seed \(seed): too few refusals to compare")
    }
}
