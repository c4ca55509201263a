/// What a back-office user may see: one account (its owner) or every account (the hub's
/// operators).
public enum UserRole: UInt8, Hashable, Sendable, CaseIterable {
    case owner = 1
    case `operator` = 2

    public var name: String {
        switch self {
        case .owner: "owner"
        case .operator: "operator"
        }
    }

    public init?(name: String) {
        guard let role = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = role
    }
}

/// A back-office user was registered. The password is kept only as a slow salted hash.
public struct UserRegistered: Hashable, Sendable {
    /// The login, lowercased.
    public var email: String
    /// The account an owner sees; nil for an operator.
    public var accountID: String?
    public var role: UserRole
    /// A bcrypt hash (`$2b$…`): its own salt and cost.
    public var passwordHash: String
    public var actor: String
    /// The language the user's alerts are written in (`fr`, `en`); nil: French, the hub's.
    public var language: String?

    public init(email: String, accountID: String?, role: UserRole, passwordHash: String, actor: String, language: String? = nil) {
        self.email = email
        self.accountID = accountID
        self.role = role
        self.passwordHash = passwordHash
        self.actor = actor
        self.language = language
    }
}

/// A back-office user's password was replaced.
public struct UserPasswordChanged: Hashable, Sendable {
    public var email: String
    public var passwordHash: String
    public var actor: String

    public init(email: String, passwordHash: String, actor: String) {
        self.email = email
        self.passwordHash = passwordHash
        self.actor = actor
    }
}

/// A back-office user was removed: the login no longer works.
public struct UserRemoved: Hashable, Sendable {
    public var email: String
    public var actor: String

    public init(email: String, actor: String) {
        self.email = email
        self.actor = actor
    }
}
