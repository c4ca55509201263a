internal import Foundation
internal import Domain

/// The back office's sessions and its memory of failed logins. Sessions live in memory
/// only: a restarted daemon asks everyone to log in again, which loses nothing journaled.
actor WebSessions {
    struct Session: Sendable {
        var email: String
        /// The password hash the user logged in with: a new password ends the session.
        var passwordHash: String
        /// The token every form that changes something must carry.
        var csrf: String
        var lastSeen: ContinuousClock.Instant
    }

    /// How long a session lasts without a request.
    let idleLifetime: Duration
    private var sessions: [String: Session] = [:]
    private var failures: [String: (count: Int, last: ContinuousClock.Instant)] = [:]

    init(idleLifetime: Duration = .seconds(8 * 3600)) {
        self.idleLifetime = idleLifetime
    }

    /// A new session for `email`: its id (the cookie) and its form token.
    func open(email: String, passwordHash: String) -> (id: String, csrf: String) {
        sweep()
        let id = Self.randomToken()
        let csrf = Self.randomToken()
        sessions[id] = Session(email: email, passwordHash: passwordHash, csrf: csrf, lastSeen: .now)
        failures[email] = nil
        return (id, csrf)
    }

    /// The live session with this id, kept alive by the asking.
    func session(_ id: String) -> Session? {
        guard var s = sessions[id] else { return nil }
        let now = ContinuousClock.now
        guard now - s.lastSeen < idleLifetime else {
            sessions[id] = nil
            return nil
        }
        s.lastSeen = now
        sessions[id] = s
        return s
    }

    func close(_ id: String) {
        sessions[id] = nil
    }

    /// Records a failed login and says how long to wait before answering it: half a second
    /// more for each failure in a row on that login, up to 8 s, so guessing is slow.
    func failedLogin(email: String) -> Duration {
        let now = ContinuousClock.now
        var entry = failures[email] ?? (0, now)
        // A quiet quarter of an hour forgives.
        if now - entry.last > .seconds(900) { entry.count = 0 }
        entry.count += 1
        entry.last = now
        failures[email] = entry
        return .milliseconds(min(entry.count * 500, 8000))
    }

    /// 32 random bytes, base64url: a session id or a form token.
    static func randomToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Compares two tokens without stopping at the first difference.
    static func same(_ a: String, _ b: String) -> Bool {
        constantTimeEqual(Array(a.utf8), Array(b.utf8))
    }

    private func sweep() {
        let now = ContinuousClock.now
        sessions = sessions.filter { now - $0.value.lastSeen < idleLifetime }
    }
}
