import LMDB
import TestSupport
import Testing

struct CursorTests {
    private func makeNumbers() throws -> (TemporaryDirectory, Environment, Database) {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "n", options: .create)
        try env.write { txn in
            for i in stride(from: 0, to: 100, by: 2) { try txn.put(db, key: [UInt8(i)], value: [UInt8(i), 0xAA]) }
        }
        return (dir, env, db)
    }

    private func keys(_ env: Environment, _ db: Database, _ range: KeyRange, _ direction: Cursor.Direction, limit: Int = .max) throws -> [Int] {
        try env.read { txn in
            var out: [Int] = []
            try txn.scan(db, range: range, direction: direction) { key, value in
                #expect(value.count == 2 && value[0] == key[0])
                out.append(Int(key[0]))
                return out.count < limit
            }
            return out
        }
    }

    @Test func forwardAndBackwardScansHonourHalfOpenRanges() throws {
        let (_, env, db) = try makeNumbers()
        #expect(try keys(env, db, KeyRange(lower: [10], upper: [20]), .forward) == [10, 12, 14, 16, 18])
        #expect(try keys(env, db, KeyRange(lower: [10], upper: [20]), .backward) == [18, 16, 14, 12, 10])
        #expect(try keys(env, db, KeyRange(lower: [11], upper: [19]), .backward) == [18, 16, 14, 12])
        #expect(try keys(env, db, KeyRange(lower: [95]), .forward) == [96, 98])
        #expect(try keys(env, db, KeyRange(upper: [5]), .backward) == [4, 2, 0])
        #expect(try keys(env, db, KeyRange(upper: [200]), .backward, limit: 2) == [98, 96])
        #expect(try keys(env, db, .all, .forward).count == 50)
        #expect(try keys(env, db, KeyRange(lower: [50], upper: [50]), .forward).isEmpty)
        #expect(try keys(env, db, KeyRange(lower: [150]), .forward).isEmpty)
        #expect(try keys(env, db, KeyRange(upper: [0]), .backward).isEmpty)
    }

    @Test func prefixRangeCoversExactlyThePrefix() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "p", options: .create)
        let all: [[UInt8]] = [[1], [1, 0], [1, 255], [1, 255, 255], [2], [2, 0], [255, 255], [255, 255, 1]]
        try env.write { txn in for k in all { try txn.put(db, key: k, value: [0]) } }
        func scan(_ r: KeyRange) throws -> [[UInt8]] {
            try env.read { txn in
                var out: [[UInt8]] = []
                try txn.scan(db, range: r) { k, _ in out.append(Array(k)); return true }
                return out
            }
        }
        #expect(try scan(.prefix([1])) == [[1], [1, 0], [1, 255], [1, 255, 255]])
        #expect(try scan(.prefix([1, 255])) == [[1, 255], [1, 255, 255]])
        #expect(try scan(.prefix([255, 255])) == [[255, 255], [255, 255, 1]])
    }

    @Test func cursorMovesAndDeletes() throws {
        let (_, env, db) = try makeNumbers()
        try env.write { txn in
            try txn.withCursor(db) { c in
                #expect(try c.seek(atLeast: [33])?.key.first == 34)
                #expect(try c.next()?.key.first == 36)
                #expect(try c.previous()?.key.first == 34)
                try c.deleteCurrent()
                #expect(try c.seek(exactly: [34]) == nil)
                #expect(try c.seek(before: [34])?.key.first == 32)
                #expect(try c.last()?.key.first == 98)
                #expect(try c.next() == nil)
                #expect(try c.first()?.key.first == 0)
                #expect(try c.previous() == nil)
            }
        }
        #expect(try env.read { try $0.statistics(db).entries } == 49)
    }

    @Test func appendRefusesKeysOutOfOrder() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "a", options: .create)
        try env.write { txn in
            try txn.put(db, key: [1], value: [1], options: .append)
            try txn.put(db, key: [2], value: [2], options: .append)
        }
        let error = #expect(throws: LMDBError.self) {
            try env.write { txn in try txn.put(db, key: [1, 5], value: [0], options: .append) }
        }
        #expect(error == .keyExists)
    }

    @Test func fixedSizeValuesGoInTogetherAppendedOrNot() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "d", options: [.create, .sortedDuplicates, .fixedSizeDuplicates])
        func values(_ numbers: some Sequence<Int>) -> [UInt8] { numbers.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
        try env.write { txn in
            try txn.withCursor(db) { c in
                // A new key given 300 values at once (past a sub-page), then 300 more after
                // them, appended; another key given values out of order, inserted each.
                try [UInt8(1)].withUnsafeBytes { key in
                    try values(0..<300).withUnsafeBytes { try c.put(key: key, fixedSizeValues: $0, valueSize: 2, options: .appendDuplicate) }
                    try values(300..<600).withUnsafeBytes { try c.put(key: key, fixedSizeValues: $0, valueSize: 2, options: .appendDuplicate) }
                }
                try [UInt8(2)].withUnsafeBytes { key in
                    try values([9, 3, 7]).withUnsafeBytes { try c.put(key: key, fixedSizeValues: $0, valueSize: 2) }
                    try values([5, 1]).withUnsafeBytes { try c.put(key: key, fixedSizeValues: $0, valueSize: 2) }
                }
            }
        }
        func stored(_ key: UInt8) throws -> [Int] {
            try env.read { txn in
                try txn.withCursor(db) { c in
                    var out: [Int] = []
                    var entry = try c.seek(exactly: [key])
                    while let e = entry {
                        out.append(Int(e.value[0]) << 8 | Int(e.value[1]))
                        entry = try c.nextValue()
                    }
                    return out
                }
            }
        }
        #expect(try stored(1) == Array(0..<600))
        #expect(try stored(2) == [1, 3, 5, 7, 9])
        // Values that do not sort past the key's last are refused under .appendDuplicate.
        let error = #expect(throws: LMDBError.self) {
            try env.write { txn in
                try txn.withCursor(db) { c in
                    try [UInt8(2)].withUnsafeBytes { key in
                        try values([4]).withUnsafeBytes { try c.put(key: key, fixedSizeValues: $0, valueSize: 2, options: .appendDuplicate) }
                    }
                }
            }
        }
        #expect(error == .keyExists)
        #expect(try stored(2) == [1, 3, 5, 7, 9])
    }

    @Test func sortedDuplicatesAreWalkedPerKeyInBothDirections() throws {
        let dir = TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db = try env.openDatabase(named: "d", options: [.create, .sortedDuplicates, .fixedSizeDuplicates])
        // Key 1 holds 0, 2, …, 198 (appended, past a sub-page into a tree of its own),
        // key 2 holds 5 and 3 (out of order: ordinary puts), key 3 holds 7.
        try env.write { txn in
            for v in stride(from: 0, to: 200, by: 2) { try txn.put(db, key: [1], value: [0, UInt8(v)], options: .appendDuplicate) }
            try txn.put(db, key: [2], value: [0, 5])
            try txn.put(db, key: [2], value: [0, 3])
            try txn.put(db, key: [3], value: [0, 7], options: .appendDuplicate)
        }
        try env.read { txn in
            try txn.withCursor(db) { c in
                #expect(try c.seek(exactly: [1]).map { Array($0.value) } == [0, 0])
                #expect(try c.lastValue().map { Array($0.value) } == [0, 198])
                #expect(try c.previousValue().map { Array($0.value) } == [0, 196])
                #expect(try c.nextValue().map { Array($0.value) } == [0, 198])
                #expect(try c.nextValue() == nil)
                #expect(try c.seek(exactly: [1], valueBefore: [0, 51]).map { Array($0.value) } == [0, 50])
                #expect(try c.seek(exactly: [1], valueBefore: [0, 50]).map { Array($0.value) } == [0, 48])
                #expect(try c.seek(exactly: [1], valueBefore: [0, 0]) == nil)
                #expect(try c.seek(exactly: [1], valueBefore: [1, 0]).map { Array($0.value) } == [0, 198])
                #expect(try c.seek(exactly: [2], valueBefore: [0, 5]).map { Array($0.value) } == [0, 3])
                #expect(try c.seek(exactly: [4], valueBefore: [0, 5]) == nil)
                var keys: [UInt8] = []
                var entry = try c.first()
                while let e = entry {
                    keys.append(e.key[0])
                    entry = try c.nextKey()
                }
                #expect(keys == [1, 2, 3])
            }
            #expect(try txn.statistics(db).entries == 103)
        }
        let deleted = try env.write { txn in
            [try txn.delete(db, key: [2], value: [0, 5]), try txn.delete(db, key: [2], value: [0, 5]),
             try txn.delete(db, key: [1], value: [0, 100])]
        }
        #expect(deleted == [true, false, true])
        try env.read { (txn) throws in
            try txn.withCursor(db) { (c) throws in
                #expect(try c.seek(exactly: [2]).map { Array($0.value) } == [0, 3])
                #expect(try c.nextValue() == nil)
                #expect(try c.seek(exactly: [1], valueBefore: [0, 101]).map { Array($0.value) } == [0, 98])
            }
        }
    }
}
