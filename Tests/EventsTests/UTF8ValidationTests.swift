@testable import Events
import TestSupport
import Testing

/// The in-place UTF-8 check against the standard library's, which defines well-formed
/// here: on random byte strings built to hit every boundary of table 3-7 (overlong forms,
/// surrogates, past U+10FFFF, cut sequences), both say the same.
struct UTF8ValidationTests {
    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        // Lead and continuation bytes at and around every boundary, and plain ones.
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                    0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        var valid = 0
        for n in 0..<20_000 {
            let count = Int.random(in: 0...12, using: &rng)
            var bytes: [UInt8] = (0..<count).map { _ in
                Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            // Some long ASCII runs around them, for the eight-at-a-time path.
            if n % 3 == 0 { bytes = Array(repeating: 0x61, count: Int.random(in: 0...20, using: &rng)) + bytes }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            if expected { valid += 1 }
            let got = bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
            #expect(got == expected, "seed \(seed): \(bytes.map { String($0, radix: 16) })")
        }
        // And every scalar's own encoding.
        for scalar in [0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF].compactMap(Unicode.Scalar.init) {
            let bytes = Array(String(scalar).utf8)
            #expect(bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }, "U+\(String(scalar.value, radix: 16))")
        }
        #expect(valid > 1000, "seed \(seed): too few valid strings to compare")
    }
}
