// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets over the parsers that take bytes from outside: the binary event
// decoder (what a damaged journal hands the projectors), the JSON and NDJSON event
// parsers (what clients send the daemon), and the log-entry reader of POST /v1/logs
// against its tree parser. A package of its own, so the project's build
// and tests never compile with the fuzzer. Run them with `tools/fuzz`.
let package = Package(
    name: "junction-fuzz",
    dependencies: [
        .package(name: "junction", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "fuzz-event-decoder",
            dependencies: [.product(name: "Events", package: "junction")],
            path: "Sources/FuzzEventDecoder",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "fuzz-log-entry",
            dependencies: [
                .product(name: "Events", package: "junction"), .product(name: "Domain", package: "junction"),
                .product(name: "Ingestion", package: "junction"),
            ],
            path: "Sources/FuzzLogEntry",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "fuzz-ndjson",
            dependencies: [.product(name: "Events", package: "junction")],
            path: "Sources/FuzzNDJSON",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
