public import Foundation
public import Domain
public import Journal
public import Projections
public import FrontDoor
public import Replication
public import Notifications
public import AppGateway

extension Daemon {
    /// Everything `junction serve` and `junction follow` set, grouped by the part it
    /// configures; each default is written once, here or in the part's own configuration,
    /// and the command line's options take theirs from these.
    public struct Configuration: Sendable {
        public var data: DataDirectory
        public var socket: Socket
        public var durability: Durability = .full
        public var limits = RequestLimits()
        /// The notifier's delivery of callbacks; `allowPrivateAddresses` is also what the
        /// writer checks a callback URL against when an app is registered.
        public var notifier = Notifier.Configuration()
        public var compaction = CompactionSchedule()
        /// How alerts are decided, and where they are sent (e-mail, the operators' webhook).
        public var alerts = AlertWatcher.Configuration()
        public var alertDelivery = AlertMailer.Configuration()
        /// The back office's listener for people; nil: no back office.
        public var web: Listener?
        /// The gateway apps call; nil: none.
        public var gateway: Gateway.Configuration?
        /// Replicate the journal to a JetStream stream (a writer), or follow a writer's
        /// stream; nil: this disk only.
        public var replication: Replication?
        /// With replication: failover without a person (a lease the writer renews and
        /// followers take when it lapses); nil: `junction promote` only.
        public var failover: FailoverSettings?
        /// How the daemon starts its children.
        public var children: Children
        /// Projections whose projector is not run (benchmarks' A/B runs only).
        public var projectorsLeftOut: Set<String> = []

        public init(data: DataDirectory, socketPath: String, children: Children) {
            self.data = data
            self.socket = Socket(path: socketPath)
            self.children = children
        }
    }

    /// The Unix socket of the API.
    public struct Socket: Sendable {
        public var path: String
        /// Permissions of the socket file; 0600 lets only this user in.
        public var mode: UInt16 = 0o600

        public init(path: String) { self.path = path }
    }

    /// Retention, and how often compaction runs on its own.
    public struct CompactionSchedule: Sendable {
        public var retention = RetentionPolicy()
        /// nil: only on request.
        public var interval: Duration? = .seconds(24 * 3600)

        public init() {}
    }

    /// The daemon's place in replication.
    public enum Replication: Sendable {
        /// A writer that ships its journal to the stream.
        case writer(ReplicationSettings)
        /// A follower that builds its journal from the stream and takes no writes.
        case follower(ReplicationSettings)

        var writerSettings: ReplicationSettings? {
            if case .writer(let settings) = self { settings } else { nil }
        }

        var followerSettings: ReplicationSettings? {
            if case .follower(let settings) = self { settings } else { nil }
        }
    }

    /// The program that runs the children (the `junction` binary), and the arguments of
    /// each: the command line that starts the daemon knows how its own commands are
    /// spelled, the daemon does not.
    public struct Children: Sendable {
        public var executable: String
        public var arguments: @Sendable (Child, Configuration) -> [String]

        public init(executable: String, arguments: @escaping @Sendable (Child, Configuration) -> [String]) {
            self.executable = executable
            self.arguments = arguments
        }
    }
}
