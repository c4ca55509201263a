public import Mustache
/// A language the back office speaks.
public enum Language: String, Sendable, CaseIterable {
    case fr, en

    /// The first language of an `Accept-Language` header this page speaks, French otherwise
    /// (the hub's own language).
    public static func preferred(acceptLanguage: String?) -> Language {
        guard let header = acceptLanguage else { return .fr }
        var best: (Language, Double)?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingSpaces() }
            guard let tag = parts.first?.lowercased() else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            guard quality > 0, let language = Language.allCases.first(where: { tag == $0.rawValue || tag.hasPrefix($0.rawValue + "-") }) else { continue }
            if best == nil || quality > best!.1 { best = (language, quality) }
        }
        return best?.0 ?? .fr
    }

    public var labels: Labels { self == .fr ? .fr : .en }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// Every word the pages show, in one language. The French ones are the seed page's own.
public struct Labels: Sendable {
    public var lang: String
    public var product = "Junction"
    public var connections: String
    public var connectionsTitle: String
    public var seeApps: String
    public var allLocations: String
    public var connect: String
    public var open: String
    public var actions: String
    public var showActivity: String
    public var seeLogs: String
    public var block: String
    public var unblock: String
    public var disconnect: String
    public var reconnect: String
    public var confirm: String
    public var cancel: String
    public var edit: String
    public var reset: String
    public var apply: String
    public var time: String
    public var resource: String
    public var method: String
    public var url: String
    public var response: String
    public var accessToken: String
    public var scope: String
    public var customerList: String
    public var catalog: String
    public var app: String
    public var instance: String
    public var level: String
    public var status: String
    public var lastRequest: String
    public var requests: String
    public var levelAccount: String
    public var levelLocation: String
    public var levelEither: String
    public var statusActive: String
    public var statusBlocked: String
    public var statusDisconnected: String
    public var showDisconnected: String
    public var hideDisconnected: String
    public var noConnections: String
    public var availableApps: String
    public var activity: String
    public var activityIntro: String
    public var total: String
    public var errors: String
    public var logs: String
    public var generalInformation: String
    public var filter: String
    public var statusClass: String
    public var since: String
    public var until: String
    public var search: String
    public var searchHint: String
    public var noLogs: String
    public var nextPage: String
    public var request: String
    public var headers: String
    public var body: String
    public var download: String
    public var bodiesExpired: String
    public var binaryBody: String
    public var callbacks: String
    public var resend: String
    public var attempt: String
    public var answer: String
    public var noCallbacks: String
    public var login: String
    public var logout: String
    public var email: String
    public var password: String
    public var loginFailed: String
    public var blockQuestion: String
    public var blockExplanation: String
    public var disconnectQuestion: String
    public var disconnectExplanation: String
    public var adviceBlockRather: String
    public var grantTitle: String
    public var grantExplanation: String
    public var deviceID: String
    public var optional: String
    public var tokenShownOnce: String
    public var connectionCreated: String
    public var alreadyConnected: String
    public var reconnectExplanation: String
    public var back: String
    public var account: String
    public var language: String
    public var none: String
    public var errorTitle: String
    public var notFound: String
    public var forbiddenForm: String
    public var duration: String
    public var requestID: String
    public var location: String
    public var authorize: String
    public var deny: String
    /// The grant's and Reconnecter's pickers, when the place has no list of that kind.
    public var noListRegistered: String
    /// Connecter on an OAuth app without an install URL: the grant starts in the app.
    public var startsInApp: String
    /// The hub's callbacks tab.
    public var hubCallback: String
    public var passive: String
    public var listenedEvents: String
    public var waitingEvents: String
    public var deliveries: String
    public var droppedEvents: String
    public var noHubCallback: String
    public var waiting: String
    public var event: String
    /// Health badges (docs/health.md).
    public var healthOK: String
    public var healthDegraded: String
    public var healthFailing: String
    public var healthQuiet: String
    /// The check page and the alerts.
    public var checkConnection: String = ""
    public var alerts: String = ""
    /// The logs filter's exact status and least duration.
    public var exactStatus: String = ""
    public var minDuration: String = ""
    /// A page whose search or exact filter stopped reading before it was full.
    public var partialPage: String = ""
    /// The error groups (the Errors tab), the live tail and the export.
    public var errorsTab: String = ""
    public var errorsIntro: String = ""
    public var count: String = ""
    public var firstSeen: String = ""
    public var lastSeen: String = ""
    public var error: String = ""
    public var noErrorText: String = ""
    public var noErrors: String = ""
    public var viewCalls: String = ""
    public var errorGroup: String = ""
    public var clear: String = ""
    public var live: String = ""
    public var pause: String = ""
    public var resume: String = ""
    public var export: String = ""
    public var withBodies: String = ""
    /// "N entries read, back to TIME": `{n}` and `{time}` are replaced.
    public var searchedBack: String = ""
}

extension Labels {
    public static let fr = Labels(
        lang: "fr", connections: "CONNEXIONS", connectionsTitle: "Connexions", seeApps: "Voir les apps disponibles",
        allLocations: "Tous les points de vente", connect: "Connecter", open: "Ouvrir", actions: "Actions",
        showActivity: "Afficher l'activité", seeLogs: "Voir les logs", block: "Bloquer", unblock: "Débloquer",
        disconnect: "Déconnecter", reconnect: "Reconnecter", confirm: "Confirmer", cancel: "Annuler", edit: "Éditer",
        reset: "Réinitialiser", apply: "Appliquer", time: "HEURE", resource: "RESSOURCE", method: "MÉTHODE", url: "URL",
        response: "RÉPONSE", accessToken: "Jeton d'accès", scope: "Portée", customerList: "Liste de clients",
        catalog: "Catalogue", app: "App", instance: "Instance", level: "Niveau", status: "Statut",
        lastRequest: "Dernière requête", requests: "Requêtes", levelAccount: "Compte", levelLocation: "Point de vente",
        levelEither: "Compte ou point de vente", statusActive: "Active", statusBlocked: "Bloquée",
        statusDisconnected: "Déconnectée", showDisconnected: "Afficher les connexions déconnectées",
        hideDisconnected: "Masquer les connexions déconnectées", noConnections: "Aucune connexion ici.",
        availableApps: "Apps disponibles", activity: "Activité",
        activityIntro: "Nombre de transactions enregistrées au cours des 30 derniers jours", total: "Total",
        errors: "erreurs", logs: "Logs de connexion", generalInformation: "Informations générales", filter: "Filtre",
        statusClass: "Classe de réponse", since: "Depuis", until: "Jusqu'à", search: "Recherche",
        searchHint: "URL, identifiant de requête ou texte des corps", noLogs: "Aucun log ne correspond.", nextPage: "Page suivante",
        request: "Requête", headers: "En-têtes", body: "Contenu", download: "Télécharger",
        bodiesExpired: "Les contenus de la requête et de la réponse ont expiré (durée de conservation) et ont été supprimés ; l'entrée et ses comptes restent.",
        binaryBody: "Contenu binaire (pas du texte UTF-8) : téléchargez-le pour le lire.", callbacks: "Rappels",
        resend: "Renvoyer", attempt: "Tentative", answer: "Réponse", noCallbacks: "Aucun rappel.",
        login: "Connexion", logout: "Déconnexion", email: "E-mail", password: "Mot de passe",
        loginFailed: "E-mail ou mot de passe incorrect.", blockQuestion: "Bloquer cette application ?",
        blockExplanation: "Bloquer une application l'empêche temporairement d'accéder à l'API. Vous pouvez la débloquer à tout moment afin de rétablir l'accès.",
        disconnectQuestion: "Déconnecter cette application ?",
        disconnectExplanation: "Déconnecter une application supprime la connexion. L'application est informée de la déconnexion, ce qui peut entraîner la réinitialisation ou la suppression de votre compte dans l'application.",
        adviceBlockRather: "Si vous êtes susceptible de réutiliser l'application, il convient de la bloquer plutôt que de la déconnecter.",
        grantTitle: "Octroyer l'accès", grantExplanation: "L'application demande l'accès suivant à votre compte :",
        deviceID: "Identifiant d'appareil", optional: "facultatif",
        tokenShownOnce: "Copiez ce jeton maintenant : il ne sera plus affiché.", connectionCreated: "Application connectée.",
        alreadyConnected: "Cette application était déjà connectée ici ; voici son jeton.",
        reconnectExplanation: "Changer le catalogue ou la liste de clients de la connexion.", back: "Retour",
        account: "Compte", language: "Langue", none: "—", errorTitle: "Erreur", notFound: "Cette page n'existe pas.",
        forbiddenForm: "Ce formulaire a expiré ou ne vient pas de cette page ; rechargez la page et recommencez.",
        duration: "Durée", requestID: "Identifiant de requête", location: "Point de vente",
        authorize: "Autoriser", deny: "Refuser",
        noListRegistered: "Aucun n'est enregistré pour ce point de vente ; l'application n'en recevra pas.",
        startsInApp: "Cette application se connecte depuis l'application elle-même : ouvrez-la et lancez la connexion de là.",
        hubCallback: "Callback", passive: "passif (l'application lit les événements)", listenedEvents: "Événements écoutés",
        waitingEvents: "Événements en attente", deliveries: "Envois", droppedEvents: "Événements abandonnés",
        noHubCallback: "Cette connexion n'a pas de callback : l'application n'a demandé aucun événement.", waiting: "en attente",
        event: "Événement", healthOK: "Fonctionne", healthDegraded: "Dégradée", healthFailing: "En échec",
        healthQuiet: "Silencieuse", checkConnection: "Vérifier la connexion", alerts: "Alertes",
        exactStatus: "Statut exact (ex. 422)", minDuration: "Durée minimale (ms)",
        partialPage: "La lecture s'est arrêtée avant de remplir la page (chaque page lit un nombre limité d'entrées) : « Page suivante » reprend où elle s'est arrêtée.",
        errorsTab: "Erreurs",
        errorsIntro: "Les appels en échec des logs conservés, regroupés par ressource, méthode, statut et erreur renvoyée.",
        count: "Nombre", firstSeen: "Première fois", lastSeen: "Dernière fois", error: "Erreur",
        noErrorText: "(pas d'erreur dans la réponse)", noErrors: "Aucun appel en échec dans les logs conservés.",
        viewCalls: "Voir les appels", errorGroup: "Groupe d'erreurs", clear: "Retirer", live: "En direct", pause: "Pause",
        resume: "Reprendre", export: "Exporter", withBodies: "avec les corps",
        searchedBack: "{n} entrées lues, en remontant jusqu'au {time}.")

    public static let en = Labels(
        lang: "en", connections: "CONNECTIONS", connectionsTitle: "Connections", seeApps: "See available apps",
        allLocations: "All locations", connect: "Connect", open: "Open", actions: "Actions",
        showActivity: "Show activity", seeLogs: "See logs", block: "Block", unblock: "Unblock",
        disconnect: "Disconnect", reconnect: "Reconnect", confirm: "Confirm", cancel: "Cancel", edit: "Edit",
        reset: "Reset", apply: "Apply", time: "TIME", resource: "RESOURCE", method: "METHOD", url: "URL",
        response: "RESPONSE", accessToken: "Access token", scope: "Scope", customerList: "Customer list",
        catalog: "Catalog", app: "App", instance: "Instance", level: "Level", status: "Status",
        lastRequest: "Last request", requests: "Requests", levelAccount: "Account", levelLocation: "Location",
        levelEither: "Account or location", statusActive: "Active", statusBlocked: "Blocked",
        statusDisconnected: "Disconnected", showDisconnected: "Show disconnected connections",
        hideDisconnected: "Hide disconnected connections", noConnections: "No connections here.",
        availableApps: "Available apps", activity: "Activity",
        activityIntro: "Transactions recorded over the last 30 days", total: "Total", errors: "errors",
        logs: "Connection logs", generalInformation: "General information", filter: "Filter",
        statusClass: "Response class", since: "Since", until: "Until", search: "Search",
        searchHint: "URL, request id or text in the bodies", noLogs: "No logs match.", nextPage: "Next page", request: "Request",
        headers: "Headers", body: "Body", download: "Download",
        bodiesExpired: "The request and response bodies expired (body retention) and were removed; the entry and its counts remain.",
        binaryBody: "Binary body (not UTF-8 text): download it to read it.", callbacks: "Callbacks",
        resend: "Resend", attempt: "Attempt", answer: "Answer", noCallbacks: "No callbacks.", login: "Log in",
        logout: "Log out", email: "E-mail", password: "Password", loginFailed: "Wrong e-mail or password.",
        blockQuestion: "Block this app?",
        blockExplanation: "Blocking an app stops it from using the API for now. You can unblock it at any time to give its access back.",
        disconnectQuestion: "Disconnect this app?",
        disconnectExplanation: "Disconnecting an app removes the connection. The app is told, which may reset or delete your account in the app.",
        adviceBlockRather: "If you may use the app again, block it rather than disconnect it.",
        grantTitle: "Grant access", grantExplanation: "The app asks for this access to your account:",
        deviceID: "Device id", optional: "optional", tokenShownOnce: "Copy this token now: it will not be shown again.",
        connectionCreated: "App connected.", alreadyConnected: "This app was already connected here; here is its token.",
        reconnectExplanation: "Switch the connection's catalog or customer list.", back: "Back", account: "Account",
        language: "Language", none: "—", errorTitle: "Error", notFound: "This page does not exist.",
        forbiddenForm: "This form expired or does not come from this page; reload the page and try again.",
        duration: "Duration", requestID: "Request id", location: "Location",
        authorize: "Authorize", deny: "Deny",
        noListRegistered: "None is registered for this place; the app will get none.",
        startsInApp: "This app is connected from the app itself: open it and start the connection there.",
        hubCallback: "Callback", passive: "passive (the app reads the events)", listenedEvents: "Events listened to",
        waitingEvents: "Waiting events", deliveries: "Deliveries", droppedEvents: "Dropped events",
        noHubCallback: "This connection has no callback: the app asked for no events.", waiting: "waiting",
        event: "Event", healthOK: "Working", healthDegraded: "Degraded", healthFailing: "Failing", healthQuiet: "Quiet",
        checkConnection: "Check the connection", alerts: "Alerts",
        exactStatus: "Exact status (e.g. 422)", minDuration: "Minimum duration (ms)",
        partialPage: "The reading stopped before the page was full (each page reads a limited number of entries): \"Next page\" goes on from where it stopped.",
        errorsTab: "Errors",
        errorsIntro: "The failed calls in the logs kept, grouped by resource, method, status and the error answered.",
        count: "Count", firstSeen: "First seen", lastSeen: "Last seen", error: "Error",
        noErrorText: "(no error in the answer)", noErrors: "No failed call in the logs kept.",
        viewCalls: "View the calls", errorGroup: "Error group", clear: "Remove", live: "Live", pause: "Pause",
        resume: "Resume", export: "Export", withBodies: "with bodies",
        searchedBack: "{n} entries read, back to {time}.")
}

/// The templates look each label up by name: a table built once per language answers
/// that, instead of reflecting over every label at each lookup (the page's largest cost).
extension Labels: MustacheParent {
    static let tables: [String: [String: PrintedText]] = {
        var tables: [String: [String: PrintedText]] = [:]
        for labels in [Labels.fr, Labels.en] {
            var table: [String: PrintedText] = [:]
            for child in Mirror(reflecting: labels).children {
                if let name = child.label, let text = child.value as? String { table[name] = PrintedText(text) }
            }
            tables[labels.lang] = table
        }
        return tables
    }()

    public func child(named name: String) -> Any? {
        Labels.tables[lang]?[name]
    }
}
