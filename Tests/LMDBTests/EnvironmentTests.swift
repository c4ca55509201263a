import Foundation
import LMDB
import TestSupport
import Testing

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
private func string(_ b: UnsafeRawBufferPointer?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }

struct EnvironmentTests {
    @Test func writeCommitsOnReturnAndReadsSeeIt() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "things", options: .create)
        try env.write { txn in try txn.put(db, key: bytes("a"), value: bytes("apple")) }
        let value = try env.read { txn in string(try txn.get(db, key: bytes("a"))) }
        #expect(value == "apple")
        let missing = try env.read { txn in try txn.get(db, key: bytes("zz")) }
        #expect(missing == nil)
    }

    @Test func writeAbortsWhenTheBodyThrowsAndTheFirstErrorWins() throws {
        struct Refused: Error {}
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "things", options: .create)
        #expect(throws: Refused.self) {
            try env.write { txn in
                try txn.put(db, key: bytes("a"), value: bytes("half written"))
                throw Refused()
            }
        }
        #expect(try env.read { try $0.statistics(db).entries } == 0)
    }

    @Test func errorsCarryTheLibraryMessage() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "things", options: .create)
        try env.write { txn in try txn.put(db, key: bytes("k"), value: bytes("1")) }
        let error = #expect(throws: LMDBError.self) {
            try env.write { txn in try txn.put(db, key: bytes("k"), value: bytes("2"), options: .noOverwrite) }
        }
        #expect(error == .keyExists)
        #expect(error?.description.contains("MDB_KEYEXIST") == true)
        #expect(LMDBError.notFound.description.contains("MDB_NOTFOUND"))
        #expect(LMDBError.mapFull.description.contains("MDB_MAP_FULL"))
        #expect(LMDBError.noSpace.description.lowercased().contains("space"))
    }

    @Test func openingAMissingDirectoryFails() {
        let error = #expect(throws: LMDBError.self) {
            _ = try Environment(path: "/nonexistent/junction/env")
        }
        #expect(error == .noSuchFile)
    }

    @Test func readOnlyEnvironmentRefusesWrites() throws {
        let dir = TemporaryDirectory()
        do {
            let env = try Environment(path: dir.path)
            _ = try env.openDatabase(named: "things", options: .create)
        }
        let ro = try Environment(path: dir.path, configuration: .init(mapSize: 0, flags: .readOnly))
        #expect(throws: LMDBError.self) {
            try ro.write { txn in _ = try txn.openDatabase(named: "things") }
        }
        #expect(throws: Never.self) { _ = try ro.openDatabase(named: "things") }
    }

    @Test func mapGrowsByItselfFromOneMebibyte() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path, configuration: .init(mapSize: 1 << 20))
        let db = try env.openDatabase(named: "blobs", options: .create)
        let value = [UInt8](repeating: 7, count: 64 << 10)
        for i in 0..<320 {  // 20 MiB in transactions of 4 values
            try env.write { txn in
                for j in 0..<4 {
                    let key = withUnsafeBytes(of: UInt32(i * 4 + j).bigEndian) { Array($0) }
                    try txn.put(db, key: key, value: value)
                }
            }
        }
        #expect(env.info().mapSize >= 20 << 20)
        #expect(try env.read { try $0.statistics(db).entries } == 1280)
    }

    @Test func reserveWritesInPlace() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "r", options: .create)
        try env.write { txn in
            try bytes("key").withUnsafeBytes { k in
                try txn.reserve(db, key: k, count: 5) { out in
                    for (i, c) in "hello".utf8.enumerated() { out[i] = c }
                }
            }
        }
        #expect(try env.read { string(try $0.get(db, key: bytes("key"))) } == "hello")
    }

    @Test func compactingCopyIsSmallerAndReadable() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.sub("live"))
        let db = try env.openDatabase(named: "d", options: .create)
        let value = [UInt8](repeating: 1, count: 8 << 10)
        try env.write { txn in
            for i in 0..<1000 { try txn.put(db, key: bytes(String(format: "%06d", i)), value: value) }
        }
        try env.write { txn in
            for i in 0..<900 { try txn.delete(db, key: bytes(String(format: "%06d", i))) }
        }
        let target = dir.sub("copy")
        try env.copy(to: target, compacting: true)
        let live = try FileManager.default.attributesOfItem(atPath: dir.path + "/live/data.mdb")[.size] as! Int
        let copied = try FileManager.default.attributesOfItem(atPath: target + "/data.mdb")[.size] as! Int
        #expect(copied * 4 < live)
        let copy = try Environment(path: target)
        let cdb = try copy.openDatabase(named: "d")
        #expect(try copy.read { try $0.statistics(cdb).entries } == 100)
    }

    @Test func staleReadersAreCountedAndInfoIsSane() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path, configuration: .init(maxReaders: 7))
        #expect(env.staleReadersCleared == 0)
        #expect(try env.clearStaleReaders() == 0)
        let info = env.info()
        #expect(info.maxReaders == 7)
        #expect(info.pageSize >= 4096)
        #expect(Environment.libraryVersion.hasPrefix("LMDB"))
    }
}
