public import Mustache

// The templates' lookups for the types the logs page renders most often, by name, so a
// lookup is a switch rather than a reflection over every stored property (a page of 50
// entries makes thousands). Each lists the names its templates use; a name missing here
// renders as nothing, which the page tests would see.

extension LogListPage.Row: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "seq": seq
        case "time": time
        case "resource": resource
        case "method": method
        case "url": url
        case "status": status
        case "statusKey": statusKey
        case "detailURL": detailURL
        case "bodiesExpired": bodiesExpired
        default: nil
        }
    }
}

extension Choice: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension Chrome: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "t": t
        case "title": title
        case "userEmail": userEmail
        case "csrf": csrf
        case "switchLanguageURL": switchLanguageURL
        case "otherLanguage": otherLanguage
        case "accounts": accounts
        case "hasAccounts": hasAccounts
        case "connectionsURL": connectionsURL
        case "appsURL": appsURL
        case "onConnections": onConnections
        case "onApps": onApps
        default: nil
        }
    }
}

extension ConnectionHeader: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "app": app
        case "place": place
        case "status": status
        case "statusKey": statusKey
        case "accessToken": accessToken
        case "scope": scope
        case "customerList": customerList
        case "catalog": catalog
        case "timeZone": timeZone
        case "activityURL": activityURL
        case "logsURL": logsURL
        case "callbacksURL": callbacksURL
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
        case "action": action
        case "resetURL": resetURL
        case "resources": resources
        case "methods": methods
        case "statusClasses": statusClasses
        case "since": since
        case "until": until
        case "search": search
        case "timeHeader": timeHeader
        case "rows": rows
        case "hasRows": hasRows
        case "nextURL": nextURL
        case "searchedPart": searchedPart
        default: nil
        }
    }
}

