import Events

/// Latencies in seconds, summarized.
struct Latencies {
    private(set) var samples: [Double] = []

    mutating func add(_ duration: Duration) {
        samples.append(duration.seconds)
    }

    /// The `p`-th percentile (0…100), nearest rank, in milliseconds.
    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)] * 1000
    }

    func write(_ w: inout JSONWriter, key: String = "latency_ms") {
        w.beginObject(key)
        w.value("p50", .number(percentile(50)))
        w.value("p99", .number(percentile(99)))
        w.value("max", .number(percentile(100)))
        w.endObject()
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Prints one JSON object built by `body`.
func printJSON(_ body: (inout JSONWriter) -> Void) {
    var w = JSONWriter()
    w.beginObject()
    body(&w)
    w.endObject()
    print(String(decoding: w.bytes, as: UTF8.self))
}
