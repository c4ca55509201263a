/// Durations counted in 24 buckets that double every two (250 µs, 354 µs, 500 µs, … up to
/// about 1 minute; the last holds the rest): an hour's p50 and p95 read from them are the
/// bucket's upper bound, within a factor of √2 of the exact value.
public enum DurationHistogram {
    public static let buckets = 24

    /// The bucket of a duration in microseconds.
    public static func bucket(_ microseconds: UInt64) -> Int {
        var bound = 250.0
        for i in 0..<(buckets - 1) {
            if Double(microseconds) <= bound { return i }
            bound *= 2.0.squareRoot()
        }
        return buckets - 1
    }

    /// The upper bound of bucket `i`, in microseconds (the last: its lower bound).
    public static func bound(_ i: Int) -> UInt64 {
        var bound = 250.0
        for _ in 0..<min(i, buckets - 2) { bound *= 2.0.squareRoot() }
        return UInt64(bound.rounded())
    }

    /// The `fraction` (0.5, 0.95) percentile of the durations counted in `counts`, or nil.
    public static func percentile(_ counts: [UInt32], _ fraction: Double) -> UInt64? {
        let total = counts.reduce(0) { $0 + UInt64($1) }
        guard total > 0 else { return nil }
        let rank = UInt64((Double(total) * fraction).rounded(.up))
        var seen: UInt64 = 0
        for (i, n) in counts.enumerated() {
            seen += UInt64(n)
            if seen >= max(rank, 1) { return bound(i) }
        }
        return bound(counts.count - 1)
    }
}
