internal import Foundation
public import Events

/// A plain-text e-mail to one address.
public struct SMTPMessage: Sendable, Hashable {
    public var to: String
    public var subject: String
    public var body: String
    /// The same for every attempt of one notification: a copy that arrives twice is
    /// recognizable as the same message.
    public var messageID: String
    public var date: Timestamp

    public init(to: String, subject: String, body: String, messageID: String, date: Timestamp = .now) {
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
    }

    /// The message as DATA carries it (RFC 5322, MIME with a base64 UTF-8 body), CRLF
    /// line ends, ending with a line break.
    func rendered(from: String) -> String {
        var lines = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.dateFormatter.string(from: Date(timeIntervalSince1970: Double(date.microseconds) / 1e6)))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
            "",
        ]
        let encoded = Data(body.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        // No line of base64 starts with a dot: nothing to stuff.
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A header value as RFC 2047 has it when it is not plain ASCII.
    static func encodedWord(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 || $0 < 0x20 }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    // DateFormatter is safe to use from several threads once configured.
    nonisolated(unsafe) private static let dateFormatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f
    }()
}
