internal import CNATS

/// An error from libnats: its status, JetStream's own error code when the server gave
/// one, and the library's message for it.
///
/// Match on the Swift names (`catch let error as NATSError where error == .wrongLastSequence`).
public struct NATSError: Error, Sendable, CustomStringConvertible {
    /// libnats's `natsStatus`.
    public let status: Int32
    /// JetStream's `jsErrCode` (0 when the server sent none).
    public let jetStreamCode: Int32
    /// What libnats said, with the server's text when there was one.
    public let message: String

    init(status: natsStatus, jetStreamCode: jsErrCode = jsErrCode(rawValue: 0), message: String? = nil) {
        self.status = Int32(bitPattern: status.rawValue)
        self.jetStreamCode = Int32(bitPattern: jetStreamCode.rawValue)
        if let message {
            self.message = message
        } else {
            var last = NATS_OK
            let text = nats_GetLastError(&last).map { String(cString: $0) } ?? ""
            self.message = text.isEmpty ? String(cString: natsStatus_GetText(status)) : text
        }
    }

    public init(describing message: String) {
        status = Int32(bitPattern: NATS_ERR.rawValue)
        jetStreamCode = 0
        self.message = message
    }

    public var description: String {
        jetStreamCode == 0 ? message : "\(message) (JetStream error \(jetStreamCode))"
    }

    /// Nothing arrived in time.
    public var isTimeout: Bool { status == Int32(bitPattern: NATS_TIMEOUT.rawValue) }
    /// No server could be reached.
    public var isNoServer: Bool { status == Int32(bitPattern: NATS_NO_SERVER.rawValue) }
    /// The stream's last sequence was not the one the publish expected: another writer
    /// published since.
    public var isWrongLastSequence: Bool { jetStreamCode == Int32(JSStreamWrongLastSequenceErr.rawValue) }
    /// The stream does not exist.
    public var isStreamNotFound: Bool { jetStreamCode == Int32(JSStreamNotFoundErr.rawValue) }
    /// The cluster cannot place a stream yet: too few peers have joined its metadata group,
    /// or it has no metadata leader for now. Both pass once the cluster has formed (or a
    /// lost node is back).
    public var isClusterUnavailable: Bool {
        jetStreamCode == Int32(JSClusterNoPeersErr.rawValue) || jetStreamCode == Int32(JSClusterNotAvailErr.rawValue)
    }
    /// The stream holds no message at that sequence.
    public var isNoMessage: Bool {
        jetStreamCode == Int32(JSNoMessageFoundErr.rawValue) || status == Int32(bitPattern: NATS_NOT_FOUND.rawValue)
    }
}

extension natsStatus {
    /// Throws unless the call succeeded.
    func check(_ code: jsErrCode = jsErrCode(rawValue: 0)) throws(NATSError) {
        guard self == NATS_OK else { throw NATSError(status: self, jetStreamCode: code) }
    }
}
