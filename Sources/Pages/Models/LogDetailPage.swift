public import Answers
public import Events

/// One log entry opened: request and response with their headers and pretty-printed
/// bodies, each downloadable as the API's download.
public struct LogDetailPage: Sendable {
    public struct Part: Sendable {
        public var title: String
        public var status: UInt64?
        public var headers: [Header]
        /// Stored, not computed: the templates read values through reflection.
        public var hasHeaders: Bool
        /// The body indented for reading; nil when empty or not text.
        public var body: String?
        public var isBinary: Bool
        /// A body that is not UTF-8 text, in base64: the bytes as they were sent.
        public var base64: String?
        public var downloadURL: String
    }

    public struct Header: Sendable {
        public var name: String
        public var value: String
    }

    public var chrome: Chrome
    public var connection: ConnectionHeader
    public var seq: UInt64
    public var time: String
    public var timeHeader: String
    public var resource: String
    public var method: String
    public var url: String
    public var status: UInt64
    public var duration: String
    public var requestID: String?
    public var bodiesExpired: Bool
    public var request: Part
    public var response: Part
    public var backURL: String

    public init(chrome: Chrome, connection: ConnectionHeader, detail: LogDetailAnswer, offsetLabel: String, backURL: String) {
        self.chrome = chrome
        self.connection = connection
        let e = detail.entry
        seq = e.seq
        time = LocalDisplay.time(e.time, zone: connection.timeZone)
        timeHeader = "\(chrome.t.time) (\(offsetLabel))"
        resource = e.resource
        method = e.method
        url = e.url
        status = e.status
        duration = e.durationMicroseconds < 1000 ? "\(e.durationMicroseconds) µs" : "\(e.durationMicroseconds / 1000) ms"
        requestID = e.requestID
        bodiesExpired = detail.bodiesExpired
        let base = "/connections/\(URLText.path(connection.id))/logs/\(e.seq)"
        func part(_ p: LogDetailAnswer.Part, _ title: String, _ name: String) -> Part {
            let isNull = p.body == Array("null".utf8)
            return Part(
                title: title, status: p.status, headers: p.headers.map { Header(name: $0.name, value: $0.value) },
                hasHeaders: !p.headers.isEmpty,
                body: isNull ? nil : JSONIndenter.indent(p.body), isBinary: p.bodyBase64 != nil, base64: p.bodyBase64,
                downloadURL: "\(base)/\(name)")
        }
        request = part(detail.request, chrome.t.request, "request")
        response = part(detail.response, chrome.t.answer, "response")
        self.backURL = backURL
    }
}

/// Indents a JSON document for reading, keeping every token's text as it is (numbers
/// past 64 bits and exponents included): only whitespace between tokens changes.
enum JSONIndenter {
    static func indent(_ json: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(json.count + json.count / 4)
        var depth = 0
        var inString = false
        var escaped = false
        var i = 0
        func newline() {
            out.append(10)
            out.append(contentsOf: repeatElement(32, count: depth * 2))
        }
        while i < json.count {
            let c = json[i]
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == 92 { escaped = true } else if c == 34 { inString = false }
                i += 1
                continue
            }
            switch c {
            case 34:
                inString = true
                out.append(c)
            case 123, 91:  // { [
                out.append(c)
                // An empty object or array stays on its line.
                var j = i + 1
                while j < json.count, [32, 9, 10, 13].contains(json[j]) { j += 1 }
                if j < json.count, json[j] == (c == 123 ? 125 : 93) {
                    out.append(json[j])
                    i = j
                } else {
                    depth += 1
                    newline()
                }
            case 125, 93:  // } ]
                depth = max(depth - 1, 0)
                newline()
                out.append(c)
            case 44:
                out.append(c)
                newline()
            case 58:
                out.append(contentsOf: [58, 32])
            case 32, 9, 10, 13:
                break
            default:
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
