internal import CNATS
#if canImport(Glibc)
internal import Glibc
#endif

/// A connection to a NATS cluster: it reconnects on its own, to any of the servers given,
/// for as long as it lives.
// @unchecked Sendable: libnats connections are thread-safe; the pointer is immutable and
// released in deinit only.
public final class NATSConnection: @unchecked Sendable {
    let raw: OpaquePointer

    /// Connects to the first server of `servers` that answers (`nats://host:port`).
    ///
    /// - Parameters:
    ///   - name: shown by the servers (`nats-server --connz`).
    ///   - timeout: for each connection attempt.
    public init(servers: [String], name: String, timeout: Duration = .seconds(2)) throws(NATSError) {
        guard !servers.isEmpty else { throw NATSError(describing: "no NATS server given") }
        var options: OpaquePointer?
        try natsOptions_Create(&options).check()
        defer { natsOptions_Destroy(options) }
        let strings = servers.map { strdup($0) }
        defer { strings.forEach { free($0) } }
        var pointers = strings.map { UnsafePointer<CChar>($0) }
        try pointers.withUnsafeMutableBufferPointer { buffer throws(NATSError) in
            try natsOptions_SetServers(options, buffer.baseAddress, Int32(buffer.count)).check()
        }
        try natsOptions_SetName(options, name).check()
        try natsOptions_SetTimeout(options, timeout.milliseconds).check()
        // Forever: a cluster that loses a node, or all for a while, is reconnected to.
        try natsOptions_SetMaxReconnect(options, -1).check()
        try natsOptions_SetReconnectWait(options, 100).check()
        // The servers given are the ones used: not others the cluster advertises, so that
        // what a node can reach is what its operator (or a firewall) decided.
        try natsOptions_SetIgnoreDiscoveredServers(options, true).check()
        var connection: OpaquePointer?
        try natsConnection_Connect(&connection, options).check()
        raw = connection!
    }

    deinit {
        natsConnection_Destroy(raw)
    }

    /// A JetStream context whose requests wait at most `timeout`.
    public func jetStream(timeout: Duration = .seconds(5)) throws(NATSError) -> JetStream {
        try JetStream(connection: self, timeout: timeout)
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
