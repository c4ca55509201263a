internal import Foundation
internal import NIOCore
internal import NIOPosix
internal import NIOSSL

/// Sends one e-mail per connection to an SMTP server (RFC 5321): EHLO, STARTTLS when the
/// server offers it (required when credentials are given, so they never travel in
/// clear), AUTH PLAIN, MAIL, RCPT, DATA, QUIT. Small enough to read whole; a library
/// would bring a second event loop and more than the alerts need.
public struct SMTPClient: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The envelope and `From:` address.
        public var from: String
        public var credentials: SMTPCredentials?
        /// A PEM file of the certificates to trust for STARTTLS; nil: the system's.
        public var trustRootsFile: String?
        /// The name this client gives in EHLO.
        public var clientName = "junction"
        public var timeout: Duration = .seconds(30)

        public init(host: String, port: Int, from: String) {
            self.host = host
            self.port = port
            self.from = from
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Sends `message`; returns the server's answer to the end of its data.
    public func send(_ message: SMTPMessage) async throws(SMTPError) -> String {
        do {
            return try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask { try await self.exchange(message) }
                group.addTask {
                    try await Task.sleep(for: self.configuration.timeout)
                    throw SMTPError(.timedOut, "no answer within \(self.configuration.timeout)")
                }
                let answer = try await group.next()!
                group.cancelAll()
                return answer
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError(.connection, "\(error)")
        }
    }

    private func exchange(_ message: SMTPMessage) async throws -> String {
        let c = configuration
        let lines = SMTPLines()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SMTPLineHandler(lines: lines)) }
                }
                .connect(host: c.host, port: c.port).get()
        } catch {
            throw SMTPError(.connection, "cannot connect to \(c.host):\(c.port): \(error)")
        }
        defer { channel.close(promise: nil) }
        let session = SMTPSession(channel: channel, lines: lines)
        try await session.expect(220, after: nil)
        var capabilities = try await session.expect(250, after: "EHLO \(c.clientName)")
        if capabilities.contains(where: { $0.uppercased() == "STARTTLS" }) {
            try await session.expect(220, after: "STARTTLS")
            try await startTLS(on: channel)
            capabilities = try await session.expect(250, after: "EHLO \(c.clientName)")
            session.encrypted = true
        }
        if let credentials = c.credentials {
            guard session.encrypted else {
                throw SMTPError(.refused, "the server does not offer STARTTLS: the credentials are not sent in clear")
            }
            let mechanisms = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ") ?? []
            guard mechanisms.contains("PLAIN") else { throw SMTPError(.refused, "the server does not offer AUTH PLAIN") }
            let token = Data(([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8))).base64EncodedString()
            try await session.expect(235, after: "AUTH PLAIN \(token)", shown: "AUTH PLAIN (credentials)")
        }
        try await session.expect(250, after: "MAIL FROM:<\(c.from)>")
        try await session.expect([250, 251], after: "RCPT TO:<\(message.to)>")
        try await session.expect(354, after: "DATA")
        let answer = try await session.expect(250, after: message.rendered(from: c.from) + ".", shown: "(the message)")
        try? await session.expect(221, after: "QUIT")
        return answer.joined(separator: " ")
    }

    private func startTLS(on channel: any Channel) async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.trustRootsFile { tls.trustRoots = .file(file) }
        let context = try NIOSSLContext(configuration: tls)
        // An address is checked against the certificate's IP names; SNI takes names only.
        var address = in_addr()
        let isAddress = inet_pton(AF_INET, configuration.host, &address) == 1 || configuration.host.contains(":")
        let hostname = isAddress ? nil : configuration.host
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: hostname)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }
}

/// An SMTP user name and password, read from a file of two lines.
public struct SMTPCredentials: Sendable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Reads `path`: the user name on the first line, the password on the second. The file
    /// must be private (no access for group or others), as the daemon's own keys are.
    public init(file path: String) throws(SMTPError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SMTPError(.configuration, "cannot read \(path): \(String(cString: strerror(errno)))") }
        guard info.st_mode & 0o077 == 0 else {
            throw SMTPError(.configuration, "\(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))): chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw SMTPError(.configuration, "cannot read \(path)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .init(charactersIn: "\r")) }
        guard lines.count >= 2, !lines[0].isEmpty, !lines[1].isEmpty else {
            throw SMTPError(.configuration, "\(path) must hold the user name on its first line and the password on its second")
        }
        self.init(username: String(lines[0]), password: String(lines[1]))
    }
}

/// Why an e-mail was not sent. `isPermanent`: the server refused it for good (a 5xx
/// answer), trying again would not help.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        case connection, timedOut, refused, rejected, configuration
    }

    public let code: Code
    public let message: String
    /// The server's reply code, when it gave one.
    public let reply: Int?

    init(_ code: Code, _ message: String, reply: Int? = nil) {
        self.code = code
        self.message = message
        self.reply = reply
    }

    public var isPermanent: Bool {
        code == .configuration || code == .refused || (reply.map { $0 >= 500 } ?? false)
    }

    public var description: String { message }
}

/// One conversation's commands and replies, in order.
private final class SMTPSession: @unchecked Sendable {
    // @unchecked: used by one task at a time, the one sending the e-mail.
    let channel: any Channel
    let lines: SMTPLines
    var encrypted = false

    init(channel: any Channel, lines: SMTPLines) {
        self.channel = channel
        self.lines = lines
    }

    /// Sends `command` (nil: nothing, the greeting) and reads the reply; its lines' texts if
    /// its code is one of `codes`.
    @discardableResult
    func expect(_ codes: [Int], after command: String?, shown: String? = nil) async throws -> [String] {
        if let command {
            try await channel.writeAndFlush(ByteBuffer(string: command + "\r\n"))
        }
        var texts: [String] = []
        while true {
            guard let line = await lines.next() else {
                throw SMTPError(.connection, "the server closed the connection after \(shown ?? command ?? "connecting")")
            }
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes.prefix(3), as: UTF8.self)) else {
                throw SMTPError(.connection, "not an SMTP reply: \(line.prefix(80))")
            }
            texts.append(bytes.count > 4 ? String(decoding: bytes.dropFirst(4), as: UTF8.self) : "")
            if bytes.count > 3, bytes[3] == UInt8(ascii: "-") { continue }
            guard codes.contains(code) else {
                throw SMTPError(.rejected, "\(shown ?? command ?? "the greeting"): \(code) \(texts.joined(separator: " "))", reply: code)
            }
            return texts
        }
    }

    @discardableResult
    func expect(_ code: Int, after command: String?, shown: String? = nil) async throws -> [String] {
        try await expect([code], after: command, shown: shown)
    }
}

/// The server's reply lines, as the channel reads them.
final class SMTPLines: Sendable {
    private let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    // The one task that reads them is the session's.
    nonisolated(unsafe) private var iterator: AsyncStream<String>.Iterator

    init() {
        (stream, continuation) = AsyncStream<String>.makeStream()
        iterator = stream.makeAsyncIterator()
    }

    func yield(_ line: String) { continuation.yield(line) }
    func finish() { continuation.finish() }
    func next() async -> String? { await iterator.next() }
}

/// Splits what the server sends into lines (CRLF, or LF alone).
final class SMTPLineHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let lines: SMTPLines
    // Touched on the channel's event loop only.
    nonisolated(unsafe) private var partial: [UInt8] = []

    init(lines: SMTPLines) { self.lines = lines }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        for byte in buffer.readableBytesView {
            if byte == UInt8(ascii: "\n") {
                if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
                lines.yield(String(decoding: partial, as: UTF8.self))
                partial.removeAll(keepingCapacity: true)
            } else if partial.count < 4096 {
                partial.append(byte)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        lines.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lines.finish()
        context.close(promise: nil)
    }
}
