internal import Foundation
internal import Journal

/// What a data directory knows of its place in replication (`replication.json`): the
/// epoch of the writer that wrote its journal's events to the stream. A writer's messages
/// carry its epoch; one that finds the stream's last message of another epoch has been
/// replaced, and refuses to write. Promotion gives a follower a new epoch.
struct ReplicationIdentity: Codable, Sendable, Hashable {
    var epoch: String
    var stream: String

    static func path(_ dataDirectory: String) -> String { DataDirectory(dataDirectory).replicationIdentityPath }

    static func load(_ dataDirectory: String) -> ReplicationIdentity? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory)) else { return nil }
        return try? JSONDecoder().decode(ReplicationIdentity.self, from: data)
    }

    /// Written whole and fsync'd, readable by this user only.
    func save(_ dataDirectory: String) throws {
        let data = try JSONEncoder().encode(self)
        let temporary = Self.path(dataDirectory) + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw ReplicationError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary, Self.path(dataDirectory)) == 0 else {
            throw ReplicationError("cannot write \(Self.path(dataDirectory)): \(String(cString: strerror(errno)))")
        }
    }
}
