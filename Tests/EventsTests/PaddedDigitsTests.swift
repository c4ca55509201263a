import Events
import Foundation
import TestSupport
import Testing

/// Zero-padded digits held to what printf writes. Randomized: the seed is printed on failure.
@Suite struct PaddedDigitsTests {
    @Test func paddedDigitsAreWhatPrintfWrites() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        let fixed: [Int64] = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, -1, -9, -10, -999, -1000, Int64.max, Int64.min + 1]
        for value in fixed + (0..<2000).map({ _ in Int64.random(in: -20000...20000, using: &rng) }) {
            for width in 1...5 {
                var digits: [UInt8] = []
                PaddedDigits.append(value, width: width, to: &digits)
                #expect(String(decoding: digits, as: UTF8.self) == String(format: "%0\(width)lld", value), "seed \(seed): \(value), width \(width)")
            }
        }
    }
}
