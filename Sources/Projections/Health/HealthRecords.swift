public import Events
public import Domain

/// One call as the health page names it: "GET /orders, 200", with its log entry.
public struct HealthCall: Hashable, Sendable {
    public var time: Timestamp
    public var seq: UInt64
    public var method: HTTPMethod
    public var url: String
    public var status: UInt16
}

/// What the health projection keeps of a connection besides its counts.
public struct HealthSummary: Hashable, Sendable {
    public var status: ConnectionStatus = .active
    /// When it was disconnected: compaction folds it away after the retention.
    public var disconnectedAt: Timestamp?
    public var lastRequest: HealthCall?
    public var lastSuccess: HealthCall?
    public var lastError: HealthCall?
    /// Its last calls, oldest first (with their times, which compaction's cutoffs need).
    public struct Recent: Hashable, Sendable {
        public var time: Timestamp
        public var status: UInt16
    }
    public var recent: [Recent] = []
    /// The statuses of its last calls, oldest first.
    public var recentStatuses: [UInt16] { recent.map(\.status) }

    func encoded() -> [UInt8] {
        var out: [UInt8] = [status == .active ? 0 : status == .blocked ? 1 : 2]
        if let at = disconnectedAt {
            out.append(1)
            out.appendInt64LE(at.microseconds)
        } else {
            out.append(0)
        }
        for call in [lastRequest, lastSuccess, lastError] {
            guard let call else {
                out.append(0)
                continue
            }
            out.append(1)
            out.appendInt64LE(call.time.microseconds)
            Key.append(&out, call.seq)
            out.appendString(call.method.name)
            out.appendUInt16LE(call.status)
            out.appendString(call.url)
        }
        out.append(UInt8(recent.count))
        for r in recent {
            out.appendInt64LE(r.time.microseconds)
            out.appendUInt16LE(r.status)
        }
        return out
    }

    init() {}

    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var r = ByteReader(bytes)
        let s = try r.readByte()
        status = s == 0 ? .active : s == 1 ? .blocked : .disconnected
        if try r.readByte() == 1 { disconnectedAt = Timestamp(microseconds: try r.readInt64LE()) }
        var calls: [HealthCall?] = []
        for _ in 0..<3 {
            guard try r.readByte() == 1 else {
                calls.append(nil)
                continue
            }
            let time = Timestamp(microseconds: try r.readInt64LE())
            var seq: UInt64 = 0
            for _ in 0..<8 { seq = seq << 8 | UInt64(try r.readByte()) }
            let method = HTTPMethod(name: try r.readString()) ?? .get
            let status = try r.readUInt16LE()
            calls.append(HealthCall(time: time, seq: seq, method: method, url: try r.readString(), status: status))
        }
        (lastRequest, lastSuccess, lastError) = (calls[0], calls[1], calls[2])
        let n = Int(try r.readByte())
        for _ in 0..<n { recent.append(Recent(time: Timestamp(microseconds: try r.readInt64LE()), status: try r.readUInt16LE())) }
    }
}


/// An hour of a connection's calls: counts by status class and its durations' histogram.
public struct HealthHour: Hashable, Sendable {
    /// Hours since 1970-01-01T00:00Z.
    public var hour: Int64
    /// 1xx to 5xx.
    public var byClass: [UInt32] = [0, 0, 0, 0, 0]
    public var durations: [UInt32] = Array(repeating: 0, count: DurationHistogram.buckets)

    public var calls: UInt64 { byClass.reduce(0) { $0 + UInt64($1) } }
    public var p50: UInt64? { DurationHistogram.percentile(durations, 0.5) }
    public var p95: UInt64? { DurationHistogram.percentile(durations, 0.95) }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        for n in byClass + durations { Key.append(&out, n) }
        return out
    }

    init(hour: Int64) {
        self.hour = hour
    }

    init(hour: Int64, decoding b: UnsafeRawBufferPointer) {
        self.hour = hour
        byClass = (0..<5).map { Key.readUInt32(b, at: $0 * 4) }
        durations = (0..<DurationHistogram.buckets).map { Key.readUInt32(b, at: 20 + $0 * 4) }
    }
}
