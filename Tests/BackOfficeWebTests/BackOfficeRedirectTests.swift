@testable import BackOfficeWeb
import Testing

/// The back office's redirects after a login or a language switch go to a path of this
/// site with one meaning, never to another site however the path is spelt.
struct BackOfficeRedirectTests {
    @Test(arguments: [
        "//evil.example/x", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
        "/%09/x/../../evil", "/connections#//evil.example", " /connections", "javascript:alert(1)", "",
    ])
    func aNextThatCouldLeaveTheSiteGoesToConnections(_ next: String) {
        #expect(BackOffice.localPath(next) == "/connections", "\(next.debugDescription)")
    }

    @Test func aLocalNextIsKept() {
        #expect(BackOffice.localPath("/connections/c1/logs?status=4xx&resource=orders") == "/connections/c1/logs?status=4xx&resource=orders")
        #expect(BackOffice.localPath("/apps?account=3r4s3") == "/apps?account=3r4s3")
    }
}
