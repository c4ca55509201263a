internal import Foundation
package import Hummingbird
package import HTTPTypes
package import Logging
package import Events
package import NIOCore
internal import NIOHTTP1
internal import Crypto
package import Journal
package import Projections
package import Hub
package import Ingestion

/// Turns every error into the hub's error body, `{"error_type", "message"}`, with the
/// right status: errors of the framework (413, 404 for unknown routes, …) included.
package struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HubError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as LogEntryError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as HTTPParserError {
            // A body whose framing cannot be read (chunk sizes, chunk lines): the client's fault.
            return try APIError.badRequest("malformed HTTP request: \(error)").response(from: request, context: context)
        } catch let error as NIOTooManyBytesError {
            _ = error
            return try APIError.tooLarge("the request body is larger than the limit").response(from: request, context: context)
        } catch let error as HTTPError {
            let api: APIError
            switch error.status {
            case .notFound: api = .notFound("no such endpoint: \(request.method) \(request.uri.path)")
            case .methodNotAllowed: api = APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed on \(request.uri.path)")
            case .contentTooLarge: api = .tooLarge("the request body is larger than the limit")
            default: api = APIError(error.status, "bad_request", error.body ?? error.status.reasonPhrase)
            }
            return try api.response(from: request, context: context)
        } catch where (error as? ProjectionError)?.isReadersFull == true || (error as? JournalError)?.isReadersFull == true {
            // Queries read the projections (ProjectionError) and the journal (JournalError).
            return try APIError.unavailable("too many readers at once (\(error)); retry shortly").response(from: request, context: context)
        } catch {
            logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return try APIError.internalError("\(error)").response(from: request, context: context)
        }
    }
}

/// Refuses a request without exactly one `Host` header (RFC 9112 §3.2: 400). HTTP/1.0
/// requests are held to it too: every client of this API sends one.
package struct HostHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    package init() {}

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The first Host becomes the request's authority; any further one stays a field.
        guard request.head.authority != nil else { throw APIError.badRequest("the request has no Host header") }
        guard request.headers[values: HTTPField.Name("Host")!].isEmpty else {
            throw APIError.badRequest("the request has more than one Host header")
        }
        return try await next(request, context)
    }
}

/// A JSON response written with ``JSONWriter``.
package func jsonResponse(_ status: HTTPResponse.Status = .ok, _ write: (inout JSONWriter) -> Void) -> Response {
    var w = JSONWriter()
    write(&w)
    return bytesResponse(status, w.bytes, contentType: "application/json")
}

package func bytesResponse(_ status: HTTPResponse.Status, _ bytes: [UInt8], contentType: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = contentType
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

extension Request {
    /// The body, refused with 413 past `limit` bytes.
    package func bytes(limit: Int) async throws -> [UInt8] {
        // A declared length past the limit is refused before a byte of it is waited for.
        let declared = headers[.contentLength].flatMap(Int.init)
        if let declared, declared > limit {
            throw APIError.tooLarge("the request body (\(declared) bytes) is larger than the limit of \(limit) bytes")
        }
        if let declared, declared >= 0 {
            // The length is known: each fragment is copied once, into an array of that size
            // (collecting into a growing buffer, then copying that out, moved a batch's
            // megabyte about three times).
            var bytes: [UInt8] = []
            bytes.reserveCapacity(declared)
            for try await fragment in body {
                guard fragment.readableBytes <= limit - bytes.count else {
                    throw APIError.tooLarge("the request body is larger than the limit of \(limit) bytes")
                }
                fragment.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
            }
            return bytes
        }
        do {
            var buffer = try await body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge("the request body is larger than the limit of \(limit) bytes")
        }
    }

    /// The media type of the body, without parameters, lowercased; 415 for a charset
    /// other than UTF-8, which is all the API reads (a body is never read as another).
    package func mediaType() throws -> String? {
        guard let field = headers[.contentType] else { return nil }
        let parts = field.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "charset" else { continue }
            let charset = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
            guard charset == "utf-8" || charset == "utf8" else {
                throw APIError.unsupportedMediaType("bodies are read as UTF-8 only, not charset=\(pair[1])")
            }
        }
        return parts.first?.lowercased() ?? ""
    }

    /// Refuses bodies that are not JSON (415); a missing Content-Type is taken as JSON.
    package func requireJSON() throws {
        if let type = try mediaType(), type != "application/json" {
            throw APIError.unsupportedMediaType("expected Content-Type: application/json, not \(type)")
        }
    }

    package func query(_ name: String) -> String? { uri.queryParameters.get(name) }

    package func queryAll(_ name: String) -> [String] {
        uri.queryParameters.getAll(name).flatMap { $0.split(separator: ",").map(String.init) }
    }

    /// A sequence number as the API writes them: decimal digits only (no sign, no `-0`).
    package static func sequenceNumber(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return UInt64(text)
    }

    package func queryInt(_ name: String) throws -> Int? {
        guard let text = query(name) else { return nil }
        guard let value = Int(text) else { throw APIError.invalid(name, "\"\(text)\" is not an integer") }
        return value
    }

    package func queryTime(_ name: String) throws -> Timestamp? {
        guard let text = query(name) else { return nil }
        guard let t = Timestamp(rfc3339: text) else {
            throw APIError.invalid(name, "\"\(text)\" is not an RFC 3339 time (2026-11-29T09:14:03Z)")
        }
        return t
    }
}

extension RequestContext {
    package func id(_ name: String = "id") throws -> String {
        guard let value = parameters.get(name) else { throw APIError.badRequest("missing \(name)") }
        return value
    }
}

extension Request {
    /// The `Idempotency-Key` header as the journal's key for this request, or nil. The
    /// fingerprint is a digest of the method, path and body, so a key sent again with
    /// another request is refused rather than answered with the first one's result.
    package func idempotencyKey(body: [UInt8]) throws -> IdempotencyKey? {
        guard let value = headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...IdempotencyKey.maxBytes).contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw APIError.badRequest("Idempotency-Key: a key is 1 to \(IdempotencyKey.maxBytes) visible ASCII characters")
        }
        var hasher = SHA256()
        hasher.update(data: Array("\(method.rawValue) \(uri.path)\n".utf8))
        hasher.update(data: body)
        return IdempotencyKey(value, fingerprint: Array(hasher.finalize()))
    }
}

/// Marks the answer to a retried request (`Idempotent-Replayed: true`): nothing was
/// appended this time, and the numbers are those of the first append.
package func markReplayed(_ response: Response, _ replayed: Bool) -> Response {
    guard replayed else { return response }
    var response = response
    response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
    return response
}
