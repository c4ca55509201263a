import ArgumentParser
import AppGateway
import Domain
import Foundation

/// The gateway apps call: shared by `serve` and `follow` (on a follower it answers every
/// call 503 naming the writer, until the follower is promoted).
struct GatewayOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Serve the gateway apps call at this address, such as 127.0.0.1:8081: each call's token checked, its scope and rate limits enforced, forwarded to --upstream and journaled (off unless given).",
        valueName: "HOST:PORT"))
    var gateway: String?

    @Option(help: ArgumentHelp("The hub's API the gateway forwards to, such as http://127.0.0.1:9000.", valueName: "URL"))
    var upstream: String?

    @Option(help: "Calls a connection may make per round minute through the gateway (429 past it).")
    var rateLimitPerMinute: Int = RateLimits.Limits().perMinute

    @Option(help: "Calls a connection may make per round hour.")
    var rateLimitPerHour: Int = RateLimits.Limits().perHour

    @Option(help: "Calls a connection may make per day (UTC).")
    var rateLimitPerDay: Int = RateLimits.Limits().perDay

    @Option(help: "Calls a connection may make per round minute to the heavy endpoints (a catalog, an order index, a customer list's customers), besides the other limits.")
    var rateLimitHeavyPerMinute: Int = RateLimits.Limits().heavyPerMinute

    @Option(help: "Request and response bodies past this many bytes are logged cut (and marked so in an X-Junction-Logged-Body header).")
    var gatewayMaxLoggedBodyBytes: Int = Gateway.Configuration.defaultMaxLoggedBodyBytes

    @Option(help: "Milliseconds the hub's API may take to answer a call (504 past it).")
    var gatewayUpstreamTimeoutMs: Int = Int(Gateway.Configuration.defaultUpstreamTimeout.wholeMilliseconds)

    @Flag(help: "Answer each call before its log entry is durable. Faster under load, but a crash (of the daemon or the machine) can lose the log entries of the calls answered in the last moments before it, and their counts toward the rate limits. By default an app is answered once its call is journaled (fsync'd group commit).")
    var gatewaySendFirst = false

    func validate() throws {
        if gateway != nil {
            guard let upstream, let url = URL(string: upstream), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--gateway needs --upstream http://HOST:PORT (the hub's API it forwards to)")
            }
        }
        guard rateLimitPerMinute >= 1, rateLimitPerHour >= 1, rateLimitPerDay >= 1, rateLimitHeavyPerMinute >= 1 else {
            throw ValidationError("rate limits must be at least 1")
        }
        if let gateway { _ = try ServeCommand.webAddress(gateway, option: "--gateway") }
    }

    /// The gateway's settings, when one is asked for.
    func configuration() throws -> Gateway.Configuration? {
        guard let gateway, let upstream, let url = URL(string: upstream) else { return nil }
        var settings = Gateway.Configuration(listener: try ServeCommand.webAddress(gateway, option: "--gateway"), upstream: url)
        settings.limits = .init(
            perMinute: rateLimitPerMinute, perHour: rateLimitPerHour, perDay: rateLimitPerDay, heavyPerMinute: rateLimitHeavyPerMinute)
        settings.maxLoggedBodyBytes = gatewayMaxLoggedBodyBytes
        settings.upstreamTimeout = .milliseconds(gatewayUpstreamTimeoutMs)
        settings.sendFirst = gatewaySendFirst
        return settings
    }
}
