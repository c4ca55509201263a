public import Mustache

// The templates' lookups for the types the logs page renders most often, by name, so a
// lookup is a switch rather than a reflection over every stored property (a page of 50
// entries makes thousands). Each lists the names its templates use; a name missing here
// renders as nothing, which the page tests would see. What they print is handed over as
// `PrintedText`.

/// A text a template prints. Mustache asks each value it prints whether it is a template, a
/// custom renderable, a lambda and an optional, then describes it, which casts again; a value
/// that is a custom renderable skips the last three (the casts were the logs page's largest
/// cost). A section over it behaves as over the string.
struct PrintedText: MustacheCustomRenderable {
    let renderText: String
    var isNull: Bool { false }

    init(_ text: String) { renderText = text }
    init(_ number: UInt64) { renderText = String(number) }
}

extension LogListPage.Row: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "seq": PrintedText(seq)
        case "time": PrintedText(time)
        case "resource": PrintedText(resource)
        case "method": PrintedText(method)
        case "url": PrintedText(url)
        case "status": PrintedText(status)
        case "statusKey": PrintedText(statusKey)
        case "detailURL": PrintedText(detailURL)
        case "bodiesExpired": bodiesExpired
        case "offset": offset.map(PrintedText.init)
        default: nil
        }
    }
}

extension Choice: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "value": PrintedText(value)
        case "label": PrintedText(label)
        case "selected": selected
        default: nil
        }
    }
}

extension Chrome: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        // The language's table rather than the struct, which a lookup would copy with its
        // hundred strings into a box of its own.
        case "t": Labels.tables[t.lang] ?? [:]
        case "title": PrintedText(title)
        case "userEmail": userEmail
        case "csrf": PrintedText(csrf)
        case "switchLanguageURL": PrintedText(switchLanguageURL)
        case "otherLanguage": PrintedText(otherLanguage)
        case "accounts": accounts
        case "hasAccounts": hasAccounts
        case "connectionsURL": PrintedText(connectionsURL)
        case "appsURL": PrintedText(appsURL)
        case "onConnections": onConnections
        case "onApps": onApps
        case "alertsURL": PrintedText(alertsURL)
        case "openAlerts": openAlerts.map { PrintedText(UInt64($0)) }
        case "onAlerts": onAlerts
        default: nil
        }
    }
}

extension ConnectionHeader: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": PrintedText(id)
        case "app": PrintedText(app)
        case "place": PrintedText(place)
        case "status": PrintedText(status)
        case "statusKey": PrintedText(statusKey)
        case "accessToken": PrintedText(accessToken)
        case "scope": PrintedText(scope)
        case "customerList": customerList
        case "catalog": catalog
        case "timeZone": PrintedText(timeZone)
        case "activityURL": PrintedText(activityURL)
        case "logsURL": PrintedText(logsURL)
        case "callbacksURL": PrintedText(callbacksURL)
        case "hubCallbackURL": PrintedText(hubCallbackURL)
        case "checkURL": PrintedText(checkURL)
        case "errorsURL": PrintedText(errorsURL)
        case "health": health.map(PrintedText.init)
        case "healthKey": healthKey.map(PrintedText.init)
        case "isDisconnected": isDisconnected
        default: nil
        }
    }
}

extension LogListPage: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "connection": connection
        case "filterOpen": filterOpen
        case "action": PrintedText(action)
        case "resetURL": PrintedText(resetURL)
        case "resources": resources
        case "methods": methods
        case "statusClasses": statusClasses
        case "since": PrintedText(since)
        case "until": PrintedText(until)
        case "search": PrintedText(search)
        case "codes": PrintedText(codes)
        case "minDuration": PrintedText(minDuration)
        case "timeHeader": PrintedText(timeHeader)
        case "headerOffset": PrintedText(headerOffset)
        case "rows": rows
        case "hasRows": hasRows
        case "nextURL": nextURL
        case "searchedPart": searchedPart
        case "searchedNote": searchedNote.map(PrintedText.init)
        case "errorGroupLabel": errorGroupLabel.map(PrintedText.init)
        case "errorGroupClearURL": PrintedText(errorGroupClearURL)
        case "errorGroup": PrintedText(errorGroup)
        case "streamURL": streamURL.map(PrintedText.init)
        case "exportNDJSONURL": PrintedText(exportNDJSONURL)
        case "exportCSVURL": PrintedText(exportCSVURL)
        case "exportCSVBodiesURL": PrintedText(exportCSVBodiesURL)
        default: nil
        }
    }
}

