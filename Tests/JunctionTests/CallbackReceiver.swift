import Foundation
import Synchronization

/// A small HTTP/1.1 server on 127.0.0.1 for callback tests: it answers each request with
/// the next programmed status and remembers what it received.
final class CallbackReceiver: Sendable {
    struct Received: Sendable {
        let headers: [String: String]
        let body: [UInt8]
    }

    let port: UInt16
    private let listener: Int32
    private let statuses: Mutex<[Int]>
    private let received = Mutex<[Received]>([])
    private let stopped = Atomic<Bool>(false)
    /// While held, requests are read but not answered.
    private let held: Atomic<Bool>
    private let released = DispatchSemaphore(value: 0)

    /// Listens on `port` (0: any free port), answering `statuses` in turn (the last one
    /// for every later request).
    init(port: UInt16 = 0, statuses: [Int], hold: Bool = false) throws {
        self.statuses = Mutex(statuses)
        held = Atomic(hold)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw CocoaError(.fileWriteUnknown)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        self.port = UInt16(bigEndian: actual.sin_port)
        Thread { [self] in serve() }.start()
    }

    var requests: [Received] { received.withLock { $0 } }

    /// Lets held requests be answered.
    func release() {
        held.store(false, ordering: .releasing)
        released.signal()
    }

    func stop() {
        release()
        stopped.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while !stopped.load(ordering: .acquiring) {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            handle(fd)
            close(fd)
        }
    }

    private func handle(_ fd: Int32) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return }
            data += buffer[0..<n]
            if headerEnd == nil, let end = find(data, Array("\r\n\r\n".utf8)) {
                headerEnd = end + 4
                let head = String(decoding: data[0..<end], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let h = headerEnd, data.count >= h + contentLength { break }
        }
        let h = headerEnd!
        var headers: [String: String] = [:]
        for line in String(decoding: data[0..<h], as: UTF8.self).split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        received.withLock { $0.append(Received(headers: headers, body: Array(data[h..<(h + contentLength)]))) }
        if held.load(ordering: .acquiring) {
            released.wait()
            released.signal()
        }
        let status = statuses.withLock { s -> Int in s.count > 1 ? s.removeFirst() : (s.first ?? 200) }
        let reply = Array("HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }
}
