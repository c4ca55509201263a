import ArgumentParser
import Events
import Notifications

/// How disconnect callbacks are delivered: shared by `serve`, which passes them on, and
/// `notify`, which delivers; the defaults are the notifier's.
struct CallbackOptions: ParsableArguments {
    @Option(help: "Milliseconds before a failed disconnect callback is tried again (doubling, up to 32 times).")
    var callbackRetryBaseMs: Int = Int(Notifier.Configuration().retryBase.wholeMilliseconds)

    @Option(help: "Attempts per disconnect callback.")
    var callbackMaxAttempts: Int = Notifier.Configuration().maxAttempts

    @Option(help: "Milliseconds a disconnect callback may take to answer.")
    var callbackTimeoutMs: Int = Int(Notifier.Configuration().timeout.wholeMilliseconds)

    @Flag(help: "Let disconnect callbacks reach loopback and private addresses.")
    var allowPrivateCallbacks = false

    func validate() throws {
        guard callbackRetryBaseMs > 0, callbackMaxAttempts > 0, callbackTimeoutMs > 0 else {
            throw ValidationError("--callback-retry-base-ms, --callback-max-attempts and --callback-timeout-ms must be positive")
        }
    }

    /// The notifier's configuration these options give.
    var delivery: Notifier.Configuration {
        var c = Notifier.Configuration()
        c.retryBase = .milliseconds(callbackRetryBaseMs)
        c.maxAttempts = callbackMaxAttempts
        c.timeout = .milliseconds(callbackTimeoutMs)
        c.allowPrivateAddresses = allowPrivateCallbacks
        return c
    }

    /// The options that give `delivery` back: how the daemon passes its own to the notifier.
    static func arguments(_ delivery: Notifier.Configuration) -> [String] {
        ["--callback-retry-base-ms", "\(delivery.retryBase.wholeMilliseconds)", "--callback-max-attempts", "\(delivery.maxAttempts)",
         "--callback-timeout-ms", "\(delivery.timeout.wholeMilliseconds)"]
            + (delivery.allowPrivateAddresses ? ["--allow-private-callbacks"] : [])
    }
}
