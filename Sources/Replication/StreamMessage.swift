package import Journal

/// One message of the replication stream (layout 2): consecutive events of the journal,
/// from one or more commit batches, as segments.
///
///     segment := batchFirst u64 | batchLast u64 | first u64 | count u32
///                | keyLength u16 | key | fingerprintLength u8 | fingerprint
///                | count × (length u32 | record)
///
/// Little-endian. A segment is the part of one batch that lies in the message; a batch
/// too big for one message goes on in the next message's first segment. The batch's
/// idempotency key is written on its first segment only (`keyLength` 0 elsewhere, and for
/// batches appended without one).
///
/// Messages carry the `Junction-Layout` header (``layout``) and `Junction-Events`
/// (`first-last`, the message's events), so that a reader finds where a message lies in
/// the journal from its headers alone.
package enum StreamMessage {
    /// The value of the `Junction-Layout` header of messages written this way. Streams
    /// written before it (one message per event) have no such header.
    package static let layout = "2"

    /// A message's body past which no further event is added (NATS refuses payloads over
    /// its `max_payload`, 1 MiB by default; the headers need room too).
    package static let maxBodyBytes = 1_000_000

    /// Bytes a segment's header takes besides its key and fingerprint.
    static let segmentHeaderBytes = 8 + 8 + 8 + 4 + 2 + 1

    /// One batch's part of a message.
    package struct Segment: Sendable {
        package var batch: ClosedRange<UInt64>
        package var first: UInt64
        package var key: IdempotencyKey?
        package var records: RecordBatch

        /// The events of the batch this segment holds.
        package var events: ClosedRange<UInt64> { first...(first + UInt64(records.count) - 1) }
    }

    /// Builds a message's body event by event, without a copy per record.
    package struct Builder {
        package private(set) var bytes: [UInt8] = []
        /// The message's events so far.
        package private(set) var events: ClosedRange<UInt64>?
        /// Where the open segment's count lies, and its batch.
        private var countOffset = 0
        private var count: UInt32 = 0
        private var batch: ClosedRange<UInt64>?

        package init(capacity: Int = 64 << 10) {
            bytes.reserveCapacity(capacity)
        }

        package var isEmpty: Bool { events == nil }

        /// Whether `recordBytes` more bytes would still fit (a message takes one event
        /// whatever its size).
        package func fits(_ recordBytes: Int) -> Bool {
            isEmpty || bytes.count + StreamMessage.segmentHeaderBytes + IdempotencyKey.maxBytes + 255 + 4 + recordBytes
                <= StreamMessage.maxBodyBytes
        }

        /// Adds event `seq` of `batch`; `key` is the batch's, written when `seq` is its first.
        package mutating func append(_ seq: UInt64, _ record: UnsafeRawBufferPointer, batch: ClosedRange<UInt64>, key: IdempotencyKey?) {
            if let events { precondition(seq == events.upperBound + 1, "events out of order in a stream message") }
            if self.batch != batch {
                closeSegment()
                self.batch = batch
                Self.put(batch.lowerBound, &bytes)
                Self.put(batch.upperBound, &bytes)
                Self.put(seq, &bytes)
                countOffset = bytes.count
                Self.put(UInt32(0), &bytes)
                let key = seq == batch.lowerBound ? key : nil
                let name = key?.key ?? []
                let fingerprint = (key?.fingerprint ?? []).prefix(255)
                Self.put(UInt16(name.count), &bytes)
                bytes.append(contentsOf: name)
                bytes.append(UInt8(fingerprint.count))
                bytes.append(contentsOf: fingerprint)
            }
            Self.put(UInt32(record.count), &bytes)
            bytes.append(contentsOf: record)
            count += 1
            events = (events?.lowerBound ?? seq)...seq
        }

        private mutating func closeSegment() {
            guard batch != nil else { return }
            withUnsafeBytes(of: count.littleEndian) { c in
                for i in 0..<4 { bytes[countOffset + i] = c[i] }
            }
            count = 0
            batch = nil
        }

        /// The finished body; the builder is empty again afterwards.
        package mutating func finish() -> [UInt8] {
            closeSegment()
            defer {
                bytes.removeAll(keepingCapacity: true)
                events = nil
            }
            return bytes
        }

        /// The finished body, read in place; the builder is empty again afterwards.
        package mutating func withFinishedBody<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            closeSegment()
            defer {
                bytes.removeAll(keepingCapacity: true)
                events = nil
            }
            return try bytes.withUnsafeBytes(body)
        }

        private static func put<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8]) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// Why a message's body cannot be read.
    package struct Malformed: Error, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }

    /// The segments of a message's body, checked to hold exactly `events`, in order.
    package static func segments(of body: [UInt8], events: ClosedRange<UInt64>) throws(Malformed) -> [Segment] {
        var segments: [Segment] = []
        var offset = 0
        var next = events.lowerBound
        func read<T: FixedWidthInteger>(_: T.Type) throws(Malformed) -> T {
            guard offset + MemoryLayout<T>.size <= body.count else { throw Malformed("the body ends inside a segment") }
            var value: T = 0
            for i in 0..<MemoryLayout<T>.size { value |= T(body[offset + i]) << (8 * i) }
            offset += MemoryLayout<T>.size
            return value
        }
        func bytes(_ n: Int) throws(Malformed) -> ArraySlice<UInt8> {
            guard offset + n <= body.count else { throw Malformed("the body ends inside a segment") }
            defer { offset += n }
            return body[offset..<(offset + n)]
        }
        while offset < body.count {
            let batchFirst = try read(UInt64.self)
            let batchLast = try read(UInt64.self)
            let first = try read(UInt64.self)
            let count = try read(UInt32.self)
            guard batchFirst <= first, first <= batchLast, count > 0, first + UInt64(count) - 1 <= batchLast else {
                throw Malformed("a segment of \(count) events from \(first) does not lie in its batch \(batchFirst)-\(batchLast)")
            }
            guard first == next else { throw Malformed("a segment starts at \(first) where \(next) was due") }
            let keyLength = Int(try read(UInt16.self))
            let name = try bytes(keyLength)
            let fingerprintLength = Int(try read(UInt8.self))
            let fingerprint = try bytes(fingerprintLength)
            var key: IdempotencyKey?
            if keyLength > 0 {
                guard first == batchFirst else { throw Malformed("a key on a segment that does not start its batch") }
                var k = IdempotencyKey("", fingerprint: Array(fingerprint))
                k.key = Array(name)
                key = k
            }
            var records = RecordBatch()
            for _ in 0..<count {
                let length = Int(try read(UInt32.self))
                let record = try bytes(length)
                record.withUnsafeBytes { records.append($0) }
            }
            segments.append(Segment(batch: batchFirst...batchLast, first: first, key: key, records: records))
            next = first + UInt64(count)
        }
        guard next == events.upperBound + 1 else {
            throw Malformed("the body holds events \(events.lowerBound)-\(next - 1), its headers say \(events)")
        }
        return segments
    }

    /// `first-last`, as the `Junction-Events` header writes a range.
    package static func range(_ header: String?) -> ClosedRange<UInt64>? {
        guard let parts = header?.split(separator: "-"), parts.count == 2,
              let first = UInt64(parts[0]), let last = UInt64(parts[1]), first <= last else { return nil }
        return first...last
    }
}
