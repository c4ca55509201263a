/// What a back-office password must be: long enough to resist guessing (counted in
/// bytes), short enough for bcrypt, which reads only the first 72 bytes.
public enum PasswordRule {
    public static let minimumCharacters = 10
    public static let maximumBytes = 72

    public static func check(_ password: String) throws(DomainError) {
        guard password.utf8.count >= minimumCharacters else { throw .invalid("password", "at least \(minimumCharacters) characters") }
        guard password.utf8.count <= maximumBytes else { throw .invalid("password", "at most \(maximumBytes) bytes (bcrypt reads no more)") }
    }
}
