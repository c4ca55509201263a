import Foundation
import Journal
import TestSupport
import Testing

struct PrivateFilesTests {
    @Test(arguments: [
        ("d", ""), ("d/", ""), ("dd", ""), ("a/b", "a"), ("a//b", "a"), ("a/b/", "a"), ("/a", "/"), ("/", "/"),
        ("//a", "/"), ("/a/b/c", "/a/b"), ("./d", "."), ("", ""),
    ])
    func theParentOfAPathIsItWithoutItsLastComponent(path: String, parent: String) {
        #expect(PrivateFiles.parentDirectory(of: path) == parent)
    }

    @Test func missingParentsAreCreatedPrivate() throws {
        let dir = TemporaryDirectory("private")
        let path = dir.path + "/x/y/z"
        try PrivateFiles.createDirectory(path)
        for p in [dir.path + "/x", dir.path + "/x/y", path] {
            let mode = try #require(FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as? Int)
            #expect(mode == 0o700, "\(p)")
        }
    }
}
