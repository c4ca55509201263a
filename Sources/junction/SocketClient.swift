import AsyncHTTPClient
import Events
import Foundation
import NIOCore
import FrontDoor

/// Talks to a running daemon over its Unix socket (`http+unix://`).
struct SocketClient {
    struct Reply {
        var status: Int
        var body: [UInt8]
        var json: JSONValue? { try? JSONParser.parse(body) }

        /// An API error's reply as a message: its status and its `message`.
        var failure: CommandFailure {
            let message = json?["message"].flatMap { if case .string(let s) = $0 { s } else { nil } }
            return CommandFailure("\(status): \(message ?? String(decoding: body, as: UTF8.self))")
        }
    }

    let socketPath: String

    /// Sends one request; a reply that is an API error becomes a `CommandFailure` with its
    /// message, unless `allowErrors`.
    func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json",
        allowErrors: Bool = false
    ) async throws -> Reply {
        let host = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketPath
        var request = HTTPClientRequest(url: "http+unix://\(host)\(path)")
        // A Unix socket has no host for the client to name; HTTP/1.1 still needs the header.
        request.headers.add(name: "Host", value: "localhost")
        request.method = .init(rawValue: method.name)
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        // Fail fast when nothing listens: the HTTP client would retry for a long time.
        try checkListening()
        let reply = try await reaching {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            var buffer = try await response.body.collect(upTo: 512 << 20)
            return Reply(status: Int(response.status.code), body: buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
        if !allowErrors, reply.status >= 400 { throw reply.failure }
        return reply
    }

    /// Runs `body`, turning the HTTP client's failures into a message that names the socket.
    private func reaching<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as HTTPClientError {
            throw CommandFailure("cannot reach the daemon at \(socketPath): \(error)")
        } catch let error as ChannelError {
            throw CommandFailure("cannot reach the daemon at \(socketPath): \(error)")
        } catch let error as IOError {
            throw CommandFailure("cannot reach the daemon at \(socketPath): \(error)")
        }
    }

    /// Sends a GET whose answer is read as it comes (an export, a tail): `body` is given
    /// each piece; an API error becomes a `CommandFailure` with its message.
    func stream(_ path: String, headers: [(String, String)] = [], _ body: (ByteBuffer) async throws -> Void) async throws {
        let host = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketPath
        var request = HTTPClientRequest(url: "http+unix://\(host)\(path)")
        request.headers.add(name: "Host", value: "localhost")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        try checkListening()
        try await reaching {
            // No deadline: a tail lasts until it is stopped.
            let response = try await HTTPClient.shared.execute(request, deadline: .distantFuture)
            guard response.status.code < 400 else {
                var buffer = try await response.body.collect(upTo: 1 << 20)
                throw Reply(status: Int(response.status.code), body: buffer.readBytes(length: buffer.readableBytes) ?? []).failure
            }
            for try await piece in response.body { try await body(piece) }
        }
    }

    private func checkListening() throws {
        do {
            if try UnixSocket.isListening(socketPath) { return }
        } catch {
            throw CommandFailure(error.description)
        }
        throw CommandFailure("cannot reach the daemon at \(socketPath): \(String(cString: strerror(errno))) (is `junction serve` running?)")
    }

    /// A JSON body for a request: the given members, nil ones left out.
    static func body(_ members: [(String, String?)]) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        for (k, v) in members { w.string(k, ifPresent: v) }
        w.endObject()
        return w.bytes
    }
}

/// Builds a query string, percent-encoding values.
func queryString(_ items: [(String, String?)]) -> String {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    let parts = items.compactMap { k, v in v.map { "\(k)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" } }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}
