internal import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Events
internal import Journal
internal import Projections
internal import Hub
internal import FrontDoor

extension Router where Context == BasicRequestContext {
    func addBackupRoutes(_ c: RouteContext) {
        // An online backup: `{"destination": "/absolute/new/dir", "projections"?: true}`
        // writes a compacted, consistent copy of the data directory there (on this host),
        // which a daemon or a follower can start from.
        post("/v1/backup") { request, _ in
            try request.requireJSON()
            let bytes = try await request.bytes(limit: c.maxBodyBytes)
            var f = try JSONFields(bytes)
            let destination = try f.string("destination")
            var projections = true
            switch f.take("projections") {
            case nil, .null?: break
            case .bool(let b)?: projections = b
            case _?: throw APIError.invalid("projections", "expected true or false")
            }
            try f.refuseLeftovers()
            guard destination.hasPrefix("/") else {
                throw APIError.invalid("destination", "must be an absolute path (the daemon's working directory is not the caller's)")
            }
            guard !FileManager.default.fileExists(atPath: destination) else {
                throw APIError.conflict("\(destination) already exists: a backup goes to a new directory")
            }
            let parent = PrivateFiles.parentDirectory(of: destination)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw APIError.invalid("destination", "\(parent) is not a directory")
            }
            let data = DataDirectory(c.dataDirectory)
            let withProjections = projections
            let journal = c.writer.journal
            // LMDB's copy blocks its thread for as long as it writes: not one of the pool's.
            let report: DataDirectoryCopy.Report = try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(with: Result {
                        try DataDirectoryCopy.write(from: data, journal: journal, to: destination, projections: withProjections)
                    })
                }
            }
            return jsonResponse { w in
                w.beginObject()
                w.string("destination", destination)
                w.unsigned("journal_head", report.journalHead)
                w.integer("journal_bytes", Int64(report.journalBytes))
                w.integer("projection_bytes", Int64(report.projectionBytes))
                w.bool("projections", projections)
                w.endObject()
            }
        }
    }
}
