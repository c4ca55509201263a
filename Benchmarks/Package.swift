// swift-tools-version: 6.3
import PackageDescription

// Junction's benchmarks, a package of their own so that building and testing the project
// never builds them or ordo-one/benchmark.
//   swift package --package-path Benchmarks benchmark          the suites (Benchmarks/Benchmarks)
//   tools/bench-compare                                        ratios against C/LMDB and SQLite
// `junction-bench` is the in-process driver tools/bench-compare runs.
/// A suite in Benchmarks/NAME: the plugin runs the executables whose folder's parent is
/// named Benchmarks.
func suite(_ name: String, using library: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "Journal", package: "junction"),
            .product(name: "Events", package: "junction"),
            .product(name: library, package: "junction"),
            .product(name: "Logging", package: "swift-log"),
        ],
        path: "Benchmarks/" + name,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "junction-benchmarks",
    dependencies: [
        .package(name: "junction", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        suite("JournalBenchmarks", using: "Hub"),
        suite("ProjectionBenchmarks", using: "Projections"),
        .executableTarget(
            name: "junction-bench",
            dependencies: [
                .product(name: "Journal", package: "junction"),
                .product(name: "Events", package: "junction"),
                .product(name: "Projections", package: "junction"),
                .product(name: "Answers", package: "junction"),
                .product(name: "Pages", package: "junction"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Not under Benchmarks/Benchmarks: the benchmark plugin runs every executable
            // whose folder's parent is named Benchmarks.
            path: "Tools/junction-bench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
