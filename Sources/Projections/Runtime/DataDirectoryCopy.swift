internal import Foundation
public import Journal

/// A compacted, consistent copy of a data directory: the journal (one read transaction:
/// the copy is the journal as of one commit), optionally each projection (each as of one
/// of its own commits; behind the journal copy at most, which its projector catches up
/// on), and the directory's small files (the token key, the replication epoch). Free
/// pages are left out; everything is as private as the original. The copy is a data
/// directory a daemon or a follower can start from.
public enum DataDirectoryCopy {
    /// What was written.
    public struct Report: Sendable {
        public var journalHead: UInt64 = 0
        public var journalBytes = 0
        public var projectionBytes = 0
    }

    /// Writes the copy to `destination`, which must not exist.
    public static func write(
        from data: DataDirectory, journal: Journal, to destination: String, projections: Bool
    ) throws -> Report {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw ProjectionError.invalid("\(destination) already exists: a copy goes to a new directory")
        }
        let target = DataDirectory(destination)
        try PrivateFiles.createDirectory(target.projectionsPath)
        var report = Report()
        report.journalHead = try journal.head
        try journal.copy(to: target.journalPath)
        report.journalBytes = size(target.journalPath + "/data.mdb")
        if projections {
            for type in ProjectionCatalog.all {
                let store = try ProjectionStore(type, at: data.projectionPath(type.name), readOnly: true)
                try PrivateFiles.createDirectory(target.projectionPath(type.name))
                try store.copy(to: target.projectionPath(type.name))
                report.projectionBytes += size(target.projectionPath(type.name) + "/data.mdb")
            }
        }
        // The data directory names them (the token key, the replication identity).
        for (file, copy) in zip(data.smallFiles, target.smallFiles) where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.copyItem(atPath: file, toPath: copy)
        }
        _ = try PrivateFiles.repair(destination)
        return report
    }

    private static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
    }
}
