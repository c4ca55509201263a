internal import Events

/// Why an answer read back from JSON (a daemon's reply) is not what the API documents.
public struct AnswerError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The members of one JSON object of an answer, read by name with clear errors.
struct AnswerReader {
    private let value: JSONValue
    private let path: String

    init(_ value: JSONValue, path: String = "answer") throws(AnswerError) {
        guard case .object = value else { throw AnswerError("\(path): expected an object, found \(value.typeName)") }
        self.value = value
        self.path = path
    }

    func optionalString(_ key: String) throws(AnswerError) -> String? {
        switch value[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw AnswerError("\(path).\(key): expected a string, found \(other.typeName)")
        }
    }

    func optionalBool(_ key: String) throws(AnswerError) -> Bool? {
        switch value[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw AnswerError("\(path).\(key): expected true or false, found \(other.typeName)")
        }
    }

    func string(_ key: String) throws(AnswerError) -> String {
        guard let s = try optionalString(key) else { throw AnswerError("\(path).\(key): missing") }
        return s
    }

    func optionalUnsigned(_ key: String) throws(AnswerError) -> UInt64? {
        switch value[key] {
        case nil, .null?: return nil
        case .integer(let i)? where i >= 0: return UInt64(i)
        case let other?: throw AnswerError("\(path).\(key): expected a count, found \(other.typeName)")
        }
    }

    func unsigned(_ key: String) throws(AnswerError) -> UInt64 {
        guard let n = try optionalUnsigned(key) else { throw AnswerError("\(path).\(key): missing") }
        return n
    }

    func bool(_ key: String) throws(AnswerError) -> Bool {
        switch value[key] {
        case nil, .null?: return false
        case .bool(let b)?: return b
        case let other?: throw AnswerError("\(path).\(key): expected a boolean, found \(other.typeName)")
        }
    }

    func optionalTime(_ key: String) throws(AnswerError) -> Timestamp? {
        guard let text = try optionalString(key) else { return nil }
        guard let t = Timestamp(rfc3339: text) else { throw AnswerError("\(path).\(key): \"\(text)\" is not an RFC 3339 time") }
        return t
    }

    func time(_ key: String) throws(AnswerError) -> Timestamp {
        guard let t = try optionalTime(key) else { throw AnswerError("\(path).\(key): missing") }
        return t
    }

    func object(_ key: String) throws(AnswerError) -> AnswerReader {
        try AnswerReader(value[key] ?? .null, path: "\(path).\(key)")
    }

    func array(_ key: String) throws(AnswerError) -> [JSONValue] {
        switch value[key] {
        case nil, .null?: return []
        case .array(let items)?: return items
        case let other?: throw AnswerError("\(path).\(key): expected an array, found \(other.typeName)")
        }
    }

    func objects(_ key: String) throws(AnswerError) -> [AnswerReader] {
        var readers: [AnswerReader] = []
        for (i, item) in try array(key).enumerated() { readers.append(try AnswerReader(item, path: "\(path).\(key)[\(i)]")) }
        return readers
    }

    /// A member kept as JSON text (a body).
    func raw(_ key: String) -> [UInt8] {
        (value[key] ?? .null).serialized
    }

    /// `[[name, value], …]`.
    func headers(_ key: String) throws(AnswerError) -> [Header] {
        var headers: [Header] = []
        for item in try array(key) {
            guard case .array(let pair) = item, pair.count == 2, let name = pair[0].stringValue, let v = pair[1].stringValue else {
                throw AnswerError("\(path).\(key): each header is a [name, value] pair of strings")
            }
            headers.append(Header(name, v))
        }
        return headers
    }

    /// Parses a whole answer's bytes.
    static func parse(_ bytes: [UInt8]) throws(AnswerError) -> AnswerReader {
        do {
            return try AnswerReader(try JSONParser.parse(bytes))
        } catch let error as AnswerError {
            throw error
        } catch {
            throw AnswerError("the answer is not JSON: \(error)")
        }
    }
}
