internal import AsyncHTTPClient
public import Foundation
package import Hummingbird
package import HTTPTypes
package import NIOCore
internal import NIOHTTP1
internal import Synchronization
public import Domain
package import Events
package import Journal
package import Logging
package import Hub
package import Projections
public import FrontDoor

/// The front door apps call: checks each call's token against the writer's state, holds it
/// to its scope and to the hub's rate limits, forwards it to the hub's API with headers
/// the API can trust, and journals request and response as a log entry.
public final class Gateway: Sendable {
    public struct Configuration: Sendable {
        /// Where apps call.
        public var listener: Listener
        /// The hub's API calls are forwarded to.
        public var upstream: URL
        public var limits = RateLimits.Limits()
        /// Bodies past this many bytes are logged cut, and marked so.
        public var maxLoggedBodyBytes = Configuration.defaultMaxLoggedBodyBytes
        /// The daemon's limit, set by it.
        package var maxBodyBytes = RequestLimits().maxBodyBytes
        public var upstreamTimeout = Configuration.defaultUpstreamTimeout
        /// Answer the app before its log entry is durable (a crash may lose the entries of
        /// the calls answered in the last group commit, about a millisecond of traffic).
        public var sendFirst = false

        public static let defaultMaxLoggedBodyBytes = 64 << 10
        public static let defaultUpstreamTimeout: Duration = .seconds(30)

        public init(listener: Listener, upstream: URL) {
            self.listener = listener
            self.upstream = upstream
        }
    }

    let configuration: Configuration
    let writer: Writer
    /// The projections the callback endpoints read (nil: they answer 503).
    let queries: Queries?
    private let client: HTTPClient
    private let limits: Mutex<RateLimits>
    private let logger: Logger

    /// Headers that are the connection's, not the request's (RFC 9110 §7.6.1), and those
    /// the gateway sets itself.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
        "content-length", "x-access-token",
    ]
    static let trustedPrefix = "x-junction-"
    /// On every answer the rate limiter counted, and how a restart tells those calls apart.
    static let limitHeader = "X-RateLimit-Limit"

    package init(configuration: Configuration, writer: Writer, queries: Queries? = nil, logger: Logger) throws {
        self.configuration = configuration
        self.writer = writer
        self.queries = queries
        self.logger = logger
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        clientConfiguration.redirectConfiguration = .disallow
        clientConfiguration.decompression = .disabled
        // A refused connection is retried until the connect timeout: keep it short, so an
        // upstream that is down answers 502 at once rather than after 10 s.
        clientConfiguration.timeout.connect = .seconds(2)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        // The counts survive a restart: the calls of the current day are read back from
        // the journal. The gateway counted the calls it answered with rate-limit headers
        // (those that passed the token check, the refused 429s included); blocked calls,
        // logged without those headers, and requests posted to /v1/logs are not counted.
        var counts = RateLimits(limits: configuration.limits)
        let since = Timestamp.now.microseconds - Timestamp.microsecondsPerDay
        let requestKind = Event.Kind.requestLogged.rawValue
        try writer.journal.scan { _, bytes in
            guard let header = try? BinaryEventCodec.header(of: bytes), header.kind == requestKind,
                  header.time.microseconds >= since,
                  case .requestLogged(let r)? = try? BinaryEventCodec.decode(bytes, bodies: .skip).payload,
                  r.responseHeaders.contains(where: { $0.name == Gateway.limitHeader }) else { return true }
            // The logged method is the one that was decided on (an override's), the URL the
            // canonical target.
            let path = r.url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            counts.record(r.connectionID, at: header.time, heavy: HeavyEndpoint.matches(method: r.method, path: path))
            return true
        }
        limits = Mutex(counts)
    }

    package func shutdown() async {
        try? await client.shutdown()
    }

    /// The hub's error body.
    static func refusal(
        _ status: HTTPResponse.Status, _ type: String, _ message: String, headers: HTTPFields = [:], body: [UInt8]? = nil
    ) -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        var h = headers
        h[.contentType] = "application/json"
        if status == .serviceUnavailable, h[.retryAfter] == nil { h[.retryAfter] = "1" }
        return (status, h, body ?? APIError(status, type, message).body)
    }

    /// Answers one call.
    func handle(_ request: Request) async throws -> Response {
        // A browser's preflight: answered without a token, not counted, not logged.
        if let preflight = CrossOrigin.preflight(request) { return preflight }
        // A node that takes no writes (a follower, a writer replaced or without its lease)
        // could not journal the call: refused before it reaches the hub's API, naming the
        // writer; a load balancer's retry finds it.
        try writer.checkTakesWrites()
        let started = ContinuousClock.now
        let time = Timestamp.now
        let requestBytes = try await request.bytes(limit: configuration.maxBodyBytes)
        let sent = Events.HTTPMethod(name: request.method.rawValue)
        // What the hub acts on, and so what the scope, the limits and the log take.
        let method = sent.map { sent in
            Result { () throws(MethodOverride.Refusal) in
                try MethodOverride.effective(method: sent, overrides: request.headers[values: HTTPField.Name(MethodOverride.header)!])
            }
        }
        let token = request.headers[values: HTTPField.Name("X-Access-Token")!].first ?? ""
        // The target exactly as the request line carried it, read once: what the rules
        // decide on is what is logged and forwarded (docs/gateway.md, "One target").
        let raw = request.head.path ?? ""
        let originForm = request.headers[HTTPField.Name(TargetFormMarker.header)!] != TargetFormMarker.notOriginForm
        let target = Result { () throws(RequestTarget.Refusal) in
            guard originForm else { throw RequestTarget.Refusal(message: "the request target must be a path starting with / (origin-form)") }
            // Sent as it is: AsyncHTTPClient rebuilds a target from Foundation's URL, which
            // keeps every target RequestTarget accepts as it is (RequestTargetTests checks it).
            return try RequestTarget(validating: raw)
        }
        let (verdict, connectionID) = writer.admitCall(token: token)

        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: [UInt8]
        switch verdict {
        case .revoked:
            // No live connection to log the call under.
            (status, headers, body) = Self.refusal(.unauthorized, "unauthorized", verdict.refusal ?? "")
            return Self.response(status, headers, body)
        case .blocked:
            (status, headers, body) = Self.refusal(.unauthorized, "unauthorized", verdict.refusal ?? "")
        case .valid(let owner):
            (status, headers, body) = await decide(request, owner: owner, method: method, target: target, requestBytes: requestBytes, time: time)
            writer.callAnswered(owner.connectionID)
        }
        guard let connectionID, let sent else { return Self.response(status, headers, body) }
        let loggedMethod = (try? method?.get()) ?? sent
        // The caller's own token is known here, and so is every value the redaction removes
        // from the URL: wherever they stand in the URL or a body (an upstream that echoes
        // the target, say), they are not stored.
        let url: String
        switch target {
        case .success(let t): url = t.text
        case .failure: url = Self.loggable(raw)
        }
        let secrets = [token] + Redaction.removedValues(url: url)
        let logged = logEntry(
            request, connectionID: connectionID, method: loggedMethod,
            url: String(decoding: Self.removing(secrets, from: Array(url.utf8)), as: UTF8.self),
            requestBody: Self.removing(secrets, from: requestBytes), status: status, responseHeaders: headers,
            responseBody: Self.removing(secrets, from: body), duration: ContinuousClock.now - started)
        if configuration.sendFirst {
            let writer = self.writer, logger = self.logger
            Task {
                do { _ = try await writer.ingest([(time, logged)]) } catch {
                    logger.error("a gateway call could not be logged", metadata: ["connection.id": "\(connectionID)", "error": "\(error)"])
                }
            }
        } else {
            do {
                _ = try await writer.ingest([(time, logged)])
            } catch {
                // Disconnected while the call was under way: nothing left to log it under.
                // (A `catch where` on the typed error crashes Swift 6.3.1's SILGen.)
                guard error.code == .refused else { throw error }
                logger.notice("a gateway call was not logged", metadata: ["connection.id": "\(connectionID)", "error": "\(error.message)"])
            }
        }
        return Self.response(status, headers, body)
    }

    /// The upstream's URL for a target: the configured base, then the target.
    private func upstreamURL(_ target: String) -> String {
        configuration.upstream.absoluteString.trimmingSuffix("/") + target
    }

    /// A refused target as its log entry shows it: bytes outside RFC 3986 (controls,
    /// spaces, non-ASCII) percent-encoded, so the entry shows what was sent without
    /// carrying it raw. Redacted like every logged URL after this.
    static func loggable(_ raw: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in raw.utf8 {
            if b > 0x20, b < 0x7F, b != UInt8(ascii: "\""), b != UInt8(ascii: "<"), b != UInt8(ascii: ">"), b != UInt8(ascii: "\\"),
               b != UInt8(ascii: "^"), b != UInt8(ascii: "`"), b != UInt8(ascii: "{"), b != UInt8(ascii: "|"), b != UInt8(ascii: "}") {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Rate limits, the method override, the target, the scope, then the upstream.
    private func decide(
        _ request: Request, owner: TokenOwner, method: Result<Events.HTTPMethod, MethodOverride.Refusal>?,
        target: Result<RequestTarget, RequestTarget.Refusal>, requestBytes: [UInt8], time: Timestamp
    ) async -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        guard let method else {
            return Self.refusal(.methodNotAllowed, "method_not_allowed", "the hub's API takes GET, POST, PUT, PATCH and DELETE")
        }
        let heavy = switch (method, target) {
        case (.success(let m), .success(let t)): HeavyEndpoint.matches(method: m, path: t.path)
        default: false
        }
        let decision = limits.withLock { $0.admit(owner.connectionID, at: time, heavy: heavy) }
        var rateHeaders = HTTPFields()
        rateHeaders[HTTPField.Name(Self.limitHeader)!] = "\(decision.limit)"
        rateHeaders[HTTPField.Name("X-RateLimit-Remaining")!] = "\(decision.remaining)"
        rateHeaders[HTTPField.Name("X-RateLimit-Reset")!] = "\(decision.reset.microseconds / 1_000_000)"
        guard decision.admitted else {
            let wait = max((decision.reset.microseconds - time.microseconds + 999_999) / 1_000_000, 1)
            rateHeaders[.retryAfter] = "\(wait)"
            return Self.refusal(.tooManyRequests, "too_many_requests",
                                "rate limit of \(decision.limit) calls reached; retry in \(wait) s", headers: rateHeaders)
        }
        let effective: Events.HTTPMethod
        switch method {
        case .success(let m): effective = m
        case .failure(let refusal): return Self.refusal(.badRequest, "bad_request", refusal.message, headers: rateHeaders)
        }
        let canonical: RequestTarget
        switch target {
        case .success(let t): canonical = t
        case .failure(let refusal):
            logger.notice("a request target was refused", metadata: ["connection.id": "\(owner.connectionID)", "reason": "\(refusal.message)"])
            return Self.refusal(.badRequest, "bad_request", refusal.message, headers: rateHeaders)
        }
        let rule = AccessRule(method: effective, path: canonical.path)
        let accounts = writer.withState { $0.locations }
        if let reason = rule.refusal(scope: owner.permissions, connectionAccount: owner.accountID, connectionLocation: owner.locationID,
                                     accountOf: { accounts[$0] }) {
            return Self.refusal(.forbidden, "forbidden", reason, headers: rateHeaders)
        }
        var (status, headers, body) = if let local = await callbackAnswer(method: effective, target: canonical, owner: owner, requestBytes: requestBytes) {
            local
        } else {
            await forward(request, owner: owner, target: canonical.text, requestBytes: requestBytes)
        }
        for field in rateHeaders where headers[field.name] == nil { headers.append(field) }
        return (status, headers, body)
    }

    /// Sends the call to the hub's API with the app's token replaced by trusted headers.
    private func forward(
        _ request: Request, owner: TokenOwner, target: String, requestBytes: [UInt8]
    ) async -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        var upstream = HTTPClientRequest(url: upstreamURL(target))
        upstream.method = .RAW(value: request.method.rawValue)
        for field in request.headers {
            let name = field.name.canonicalName
            if Self.hopByHop.contains(name) || name.hasPrefix(Self.trustedPrefix) { continue }
            upstream.headers.add(name: field.name.rawName, value: field.value)
        }
        upstream.headers.add(name: "X-Junction-Connection", value: owner.connectionID)
        upstream.headers.add(name: "X-Junction-App", value: owner.appID)
        upstream.headers.add(name: "X-Junction-Account", value: owner.accountID)
        if let location = owner.locationID { upstream.headers.add(name: "X-Junction-Location", value: location) }
        upstream.headers.add(name: "X-Junction-Scope", value: owner.scope)
        if !requestBytes.isEmpty { upstream.body = .bytes(ByteBuffer(bytes: requestBytes)) }
        let timeout = TimeAmount(configuration.upstreamTimeout)
        do {
            let answer = try await client.execute(upstream, timeout: timeout)
            var buffer = try await answer.body.collect(upTo: configuration.maxBodyBytes)
            var headers = HTTPFields()
            for (name, value) in answer.headers {
                let lower = name.lowercased()
                guard !Self.hopByHop.contains(lower), let field = HTTPField.Name(name) else { continue }
                headers.append(HTTPField(name: field, value: value))
            }
            return (HTTPResponse.Status(code: Int(answer.status.code)), headers, buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return Self.refusal(.gatewayTimeout, "gateway_timeout", "the hub's API did not answer in time")
        } catch {
            logger.warning("upstream unreachable", metadata: ["error": "\(error)"])
            return Self.refusal(.badGateway, "bad_gateway", "the hub's API cannot be reached")
        }
    }

    /// The log entry of a call: bodies past the limit cut and marked in a header.
    private func logEntry(
        _ request: Request, connectionID: String, method: Events.HTTPMethod, url: String, requestBody: [UInt8],
        status: HTTPResponse.Status, responseHeaders: HTTPFields, responseBody: [UInt8], duration: Duration
    ) -> RequestLogged {
        let limit = configuration.maxLoggedBodyBytes
        var requestHeaders = request.headers.map { Header($0.name.rawName, $0.value) }
        var answerHeaders = responseHeaders.map { Header($0.name.rawName, $0.value) }
        if requestBody.count > limit { requestHeaders.append(Header("X-Junction-Logged-Body", "cut at \(limit) of \(requestBody.count) bytes")) }
        if responseBody.count > limit { answerHeaders.append(Header("X-Junction-Logged-Body", "cut at \(limit) of \(responseBody.count) bytes")) }
        let micros = duration.wholeMicroseconds
        return RequestLogged(
            connectionID: connectionID, requestID: request.headers[values: HTTPField.Name("X-Request-Id")!].first,
            method: method, resource: ResourceName.of(url: Redaction.redact(url: url)), url: url, status: UInt16(clamping: status.code),
            durationMicroseconds: UInt64(max(micros, 0)), requestHeaders: requestHeaders, requestBody: Array(requestBody.prefix(limit)),
            responseHeaders: answerHeaders, responseBody: Array(responseBody.prefix(limit)))
    }

    /// `bytes` with every occurrence of each of `secrets` replaced by the redaction marker;
    /// secrets shorter than ``minimumRemovedLength`` are left (they would match ordinary text).
    static func removing(_ secrets: [String], from bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for secret in secrets where secret.utf8.count >= minimumRemovedLength { out = removing(secret, from: out) }
        return out
    }

    static let minimumRemovedLength = 8

    /// `bytes` with every occurrence of `secret` replaced by the redaction marker.
    static func removing(_ secret: String, from bytes: [UInt8]) -> [UInt8] {
        let needle = Array(secret.utf8)
        guard needle.count >= minimumRemovedLength, bytes.count >= needle.count else { return bytes }
        var out: [UInt8] = []
        var i = 0
        var found = false
        while i < bytes.count {
            if bytes[i] == needle[0], i + needle.count <= bytes.count, bytes[i..<(i + needle.count)].elementsEqual(needle) {
                if !found { out.reserveCapacity(bytes.count); out.append(contentsOf: bytes[..<i]); found = true }
                out.append(contentsOf: Redaction.marker.utf8)
                i += needle.count
                continue
            }
            if found { out.append(bytes[i]) }
            i += 1
        }
        return found ? out : bytes
    }

    /// Every answer of the gateway, refusals included: readable by a browser page of any
    /// origin, as the hub's API is (its tokens travel in a header, never in a cookie).
    static func response(_ status: HTTPResponse.Status, _ headers: HTTPFields, _ body: [UInt8]) -> Response {
        var headers = headers
        for field in CrossOrigin.answerHeaders where headers[field.name] == nil { headers.append(field) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

/// Hands every request to the gateway: it has no routes of its own.
package struct GatewayMiddleware<Context: RequestContext>: RouterMiddleware {
    let gateway: Gateway

    package init(gateway: Gateway) {
        self.gateway = gateway
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await gateway.handle(request)
        } catch let error as APIError {
            let (s, h, b) = Gateway.refusal(error.status, error.errorType, error.message)
            return Gateway.response(s, h, b)
        } catch let error as HubError {
            let answer = APIError(error)
            let (s, h, b) = Gateway.refusal(answer.status, answer.errorType, answer.message)
            return Gateway.response(s, h, b)
        }
    }
}
