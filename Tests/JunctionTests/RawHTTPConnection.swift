import Events
import Foundation
import FrontDoor
import TestSupport

/// One HTTP/1.1 connection kept open across requests, on a loopback TCP port or a Unix
/// socket, speaking bytes as written: for request targets no client library would send,
/// and for counting what a keep-alive client sees (an answer, or a transport error).
final class RawHTTPConnection {
    struct Answer {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var closes: Bool { header("Connection")?.lowercased().contains("close") == true }
    }

    /// What went wrong on the wire: the server closed or reset the connection, or an
    /// answer could not be read.
    struct TransportError: Error, CustomStringConvertible {
        let description: String
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    init(tcpPort port: Int, timeout: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            close(fd)
            throw TransportError(description: "connect to port \(port): errno \(errno)")
        }
        setTimeout(timeout)
    }

    init(unixSocket path: String, timeout: Int = 10) throws {
        guard let fd = try UnixSocket.connect(path) else { throw TransportError(description: "connect to \(path): errno \(errno)") }
        self.fd = fd
        setTimeout(timeout)
    }

    private func setTimeout(_ seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends `request` as written (`\r\n` line ends, `Host` and `Content-Length` added);
    /// with `pause`, the body is sent that long after the head, as clients that write the
    /// two separately do (the server may answer in between).
    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = [], pause: Duration? = nil) throws {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        guard let pause, !body.isEmpty else { return try write(Array(head.utf8) + body) }
        try write(Array(head.utf8))
        let c = pause.components
        usleep(UInt32(c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000))
        try write(body)
    }

    func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TransportError(description: "send: errno \(errno) (\(String(cString: strerror(errno))))") }
            sent += n
        }
    }

    /// One request and its answer.
    func exchange(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = [], pause: Duration? = nil
    ) throws -> Answer {
        try send(method, target, headers: headers, body: body, pause: pause)
        return try readAnswer()
    }

    /// Reads one answer (a `Content-Length` body; this server sends no other).
    func readAnswer() throws -> Answer {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TransportError(description: "bad status line in \(head)") }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        let bodyStart = headEnd! + 4
        while buffer.count < bodyStart + length { try fill() }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return Answer(status: status, headers: headers, body: body)
    }

    /// Whether the server has closed its side (reads end) within `seconds`.
    func closedByServer(within seconds: Int) -> Bool {
        setTimeout(seconds)
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        if n == 0 { return true }
        return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        if n == 0 { throw TransportError(description: "the server closed the connection before an answer") }
        if n < 0 { throw TransportError(description: "recv: errno \(errno) (\(String(cString: strerror(errno))))") }
        buffer += chunk[0..<n]
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}
