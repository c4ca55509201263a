// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "junction",
    products: [
        .executable(name: "junction", targets: ["junction"]),
        .executable(name: "junction-loadgen", targets: ["junction-loadgen"]),
        .executable(name: "junction-chaos", targets: ["junction-chaos"]),
        .executable(name: "junction-replay", targets: ["junction-replay"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "NATS", targets: ["NATS"]),
        .library(name: "Events", targets: ["Events"]),
        .library(name: "Journal", targets: ["Journal"]),
        .library(name: "Domain", targets: ["Domain"]),
        .library(name: "Ingestion", targets: ["Ingestion"]),
        .library(name: "Hub", targets: ["Hub"]),
        // For Benchmarks/, a package of its own that builds on these.
        .library(name: "Projections", targets: ["Projections"]),
        .library(name: "FrontDoor", targets: ["FrontDoor"]),
        .library(name: "JunctionDaemon", targets: ["JunctionDaemon"]),
        .library(name: "Answers", targets: ["Answers"]),
        .library(name: "Pages", targets: ["Pages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already Hummingbird's, named for what the daemon imports of them: channel handlers
        // (the connection guard, the gateway's target-form marker before the HTTP-types codec).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Already AsyncHTTPClient's: STARTTLS for the alerts' e-mails.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The back office: bcrypt for passwords, Mustache for its pages.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Tests only: reads docs/openapi.yaml.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // liblmdb from Debian's liblmdb-dev, found through pkg-config.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"], swiftSettings: strict),
        // libnats (the NATS C client, with JetStream) from Debian's libnats-dev.
        .systemLibrary(
            name: "CNATS",
            pkgConfig: "libnats",
            providers: [.apt(["libnats-dev"])]
        ),
        .target(name: "NATS", dependencies: ["CNATS"], swiftSettings: strict),
        // glibc's malloc.h, for the daemon's allocator settings.
        .systemLibrary(name: "CMalloc"),
        // The compiler's prefetch hint, for the journal's readers of many records.
        .systemLibrary(name: "CPrefetch"),
        .target(name: "Events", swiftSettings: strict),
        .target(
            name: "Journal",
            dependencies: ["LMDB", "CPrefetch", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // The hub's state and rules: what may be connected where, which status allows which
        // command, the zone a connection's days are counted in, the value grammars, redaction.
        .target(name: "Domain", dependencies: ["Events"], swiftSettings: strict),
        // Request logs as they arrive (POST /v1/logs, the gateway): entries read into their
        // journal records, credentials redacted, refusals typed. Knows no HTTP and no writer.
        .target(name: "Ingestion", dependencies: ["Events", "Domain", "Journal"], swiftSettings: strict),
        // The hub's core: the journal's single writer, its state replayed from the journal,
        // idempotency, tokens, users, ingestion batches. Knows no HTTP: it throws HubError,
        // which each front door answers in its own terms; replication is a gate it is given.
        .target(
            name: "Hub",
            dependencies: [
                "Events", "Journal", "Domain", "Ingestion", "Projections",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Projections",
            dependencies: ["LMDB", "Events", "Journal", "Domain", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Typed query answers: the daemon writes them as JSON, the command line renders
        // them as tables, whether it read the projections itself or asked a daemon.
        .target(name: "Answers", dependencies: ["Events", "Domain", "Projections"], swiftSettings: strict),
        // The back office's pages: view models built from the answers, their templates,
        // the two languages, the stylesheet and script. Knows no HTTP and no storage.
        .target(
            name: "Pages",
            dependencies: ["Events", "Domain", "Projections", "Answers", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict
        ),
        // What the HTTP front doors share: the API's error and its JSON (HubError, DomainError
        // and LogEntryError answered in one place), middlewares, request helpers, the
        // connection guard, listeners and limits.
        .target(
            name: "FrontDoor",
            dependencies: [
                "Events", "Journal", "Domain", "Ingestion", "Hub", "Projections", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: strict
        ),
        // The daemon's children (projectors, the notifier) and its scheduled compaction, as
        // lifecycle services.
        .target(
            name: "Supervision",
            dependencies: [
                "Events", "Journal", "Hub", "Projections", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The notifier: delivers disconnect callbacks and the hub's events, each attempt
        // journaled; alerts decided from the health projection and sent by e-mail (SMTP) and webhook.
        .target(
            name: "Notifications",
            dependencies: [
                "Events", "Journal", "Domain", "Hub", "Projections", "Answers", .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Replication over JetStream: the writer's Replicator, the Follower, promotion, and
        // the gate the writer is made with. Knows no HTTP.
        .target(
            name: "Replication",
            dependencies: [
                "Events", "Journal", "Domain", "Ingestion", "Hub", "NATS", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The socket API: every route of docs/openapi.yaml over the core.
        .target(
            name: "SocketAPI",
            dependencies: [
                "Events", "Journal", "Domain", "Ingestion", "Hub", "Projections", "Answers", "FrontDoor", "Supervision",
                "Replication", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        // The back office for people: login and sessions, CSRF, the pages' routes, OAuth.
        .target(
            name: "BackOfficeWeb",
            dependencies: [
                "Events", "Journal", "Domain", "Hub", "Projections", "Answers", "Pages", "FrontDoor", "SocketAPI", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        // The gateway apps call: tokens, scopes, rate limits, forwarding, a log entry per call.
        .target(
            name: "AppGateway",
            dependencies: [
                "Events", "Journal", "Domain", "Ingestion", "Hub", "Projections", "Answers", "FrontDoor", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The composition root: the daemon's configuration, its listeners made alike, every
        // part started as a lifecycle service of one group.
        .target(
            name: "JunctionDaemon",
            dependencies: [
                "Events", "Journal", "Domain", "Hub", "Projections", "FrontDoor", "Supervision", "Notifications",
                "Replication", "SocketAPI", "BackOfficeWeb", "AppGateway", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "junction",
            dependencies: [
                "Events", "Journal", "Domain", "Hub", "Projections", "Answers", "FrontDoor", "Notifications", "Replication",
                "AppGateway", "SocketAPI", "JunctionDaemon", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "junction-loadgen",
            dependencies: [
                "Events",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "tools/loadgen",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "junction-replay",
            dependencies: [
                "Events", "Journal", "Domain", "Projections",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "tools/replay",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "junction-chaos",
            dependencies: [
                "Events", "Journal", "FrontDoor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "tools/chaos",
            exclude: ["unix-proxy.py", "schemathesis", "schemathesis-hooks.py", "tmpfs-full"],
            swiftSettings: strict
        ),
        // Helpers shared by the test targets: temporary directories, seeded random events.
        .target(name: "TestSupport", dependencies: ["Events"], path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "EventsTests", dependencies: ["Events", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "Events", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "HubTests",
            dependencies: ["Hub", "Journal", "Domain", "Events", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IngestionTests",
            dependencies: ["Ingestion", "Domain", "Events", "Journal", "TestSupport"],
            swiftSettings: strict
        ),
        // The front doors in-process: real journal, real core, requests through Hummingbird's
        // testing client (routes and middlewares, no socket, no daemon).
        // The core and the socket API's context in-process, for the front doors' tests.
        .target(
            name: "FrontDoorTestSupport",
            dependencies: [
                "SocketAPI", "Supervision", "Replication", "Hub", "Projections", "Journal", "TestSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Tests/FrontDoorTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "SocketAPITests",
            dependencies: [
                "SocketAPI", "FrontDoor", "FrontDoorTestSupport", "Supervision", "Replication", "Hub", "Projections", "Journal",
                "Domain", "Events", "TestSupport", .product(name: "Logging", package: "swift-log"), .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AppGatewayTests",
            dependencies: [
                "AppGateway", "FrontDoor", "Hub", "Journal", "Domain", "Events", "TestSupport", .product(name: "Logging", package: "swift-log"), .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BackOfficeWebTests",
            dependencies: [
                "BackOfficeWeb", "SocketAPI", "FrontDoor", "FrontDoorTestSupport", "Hub", "Projections", "Journal",
                "Domain", "Events", "TestSupport", .product(name: "Logging", package: "swift-log"), .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PagesTests",
            dependencies: ["Pages", "Answers", "Projections", "Domain", "Events", "TestSupport", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict
        ),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication", "Journal", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "AnswersTests", dependencies: ["Answers", "Projections", "Domain", "Events", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "JournalTests",
            dependencies: ["Journal", "LMDB", "Events", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections", "Journal", "Events", "Domain", "LMDB", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JunctionTests",
            dependencies: [
                "Journal", "Events", "Domain", "Hub", "LMDB", "NATS", "TestSupport", "Projections", "FrontDoor", "JunctionDaemon", "junction", "junction-loadgen", "junction-chaos", "junction-replay",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
