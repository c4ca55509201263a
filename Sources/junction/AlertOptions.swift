import ArgumentParser
import Foundation
import Notifications

/// How alerts are decided and sent: shared by `serve` and `follow` (a follower sends
/// once promoted).
struct AlertOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The SMTP server alerts are e-mailed through (STARTTLS when it offers it).", valueName: "host:port"))
    var smtp: String?

    @Option(help: ArgumentHelp("The alerts' sender address (required with --smtp).", valueName: "address"))
    var smtpFrom: String?

    @Option(help: ArgumentHelp("A private file (mode 600): the SMTP user name on its first line, the password on its second.", valueName: "file"))
    var smtpCredentials: String?

    @Option(help: ArgumentHelp("PEM certificates to trust for the SMTP server's STARTTLS (default: the system's).", valueName: "file"))
    var smtpCaFile: String?

    @Option(help: ArgumentHelp("The operators' webhook: each alert POSTed there, signed.", valueName: "url"))
    var alertWebhook: String?

    @Option(help: ArgumentHelp("A private file whose bytes sign the webhook's POSTs (X-Junction-Signature, HMAC-SHA256).", valueName: "file"))
    var alertWebhookSecretFile: String?

    @Option(help: ArgumentHelp("The back office's address as owners reach it, for the links in the e-mails.", valueName: "url"))
    var alertLinkBase: String?

    @Option(help: "Seconds between two looks at every connection's health when nothing is logged.")
    var alertSweepSeconds: Double = Double(AlertWatcher.Configuration().sweepInterval.components.seconds)

    @Option(help: "Milliseconds before a failed alert notification is tried again (doubling).")
    var alertRetryBaseMs: Int = Int(AlertMailer.Configuration().retryBase.components.seconds) * 1000

    func validate() throws {
        if smtp != nil, smtpFrom == nil { throw ValidationError("--smtp needs --smtp-from, the alerts' sender address") }
        if smtp == nil, smtpFrom != nil || smtpCredentials != nil || smtpCaFile != nil {
            throw ValidationError("--smtp-from, --smtp-credentials and --smtp-ca-file need --smtp")
        }
        if alertWebhook != nil, alertWebhookSecretFile == nil {
            throw ValidationError("--alert-webhook needs --alert-webhook-secret-file: its POSTs are signed")
        }
        if let url = alertWebhook, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ValidationError("--alert-webhook: \"\(url)\" is not an http or https URL")
        }
        guard alertSweepSeconds > 0, alertRetryBaseMs > 0 else {
            throw ValidationError("--alert-sweep-seconds and --alert-retry-base-ms must be positive")
        }
    }

    var watcher: AlertWatcher.Configuration {
        var c = AlertWatcher.Configuration()
        c.sweepInterval = .milliseconds(Int64(alertSweepSeconds * 1000))
        c.minimumGap = min(c.minimumGap, c.sweepInterval)
        return c
    }

    func delivery() throws -> AlertMailer.Configuration {
        var c = AlertMailer.Configuration()
        c.retryBase = .milliseconds(alertRetryBaseMs)
        c.linkBase = alertLinkBase
        if let smtp, let from = smtpFrom {
            let address = try ServeCommand.webAddress(smtp, option: "--smtp")
            var s = SMTPClient.Configuration(host: address.host, port: address.port, from: from)
            s.trustRootsFile = smtpCaFile
            if let file = smtpCredentials {
                do {
                    s.credentials = try SMTPCredentials(file: file)
                } catch {
                    throw ValidationError("--smtp-credentials: \(error)")
                }
            }
            c.smtp = s
        }
        if let url = alertWebhook, let file = alertWebhookSecretFile {
            guard let secret = FileManager.default.contents(atPath: file), !secret.isEmpty else {
                throw ValidationError("--alert-webhook-secret-file: cannot read \(file), or it is empty")
            }
            c.webhookURL = url
            c.webhookSecret = Array(secret)
        }
        return c
    }
}
