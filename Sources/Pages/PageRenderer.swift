public import Mustache

/// Renders the back office's pages from their view models with the compiled-in Mustache
/// templates (values are HTML-escaped by the templates, never concatenated).
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    /// Parses every template once; a template that does not parse is a programming error
    /// caught by the first test that renders anything.
    public init() {
        // Registered before any template parses: the pragma names it.
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            do {
                try library.register("{{% CONTENT_TYPE: \(HTMLEscaping.name)}}\n" + text, named: name)
            } catch {
                preconditionFailure("template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    public func render(_ page: LoginPage) -> String { render(page, "login") }
    public func render(_ page: ErrorPage) -> String { render(page, "error") }
    public func render(_ page: ConnectionsPage) -> String { render(page, "connections") }
    public func render(_ page: ConfirmPage) -> String { render(page, "confirm") }
    public func render(_ page: ReconnectPage) -> String { render(page, "reconnect") }
    public func render(_ page: AppsPage) -> String { render(page, "apps") }
    public func render(_ page: GrantPage) -> String { render(page, "grant") }
    public func render(_ page: TokenPage) -> String { render(page, "token") }
    public func render(_ page: AuthorizePage) -> String { render(page, "authorize") }
    public func render(_ page: ActivityPage) -> String { render(page, "activity") }
    public func render(_ page: LogListPage) -> String { render(page, "logs") }
    public func render(_ page: LogDetailPage) -> String { render(page, "logDetail") }
    public func render(_ page: CallbacksPage) -> String { render(page, "callbacks") }
    public func render(_ page: HubCallbackPage) -> String { render(page, "hubCallback") }
    public func render(_ page: CheckPage) -> String { render(page, "check") }
    public func render(_ page: AlertsPage) -> String { render(page, "alerts") }
    public func render(_ page: ErrorsPage) -> String { render(page, "errors") }

    private func render(_ object: Any, _ template: String) -> String {
        guard let html = library.render(object, withTemplate: template) else {
            preconditionFailure("no template \(template)")
        }
        return html
    }
}
