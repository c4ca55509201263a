package import Events

/// The members of a JSON request body, read one by one with clear errors (422 naming the
/// field), leftovers refused so a misspelt field is not silently ignored.
package struct JSONFields {
    private var members: [(key: String, value: JSONValue)]
    /// Put before field names in errors (`lines[3].`), for batches.
    private let prefix: String

    package init(_ bytes: [UInt8], prefix: String = "") throws(APIError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw APIError.badRequest("malformed JSON: \(error)")
        }
        try self.init(value, prefix: prefix)
    }

    init(_ value: JSONValue, prefix: String = "") throws(APIError) {
        guard case .object(let members) = value else {
            throw APIError.badRequest("expected a JSON object, found \(value.typeName)")
        }
        var seen = Set<String>()
        for m in members where !seen.insert(m.key).inserted {
            throw APIError.invalid(prefix + m.key, "given twice")
        }
        self.members = members
        self.prefix = prefix
    }

    private func fail(_ key: String, _ message: String) -> APIError {
        APIError.invalid(prefix + key, message)
    }

    package mutating func take(_ key: String) -> JSONValue? {
        guard let k = members.firstIndex(where: { $0.key == key }) else { return nil }
        return members.remove(at: k).value
    }

    package func refuseLeftovers() throws(APIError) {
        if let first = members.first { throw fail(first.key, "unknown member") }
    }

    package mutating func optionalString(_ key: String) throws(APIError) -> String? {
        switch take(key) {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw fail(key, "expected a string, found \(other.typeName)")
        }
    }

    package mutating func optionalBool(_ key: String) throws(APIError) -> Bool? {
        switch take(key) {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw fail(key, "expected true or false, found \(other.typeName)")
        }
    }

    package mutating func string(_ key: String) throws(APIError) -> String {
        guard let s = try optionalString(key) else { throw fail(key, "missing") }
        guard !s.isEmpty else { throw fail(key, "must not be empty") }
        return s
    }

    package mutating func id(_ key: String) throws(APIError) -> String {
        let s = try string(key)
        guard Identifier.isValid(s) else { throw fail(key, "\"\(s)\" is not an id (1 to 64 letters, digits, '-' or '_')") }
        return s
    }

    package mutating func optionalID(_ key: String) throws(APIError) -> String? {
        guard let s = try optionalString(key) else { return nil }
        guard Identifier.isValid(s) else { throw fail(key, "\"\(s)\" is not an id (1 to 64 letters, digits, '-' or '_')") }
        return s
    }
}
