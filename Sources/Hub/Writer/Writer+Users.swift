internal import Foundation
public import Domain
public import Events
public import Journal
// bcrypt only (a C library's wrapper, no HTTP), from the hummingbird-auth package.
internal import HummingbirdBcrypt

/// Back-office users: registered, given a new password, removed, and logged in, from the
/// same state as every other command.
extension Writer {
    /// The cost of the bcrypt hashes written (2^cost rounds).
    public static let passwordHashCost: UInt8 = 11

    /// Registers a back-office user. The password is hashed here, outside the command lock
    /// (a bcrypt hash takes a good part of a second), and only the hash is journaled.
    public func registerUser(
        email: String, accountID: String?, role: UserRole, password: String, actor: String, language: String? = nil,
        key: IdempotencyKey? = nil
    ) async throws(HubError) -> Receipt {
        let hash = try Self.hash(password)
        let login = email.lowercased()
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.userRegistered(UserRegistered(
                email: login, accountID: accountID, role: role, passwordHash: hash, actor: actor, language: language)), at: time)
        }
    }

    public func changePassword(email: String, password: String, actor: String, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let hash = try Self.hash(password)
        let login = email.lowercased()
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.userPasswordChanged(UserPasswordChanged(email: login, passwordHash: hash, actor: actor)), at: time)
        }
    }

    public func removeUser(email: String, actor: String, key: IdempotencyKey? = nil) async throws(HubError) -> Receipt {
        let login = email.lowercased()
        let time = Timestamp.now
        return try await command(key: key) { (s: HubState) throws(DomainError) -> Event in
            try s.decide(.userRemoved(UserRemoved(email: login, actor: actor)), at: time)
        }
    }

    /// The user whose login and password these are, or nil. A login that does not exist
    /// is checked against a hash all the same, so the answer takes as long either way.
    public func authenticate(email: String, password: String) -> (email: String, user: HubState.User)? {
        let login = email.lowercased()
        let user = state.withLock { $0.users[login] }
        let hash = user?.passwordHash ?? Self.unusedHash
        guard Bcrypt.verify(password, hash: hash), let user else { return nil }
        return (login, user)
    }

    /// The user registered under `email` now (a session is only as good as its user: a
    /// removed user's sessions end).
    public func user(_ email: String) -> HubState.User? {
        state.withLock { $0.users[email] }
    }

    /// Reads the writer's state: accounts, locations, apps, connections, users.
    public func withState<T>(_ body: (HubState) throws -> T) rethrows -> T {
        try state.withLock { try body($0) }
    }

    /// The bcrypt hash of a password the rule allows.
    private static func hash(_ password: String) throws(HubError) -> String {
        do throws(DomainError) {
            try PasswordRule.check(password)
        } catch {
            throw HubError.refused(error)
        }
        return Bcrypt.hash(password, cost: passwordHashCost)
    }

    /// A hash no password is checked against with success, to spend the same time on an
    /// unknown login as on a known one.
    private static let unusedHash = Bcrypt.hash(UUID().uuidString, cost: passwordHashCost)
}
