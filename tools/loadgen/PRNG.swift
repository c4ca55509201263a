internal import Foundation

/// xoshiro256** seeded through SplitMix64: small, fast, and defined here so the same seed
/// gives the same stream on every platform and Swift release (the standard library's
/// `random(in:using:)` and `shuffled(using:)` do not promise their algorithms).
struct PRNG {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// An independent stream for one purpose (`label`) of one seed, such as the contents
    /// of one order, so re-reading that order later gives the same text.
    init(seed: UInt64, label: UInt64) {
        self.init(seed: seed ^ (label &* 0xD1B5_4A32_D192_ED03))
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform integer in `0..<n` (Lemire's multiply-high; the tiny bias is irrelevant here).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in `[0, 1)`.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An index drawn with probability proportional to its weight.
    mutating func weighted(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var r = unit() * total
        for (k, w) in weights.enumerated() {
            r -= w
            if r < 0 { return k }
        }
        return weights.count - 1
    }

    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for k in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(k, below(k + 1))
        }
    }

    /// A standard normal deviate (Box–Muller).
    mutating func normal() -> Double {
        let u = 1 - unit()  // (0, 1]: log(0) must not happen
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }

    /// A log-normal value around `median`: most near it, a long tail above.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    private static let base36Digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `count` lowercase base36 characters, the shape of the hub's ids (`3r4s3`).
    mutating func base36(_ count: Int) -> String {
        var out = [UInt8](repeating: 0, count: count)
        for k in 0..<count { out[k] = PRNG.base36Digits[below(36)] }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` lowercase hex digits.
    mutating func hex(_ count: Int) -> String {
        var out = [UInt8](repeating: 0, count: count)
        var bits = next()
        for k in 0..<count {
            if k % 16 == 0 && k > 0 { bits = next() }
            out[k] = PRNG.hexDigits[Int(bits & 15)]
            bits >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next() >> 56) }
    }
}
