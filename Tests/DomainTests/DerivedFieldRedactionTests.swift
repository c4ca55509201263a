import Domain
import Events
import Foundation
import TestSupport
import Testing

/// A field derived from a URL (the resource) never holds what the redaction removes from
/// the URL, wherever the credential stands: a path segment, percent-encoded, matrix
/// parameters, a query that begins without `?`, after `&`, `;` or `#`, as a parameter's
/// name. Randomized: the seed is printed, JUNCTION_TEST_SEED replays it.
struct DerivedFieldRedactionTests {
    @Test func noFieldDerivedFromAURLHoldsItsToken() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<5000 {
            let token = CredentialSamples.token(&rng)
            let (url, placed) = CredentialSamples.url(with: token, &rng)
            let request = RequestLogged(
                connectionID: "c", requestID: nil, method: .get, resource: ResourceName.of(url: Redaction.redact(url: url)), url: url,
                status: 200, durationMicroseconds: 1, requestHeaders: [], requestBody: [], responseHeaders: [], responseBody: [])
            let stored = Redaction.redact(request)
            for (field, value) in [("url", stored.url), ("resource", stored.resource), ("resource of the raw URL", ResourceName.of(url: url))] {
                #expect(!value.contains(token) && !value.contains(placed), "seed \(seed): \(url) gave \(field) \(value)")
            }
            #expect(!stored.resource.contains("?") && !stored.resource.contains("#") && !stored.resource.contains(";")
                    && !stored.resource.contains("&") && !stored.resource.contains("="), "seed \(seed): \(url) gave resource \(stored.resource)")
        }
    }

    /// A credential under a sensitive name after a separator other than `?` is redacted
    /// from the URL and absent from the resource, short as it may be.
    @Test func aNamedCredentialAfterAnySeparatorIsRedacted() {
        let seed = TestSeed.make()
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<2000 {
            let secret = "s3cr3t" + String(rng.below(900_000) + 100_000)
            let name = CredentialSamples.spelling(rng.pick(CredentialSamples.names), &rng)
            let url = rng.pick([
                "/v1/orders&\(name)=\(secret)", "/v1/orders;\(name)=\(secret)", "/v1/\(name)=\(secret)/orders",
                "/v1/locations/3r4s3-1/orders;a=1;\(name)=\(secret)?page=2", "/\(name)=\(secret)",
            ])
            let redacted = Redaction.redact(url: url)
            let resource = ResourceName.of(url: redacted)
            #expect(!redacted.contains(secret) && !resource.contains(secret), "seed \(seed): \(url) gave \(redacted), resource \(resource)")
        }
    }

    @Test func theResourceIsAPathSegmentCutAtEverySeparator() {
        #expect(ResourceName.of(url: "/v1/orders;jsessionid=abc") == "orders")
        #expect(ResourceName.of(url: "/v1/widgets&x=1") == "widgets")
        #expect(ResourceName.of(url: "/v1/widgets#frag/orders") == "widgets")
        #expect(ResourceName.of(url: "/v1/widgets=3") == "widgets")
        #expect(ResourceName.of(url: "/v1/[REDACTED]/x") == "other", "the marker is no resource")
        #expect(ResourceName.of(url: "/v1/caf%C3%A9") == "other", "only unreserved characters")
        #expect(ResourceName.of(url: "/v1/" + String(repeating: "a", count: 43)) == "other", "token-shaped")
        #expect(Redaction.redact(url: "/v1/orders&access_token=abc&page=2") == "/v1/orders&access_token=[REDACTED]&page=2")
        #expect(Redaction.redact(url: "/v1/orders;jsessionid=abc") == "/v1/orders;jsessionid=[REDACTED]")
        #expect(Redaction.redact(url: "/v1/locations/3r4s3-1/orders") == "/v1/locations/3r4s3-1/orders")
    }
}
