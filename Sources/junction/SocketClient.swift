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
        let reply: Reply
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            var buffer = try await response.body.collect(upTo: 512 << 20)
            reply = Reply(status: Int(response.status.code), body: buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch let error as HTTPClientError {
            throw CommandFailure("cannot reach the daemon at \(socketPath): \(error)")
        } catch let error as ChannelError {
            throw CommandFailure("cannot reach the daemon at \(socketPath): \(error)")
        } catch let error as IOError {
            throw CommandFailure("cannot reach the daemon at \(socketPath): \(error)")
        }
        if !allowErrors, reply.status >= 400 {
            let message = reply.json?["message"].flatMap { if case .string(let s) = $0 { s } else { nil } }
            throw CommandFailure("\(reply.status): \(message ?? String(decoding: reply.body, as: UTF8.self))")
        }
        return reply
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
