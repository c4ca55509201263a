/// The frame every page shares: the head, the navigation, the foot.
extension Templates {
    static let head = #"""
    <!DOCTYPE html>
    {{#chrome}}
    <html lang="{{t.lang}}">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · {{t.product}}</title>
    <link rel="stylesheet" href="/assets/junction.css">
    <script src="/assets/junction.js" defer></script>
    </head>
    <body>
    <header class="top">
      <a class="brand" href="/connections">{{t.product}}</a>
      {{#userEmail}}
      <nav class="main">
        <a href="{{connectionsURL}}" id="nav-connections" {{#onConnections}}aria-current="page"{{/onConnections}}>{{t.connections}}</a>
        <a href="{{appsURL}}" id="nav-apps" {{#onApps}}aria-current="page"{{/onApps}}>{{t.seeApps}}</a>
        <a href="{{alertsURL}}" id="nav-alerts" {{#onAlerts}}aria-current="page"{{/onAlerts}}>{{t.alerts}}{{#openAlerts}} <span class="count alert-count" id="open-alert-count">{{.}}</span>{{/openAlerts}}</a>
      </nav>
      {{#hasAccounts}}
      <form class="account" method="get" action="/connections">
        <label>{{t.account}}
          <select name="account" class="autosubmit" id="account-select">
            {{#accounts}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/accounts}}
          </select>
        </label>
        <noscript><button type="submit">OK</button></noscript>
      </form>
      {{/hasAccounts}}
      {{/userEmail}}
      <div class="who">
        <a href="{{switchLanguageURL}}" id="language-switch">{{otherLanguage}}</a>
        {{#userEmail}}
        <span class="email" id="user-email">{{.}}</span>
        <form method="post" action="/logout" class="inline">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit" id="logout">{{t.logout}}</button>
        </form>
        {{/userEmail}}
      </div>
    </header>
    <main>
    {{/chrome}}
    """#

    static let foot = #"""
    </main>
    </body>
    </html>
    """#

    static let login = #"""
    {{> head}}
    <section class="login">
      <h1>{{chrome.t.login}}</h1>
      {{#error}}<p class="error" id="login-error" role="alert">{{.}}</p>{{/error}}
      <form method="post" action="/login" id="login-form">
        <input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <label>{{chrome.t.email}} <input type="email" name="email" id="email" value="{{email}}" required autofocus autocomplete="username"></label>
        <label>{{chrome.t.password}} <input type="password" name="password" id="password" required autocomplete="current-password"></label>
        <button type="submit" id="login-submit">{{chrome.t.login}}</button>
      </form>
    </section>
    {{> foot}}
    """#

    static let error = #"""
    {{> head}}
    <section class="error-page">
      <h1>{{chrome.t.errorTitle}} {{status}}</h1>
      <p class="error" id="error-message" role="alert">{{message}}</p>
      <p><a href="{{backURL}}">{{chrome.t.back}}</a></p>
    </section>
    {{> foot}}
    """#
}

/// The templates, by name, compiled into the binary so the daemon needs no files beside it.
public enum Templates {
    static var all: [String: String] {
        [
            "head": head, "foot": foot, "login": login, "error": error, "connections": connections,
            "confirm": confirm, "authorize": authorize, "reconnect": reconnect, "apps": apps, "grant": grant, "token": token,
            "connectionHeader": connectionHeader, "activity": activity, "logs": logs, "logDetail": logDetail,
            "callbacks": callbacks, "hubCallback": hubCallback, "check": check, "alerts": alerts, "errors": errors,
        ]
    }
}
