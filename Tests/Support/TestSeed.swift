internal import Foundation

/// The seed of a randomized test: `JUNCTION_TEST_SEED` when set, to replay a failure,
/// else a fresh one. It is printed when drawn, so the log of a failing run names it;
/// tests also put it in their failure messages.
public enum TestSeed {
    public static func make(_ test: String = #function) -> UInt64 {
        let seed = ProcessInfo.processInfo.environment["JUNCTION_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        print("\(test): seed \(seed) (JUNCTION_TEST_SEED=\(seed) replays it)")
        return seed
    }
}
