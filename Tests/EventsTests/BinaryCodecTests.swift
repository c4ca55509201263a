import Events
import TestSupport
import Testing

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

private func unhex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}

struct BinaryCodecTests {
    @Test(arguments: GoldenVectors.cases.map(\.name))
    func goldenBytesEncodeAndDecode(name: String) throws {
        let golden = GoldenVectors.cases.first { $0.name == name }!
        #expect(hex(try BinaryEventCodec.encode(golden.event)) == golden.hex)
        #expect(try BinaryEventCodec.decode(unhex(golden.hex)) == golden.event)
    }

    @Test func everyKindHasAGoldenVector() {
        let covered = Set(GoldenVectors.cases.map { $0.event.kindNumber })
        #expect(covered == Set(Event.Kind.allCases.map(\.rawValue)))
    }

    @Test func randomEventsRoundTrip() throws {
        var gen = RandomEvents(seed: 42, maxBodyBytes: 2 << 20)
        for _ in 0..<3000 {
            let event = gen.event()
            let bytes = try BinaryEventCodec.encode(event)
            #expect(try BinaryEventCodec.decode(bytes) == event)
        }
    }

    @Test func countingDecodesOnlyWhatCountersReadOfARequest() throws {
        var gen = RandomEvents(seed: 11, maxBodyBytes: 300)
        var requests = 0
        for _ in 0..<3000 {
            let event = gen.event()
            let bytes = try BinaryEventCodec.encode(event)
            let counted = try bytes.withUnsafeBytes { try BinaryEventCodec.decode($0, bodies: .counting) }
            #expect(counted.time == event.time)
            switch (event.payload, counted.payload) {
            case (.requestLogged(let full), .requestLogged(let c)), (.requestBodiesExpired(let full), .requestBodiesExpired(let c)):
                requests += 1
                #expect(c.connectionID == full.connectionID && c.method == full.method && c.status == full.status
                    && c.durationMicroseconds == full.durationMicroseconds, "seed 11: \(full)")
                #expect(c.requestID == nil && c.resource.isEmpty && c.url.isEmpty && c.requestHeaders.isEmpty
                    && c.responseHeaders.isEmpty && c.requestBodyLength == 0 && c.responseBodyLength == 0)
            case (.requestLogged, _), (.requestBodiesExpired, _):
                Issue.record("seed 11: a request decoded as \(counted.payload)")
            default:
                #expect(counted == event, "seed 11: other kinds decode in full")
            }
        }
        #expect(requests > 100)
    }

    @Test func veryLargeAndEmptyBodiesRoundTrip() throws {
        let big = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let event = Event(time: Timestamp(seconds: 0), .requestLogged(RequestLogged(
            connectionID: "c", method: .post, resource: "catalogs", url: "/catalogs/x", status: 200,
            durationMicroseconds: 0, requestBody: big, responseBody: [])))
        #expect(try BinaryEventCodec.decode(try BinaryEventCodec.encode(event)) == event)
    }

    @Test func everyTruncationThrows() throws {
        var gen = RandomEvents(seed: 7, maxBodyBytes: 300)
        for _ in 0..<300 {
            let event = gen.event()
            let bytes = try BinaryEventCodec.encode(event)
            // An expired request cut just before its error summary (field 12, added by a
            // minor revision) is a record written before the field: it reads without one.
            var withoutSummary: Event?
            if case .requestBodiesExpired(var r) = event.payload, r.errorSummary != nil {
                r.errorSummary = nil
                withoutSummary = Event(time: event.time, .requestBodiesExpired(r))
            }
            for cut in 0..<bytes.count {
                if let withoutSummary, cut == (try BinaryEventCodec.encode(withoutSummary)).count {
                    #expect(try BinaryEventCodec.decode(Array(bytes[..<cut])) == withoutSummary)
                    continue
                }
                #expect(throws: EventDecodingError.self) { _ = try BinaryEventCodec.decode(Array(bytes[..<cut])) }
            }
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 99)
        var decoded = 0
        for _ in 0..<200_000 {
            let count = Int.random(in: 0...64, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if !bytes.isEmpty, Bool.random(using: &rng) { bytes[0] = 1 }  // reach past the version byte
            if bytes.count > 1, Bool.random(using: &rng) { bytes[1] = UInt8.random(in: 1...9, using: &rng) }
            do {
                _ = try BinaryEventCodec.decode(bytes)
                decoded += 1
            } catch {
                // A clear error is the expected outcome; the point is that nothing traps.
            }
        }
        #expect(decoded < 200_000)
    }

    @Test func mutatedRecordsNeverCrash() throws {
        var gen = RandomEvents(seed: 5, maxBodyBytes: 200)
        var rng = SeededGenerator(seed: 6)
        for _ in 0..<20_000 {
            var bytes = try BinaryEventCodec.encode(gen.event())
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? BinaryEventCodec.decode(bytes)
        }
    }

    @Test func unknownKindsDecodeAsUnknownAndReencodeVerbatim() throws {
        var bytes: [UInt8] = [1, 0xE8, 0x07]  // version 1, kind 1000
        bytes += [0, 0, 0, 0, 0, 0, 0, 0]  // time 0
        bytes += [9, 8, 7]
        let event = try BinaryEventCodec.decode(bytes)
        #expect(event.payload == .unknown(kind: 1000, payload: [9, 8, 7]))
        #expect(try BinaryEventCodec.encode(event) == bytes)
        #expect(try BinaryEventCodec.header(of: bytes.withUnsafeBytes { $0 }).kind == 1000)
    }

    @Test func otherFormatVersionsAreRefused() throws {
        var bytes = try BinaryEventCodec.encode(GoldenVectors.cases[0].event)
        bytes[0] = 2
        let error = #expect(throws: EventDecodingError.self) { _ = try BinaryEventCodec.decode(bytes) }
        #expect(error?.description.contains("version 2") == true)
    }

    @Test func invalidUTF8InTextIsRefused() throws {
        var bytes = try BinaryEventCodec.encode(GoldenVectors.cases[0].event)
        // The connection id "k2x9q" starts after version, kind and time (1 + 1 + 8) and its length byte.
        bytes[11] = 0xFF
        #expect(throws: EventDecodingError.self) { _ = try BinaryEventCodec.decode(bytes) }
    }
}

/// The encoder writes nothing the decoder refuses: one range check serves both.
struct EncodableRangeTests {
    static let earliest = Timestamp(rfc3339: "0001-01-02T00:00:00Z")!

    func blocked(at time: Timestamp) -> Event {
        Event(time: time, .connectionBlocked(ConnectionStatusChanged(connectionID: "c1", actor: "owner")))
    }

    @Test func theEdgeOfTheRangeEncodesAndOnePastItDoesNotEitherWay() throws {
        let edge = try BinaryEventCodec.encode(blocked(at: Self.earliest))
        #expect(try BinaryEventCodec.decode(edge) == blocked(at: Self.earliest))
        let past = Timestamp(microseconds: Self.earliest.microseconds - 1)
        let error = #expect(throws: EventEncodingError.self) { _ = try BinaryEventCodec.encode(blocked(at: past)) }
        #expect(error?.field == "time")
        // The same time written by hand (bytes 2…9 hold it) is refused by the decoder.
        var forged = edge
        withUnsafeBytes(of: past.microseconds.littleEndian) { forged.replaceSubrange(2..<10, with: $0) }
        #expect(throws: EventDecodingError.self) { _ = try BinaryEventCodec.decode(forged) }
    }

    @Test func aRetentionRecordWithACutoffBeforeTheYear0001IsNotWritten() {
        let now = Timestamp(rfc3339: "0002-02-28T00:01:00Z")!
        let cut = RetentionApplied(
            bodiesBefore: now, logsBefore: Timestamp(microseconds: now.microseconds - 3049 * 86_400_000_000),
            disconnectedBefore: now, tombstonesBefore: now)
        var out: [UInt8] = []
        let error = #expect(throws: EventEncodingError.self) {
            try BinaryEventCodec.encode(Event(time: now, .retentionApplied(cut)), into: &out)
        }
        #expect(error?.field == "logs_before")
        #expect(out.isEmpty, "nothing is written for a refused event")
    }
}

/// Field 8 of `appRegistered` (a minor revision): a public client's flag, written only when
/// set, read as false from a record that ends before it; any byte but 0 or 1 is refused.
@Suite struct PublicClientFieldTests {
    static let app = AppRegistered(appID: "spa", name: "Menu App", level: .location, scope: "location[orders.write]",
                                   redirectURIs: ["https://menu.example/oauth"], isPublic: true)

    @Test func thePublicFlagRoundTripsInBothForms() throws {
        let event = Event(time: Timestamp(seconds: 1_780_000_000), .appRegistered(Self.app))
        let bytes = try BinaryEventCodec.encode(event)
        #expect(try BinaryEventCodec.decode(bytes) == event)
        #expect(bytes.last == 1)
        let line = NDJSONEventCodec.encode(event)
        #expect(line.contains("\"public\":true"), "\(line)")
        #expect(try NDJSONEventCodec.decode(line: line) == event)
        var confidential = Self.app
        confidential.isPublic = false
        let plain = try BinaryEventCodec.encode(Event(time: event.time, .appRegistered(confidential)))
        #expect(Array(bytes.dropLast()) == plain, "a confidential client's record keeps its bytes")
        #expect(!NDJSONEventCodec.encode(Event(time: event.time, .appRegistered(confidential))).contains("public"))
        var other = bytes
        other[other.count - 1] = 2
        #expect(throws: EventDecodingError.self) { _ = try BinaryEventCodec.decode(other) }
    }
}

/// The fields later minor revisions added for issue 36's grant: an app's install URL
/// (appRegistered field 9) and the lists a code grants (authorizationCodeIssued 10 and 11).
@Suite struct GrantFieldTests {
    static let time = Timestamp(seconds: 1_780_000_000)

    @Test func anInstallURLRoundTripsAndLeavesOtherRecordsAsTheyWere() throws {
        let app = AppRegistered(appID: "pos", name: "Till", level: .location, scope: "location[orders.write]",
                                redirectURIs: ["https://till.example/oauth"], installURL: "https://till.example/install")
        let event = Event(time: Self.time, .appRegistered(app))
        let bytes = try BinaryEventCodec.encode(event)
        #expect(try BinaryEventCodec.decode(bytes) == event)
        let line = NDJSONEventCodec.encode(event)
        #expect(line.contains(#""install_url":"https://till.example/install""#), "\(line)")
        #expect(try NDJSONEventCodec.decode(line: line) == event)
        var without = app
        without.installURL = nil
        let plain = try BinaryEventCodec.encode(Event(time: Self.time, .appRegistered(without)))
        // Field 8 (a 0 byte) and field 9 (the string) are all that is added.
        #expect(Array(bytes.prefix(plain.count)) == plain)
        #expect(bytes.count == plain.count + 1 + 1 + "https://till.example/install".utf8.count)
        // A public client with an install URL keeps its flag.
        var publicApp = app
        publicApp.isPublic = true
        let publicEvent = Event(time: Self.time, .appRegistered(publicApp))
        #expect(try BinaryEventCodec.decode(try BinaryEventCodec.encode(publicEvent)) == publicEvent)
    }

    @Test func aCodesListsRoundTripAndACodeWithoutThemKeepsItsBytes() throws {
        var grant = AuthorizationCodeIssued(
            codeDigest: Array(0..<32), appID: "pos", redirectURI: "https://till.example/oauth", accountID: "3r4s3",
            locationID: "3r4s3-1", approvedBy: "owner@example.com", expiresAt: Timestamp(seconds: 1_780_000_600))
        let plain = try BinaryEventCodec.encode(Event(time: Self.time, .authorizationCodeIssued(grant)))
        grant.catalogID = "psmlf"
        let event = Event(time: Self.time, .authorizationCodeIssued(grant))
        let bytes = try BinaryEventCodec.encode(event)
        #expect(try BinaryEventCodec.decode(bytes) == event)
        #expect(Array(bytes.prefix(plain.count)) == plain)
        let line = NDJSONEventCodec.encode(event)
        #expect(line.contains(#""catalog_id":"psmlf""#) && !line.contains("customer_list_id"), "\(line)")
        #expect(try NDJSONEventCodec.decode(line: line) == event)
    }
}
