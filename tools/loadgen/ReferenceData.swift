import Events

// Fixed tables the world is drawn from: regions, restaurant groups, apps and menus.
// Prices are in euro cents and converted per region, so a menu reads naturally in any
// currency.

/// A country and city where locations stand: time zone, currency, how people and places
/// are named there.
struct Region {
    let timeZone: String
    let country: String
    let currency: String
    /// Euro cents to this currency's minor units, rounded to `step` minor units.
    let rate: Double
    let step: Int
    let locale: String
    let city: String
    let state: String?
    let neighbourhoods: [String]
    let streets: [String]
    let postalCodes: [String]
    let firstNames: [String]
    let lastNames: [String]
    /// `#` stands for a random digit.
    let phonePattern: String
    let latitude: Double
    let longitude: Double

    /// A price in this region's minor units.
    func price(euroCents: Int) -> Int {
        let converted = Double(euroCents) * rate / Double(step)
        return max(1, Int(converted.rounded())) * step
    }
}

enum Regions {
    static let paris = 0, mumbai = 1, newYork = 2, london = 3, sydney = 4

    /// The time zones the brief asks to see, one region each (index = region number).
    static let all: [Region] = [
        Region(
            timeZone: "Europe/Paris", country: "FR", currency: "EUR", rate: 1, step: 10, locale: "fr-FR",
            city: "Paris", state: nil,
            neighbourhoods: ["Marais", "Saint-Germain", "Montmartre", "Bastille", "Batignolles", "Canal Saint-Martin"],
            streets: ["rue de la Roquette", "boulevard Voltaire", "rue Oberkampf", "rue des Martyrs", "avenue Parmentier",
                      "rue du Faubourg Saint-Antoine", "rue de Bretagne", "rue Lepic", "quai de Valmy", "rue de Charonne"],
            postalCodes: ["75003", "75004", "75010", "75011", "75017", "75018", "75006", "75012"],
            firstNames: ["Camille", "Léa", "Chloé", "Manon", "Inès", "Hélène", "Lucas", "Hugo", "Théo", "François",
                         "Mathis", "Zoé", "Noémie", "Jérôme", "Amélie", "Baptiste", "Anaïs", "Raphaël", "Célia", "Gaël"],
            lastNames: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre",
                        "Girard", "Bonnet", "Mercier", "Faure", "Rousseau", "Chevalier", "Lemaître", "Gauthier"],
            phonePattern: "+33 6 ## ## ## ##", latitude: 48.8566, longitude: 2.3522),
        Region(
            timeZone: "Asia/Kolkata", country: "IN", currency: "INR", rate: 90, step: 1000, locale: "en-IN",
            city: "Mumbai", state: "Maharashtra",
            neighbourhoods: ["Bandra", "Colaba", "Andheri West", "Lower Parel", "Powai", "Juhu"],
            streets: ["Hill Road", "Linking Road", "Carter Road", "SV Road", "Turner Road", "Waterfield Road",
                      "Pali Hill", "Colaba Causeway", "Senapati Bapat Marg", "Hiranandani Gardens"],
            postalCodes: ["400050", "400005", "400053", "400013", "400076", "400049"],
            firstNames: ["Aarav", "Vivaan", "Aditya", "Ananya", "Diya", "Ishaan", "Kavya", "Priya", "Rohan", "Saanvi",
                         "Arjun", "Meera", "Nikhil", "Pooja", "Rahul", "Sneha", "Vikram", "Zara"],
            lastNames: ["Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Mehta", "Desai", "Kulkarni", "Chopra",
                        "Banerjee", "Joshi", "Menon", "Kapoor", "Singh", "Rao"],
            phonePattern: "+91 9#### #####", latitude: 19.0596, longitude: 72.8295),
        Region(
            timeZone: "America/New_York", country: "US", currency: "USD", rate: 1.1, step: 5, locale: "en-US",
            city: "New York", state: "NY",
            neighbourhoods: ["West Village", "Williamsburg", "Upper West Side", "Astoria", "Park Slope", "Tribeca"],
            streets: ["Bleecker Street", "Bedford Avenue", "Amsterdam Avenue", "Steinway Street", "7th Avenue",
                      "Greenwich Street", "Hudson Street", "Smith Street", "Court Street", "Columbus Avenue"],
            postalCodes: ["10014", "11211", "10024", "11103", "11215", "10013"],
            firstNames: ["Emma", "Olivia", "Ava", "Sophia", "Mia", "Liam", "Noah", "Ethan", "Mason", "Logan",
                         "Isabella", "Jacob", "Madison", "Tyler", "Hannah", "Carlos", "Maria", "Daniel"],
            lastNames: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
                        "Martinez", "Wilson", "Anderson", "O'Brien", "Cohen", "Kim", "Nguyen"],
            phonePattern: "+1 212-555-0###", latitude: 40.7336, longitude: -74.0027),
        Region(
            timeZone: "Europe/London", country: "GB", currency: "GBP", rate: 0.86, step: 5, locale: "en-GB",
            city: "London", state: nil,
            neighbourhoods: ["Shoreditch", "Covent Garden", "Brick Lane", "Camden", "Borough", "Notting Hill"],
            streets: ["Commercial Street", "Neal Street", "Brick Lane", "Camden High Street", "Borough High Street",
                      "Portobello Road", "Redchurch Street", "Exmouth Market", "Upper Street", "Kingsland Road"],
            postalCodes: ["E1 6QL", "WC2H 9PA", "E1 6RF", "NW1 7JR", "SE1 1LB", "W11 2DY", "E2 7DJ", "N1 1QP"],
            firstNames: ["Oliver", "George", "Harry", "Jack", "Amelia", "Isla", "Emily", "Poppy", "Freya", "Alfie",
                         "Charlotte", "Siobhan", "Rhys", "Niamh", "Imogen", "Callum", "Priya", "Mohammed"],
            lastNames: ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts",
                        "Walker", "Wright", "Hughes", "Patel", "Khan", "O'Connor", "MacLeod"],
            phonePattern: "+44 7700 900###", latitude: 51.5246, longitude: -0.0784),
        Region(
            timeZone: "Australia/Sydney", country: "AU", currency: "AUD", rate: 1.65, step: 10, locale: "en-AU",
            city: "Sydney", state: "NSW",
            neighbourhoods: ["Surry Hills", "Bondi Beach", "Newtown", "Paddington", "Manly", "Darlinghurst"],
            streets: ["Crown Street", "Campbell Parade", "King Street", "Oxford Street", "The Corso", "Victoria Street",
                      "Bourke Street", "Enmore Road", "Glenmore Road", "Hall Street"],
            postalCodes: ["2010", "2026", "2042", "2021", "2095", "2011"],
            firstNames: ["Charlotte", "Olivia", "Amelia", "Isla", "Mia", "Jack", "William", "Lachlan", "Cooper",
                         "Matilda", "Harper", "Noah", "Liam", "Ruby", "Archie", "Sienna"],
            lastNames: ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin",
                        "White", "Anderson", "Thompson", "Kelly", "Ryan", "Walsh", "Papadopoulos"],
            phonePattern: "+61 4## ### ###", latitude: -33.8847, longitude: 151.2111),
    ]
}

/// The style of food a restaurant group serves, which decides its menu.
enum Cuisine: Int {
    case french, italian, indian, british
}

/// A restaurant group that may become an account.
struct AccountTemplate {
    let name: String
    let cuisine: Cuisine
    let home: Int
    let domain: String
}

enum AccountTemplates {
    static let all: [AccountTemplate] = [
        AccountTemplate(name: "Maison Dubois", cuisine: .french, home: Regions.paris, domain: "maison-dubois.example"),
        AccountTemplate(name: "Trattoria Bella Napoli", cuisine: .italian, home: Regions.newYork, domain: "bellanapoli.example"),
        AccountTemplate(name: "Masala Junction", cuisine: .indian, home: Regions.mumbai, domain: "masalajunction.example"),
        AccountTemplate(name: "The Crown & Anchor", cuisine: .british, home: Regions.london, domain: "crownandanchor.example"),
        AccountTemplate(name: "Bondi Pasta Bar", cuisine: .italian, home: Regions.sydney, domain: "bondipasta.example"),
        AccountTemplate(name: "Le Comptoir Indien", cuisine: .indian, home: Regions.paris, domain: "comptoir-indien.example"),
        AccountTemplate(name: "Brasserie L'Étoile", cuisine: .french, home: Regions.london, domain: "brasserie-etoile.example"),
    ]
}

/// What an app does, which decides where it connects, what it asks for and how it talks
/// to the API.
enum AppKind: Int, CaseIterable {
    case delivery, pointOfSale, marketing, analytics, stock, loyalty
}

/// An app that may be registered with the hub.
struct AppTemplate {
    let name: String
    let kind: AppKind
    let level: ConnectionLevel
    let scope: String
    let openURL: String?
    let disconnectCallbackURL: String?
    let userAgent: String
}

enum AppTemplates {
    static let all: [AppTemplate] = [
        AppTemplate(
            name: "Deliveroo", kind: .delivery, level: .location, scope: "location[orders.write,catalog.read]",
            openURL: "https://restaurant-hub.deliveroo.example/", disconnectCallbackURL: "https://api.deliveroo.example/hub/disconnected",
            userAgent: "Deliveroo-HubConnector/4.12.1"),
        AppTemplate(
            name: "Uber Eats", kind: .delivery, level: .location, scope: "location[orders.write,catalog.read]",
            openURL: nil, disconnectCallbackURL: "https://hub-integration.ubereats.example/v1/disconnect",
            userAgent: "UberEats-Integration/2.38.0 (okhttp/4.12.0)"),
        AppTemplate(
            name: "Just Eat", kind: .delivery, level: .location, scope: "location[orders.write,catalog.read]",
            openURL: "https://partner.just-eat.example/hub", disconnectCallbackURL: nil,
            userAgent: "JustEat-Connect/1.19.3 (+https://partner.just-eat.example)"),
        AppTemplate(
            name: "Lightspeed Restaurant", kind: .pointOfSale, level: .location,
            scope: "location[orders.write,catalog.write,customer_list.read,inventory.write]",
            openURL: "https://backoffice.lightspeed.example/hub", disconnectCallbackURL: "https://hooks.lightspeed.example/hub/disconnect",
            userAgent: "Lightspeed-K/5.6.0 (iPad; iPadOS 17.5)"),
        AppTemplate(
            name: "Zelty", kind: .pointOfSale, level: .location,
            scope: "location[orders.write,catalog.write,customer_list.read,inventory.write]",
            openURL: "https://bo.zelty.example/", disconnectCallbackURL: "https://api.zelty.example/hub/disconnect",
            userAgent: "Zelty-POS/3.24.7 (Android 13)"),
        AppTemplate(
            name: "Tiller Caisse", kind: .pointOfSale, level: .location,
            scope: "location[orders.write,catalog.write,customer_list.read]",
            openURL: nil, disconnectCallbackURL: nil,
            userAgent: "Tiller/8.3.2 (iOS 17.4; iPad)"),
        AppTemplate(
            name: "Brevo E-mailing", kind: .marketing, level: .either, scope: "account[customer_list.read],profile",
            openURL: "https://app.brevo.example/hub/open", disconnectCallbackURL: "https://api.brevo.example/v3/hub/disconnect",
            userAgent: "Brevo-HubSync/1.4.2 (+https://developers.brevo.example)"),
        AppTemplate(
            name: "SMS Partner", kind: .marketing, level: .either, scope: "account[customer_list.read],profile_with_email",
            openURL: nil, disconnectCallbackURL: "https://www.smspartner.example/hub/uninstall",
            userAgent: "SMSPartner/2.1 python-requests/2.32.3"),
        AppTemplate(
            name: "Restaurant Insights", kind: .analytics, level: .account,
            scope: "account[orders.read,all_customer_lists.read,all_catalogs.read]",
            openURL: "https://dashboard.restaurant-insights.example/", disconnectCallbackURL: nil,
            userAgent: "RestaurantInsights-ETL/2026.11 (Go-http-client/1.1)"),
        AppTemplate(
            name: "Inpulse Stock", kind: .stock, level: .location, scope: "location[catalog.read,inventory.write]",
            openURL: "https://app.inpulse.example/", disconnectCallbackURL: "https://api.inpulse.example/hub/disconnect",
            userAgent: "Inpulse-Sync/7.2.0 (node-fetch)"),
        AppTemplate(
            name: "Fidelio Loyalty", kind: .loyalty, level: .either,
            scope: "location[orders.read,customer_list.write],profile_with_email",
            openURL: "https://merchant.fidelio.example/hub", disconnectCallbackURL: "https://api.fidelio.example/hub/disconnect",
            userAgent: "Fidelio/3.0.5 (Ruby; Faraday 2.9)"),
    ]
}

/// One dish or drink of a menu, price in euro cents.
struct Dish {
    let name: String
    let description: String
    let euroCents: Int
}

/// A menu section: its dishes, whether they come in two sizes, and the option lists
/// (by index into the cuisine's) its products offer.
struct MenuSection {
    let ref: String
    let name: String
    let dishes: [Dish]
    let sizes: [(name: String, extraEuroCents: Int)]
    let optionLists: [Int]
}

struct OptionListTemplate {
    let ref: String
    let name: String
    let maxSelections: Int
    let options: [(name: String, euroCents: Int)]
}

/// A cuisine's menu: sections, option lists, and the words used to name combos and drinks.
struct Menu {
    let sections: [MenuSection]
    let optionLists: [OptionListTemplate]
    let drinksName: String
    let comboName: String
    /// Closes a combo's description ("served every day at lunch").
    let comboNote: String
}

enum Menus {
    static func menu(_ cuisine: Cuisine) -> Menu { all[cuisine.rawValue] }

    static let drinks: [Dish] = [
        Dish(name: "Coca-Cola 33cl", description: "", euroCents: 350),
        Dish(name: "Coca-Cola Zero 33cl", description: "", euroCents: 350),
        Dish(name: "Orangina 25cl", description: "", euroCents: 350),
        Dish(name: "San Pellegrino 50cl", description: "Eau minérale gazeuse", euroCents: 400),
        Dish(name: "Evian 50cl", description: "", euroCents: 300),
        Dish(name: "Limonade artisanale", description: "Citron, sucre de canne", euroCents: 450),
        Dish(name: "Thé glacé pêche", description: "Maison", euroCents: 400),
        Dish(name: "Jus d'orange pressé", description: "25cl", euroCents: 500),
        Dish(name: "Espresso", description: "", euroCents: 250),
        Dish(name: "Cappuccino", description: "", euroCents: 400),
        Dish(name: "Masala chai", description: "Black tea, cardamom, ginger, milk", euroCents: 400),
        Dish(name: "Heineken 33cl", description: "Lager 5%", euroCents: 500),
        Dish(name: "Peroni Nastro Azzurro 33cl", description: "Lager 5.1%", euroCents: 550),
        Dish(name: "Kingfisher 33cl", description: "Lager 4.8%", euroCents: 550),
        Dish(name: "Guinness (pint)", description: "Stout 4.2%", euroCents: 650),
        Dish(name: "London Pride (pint)", description: "Ale 4.1%", euroCents: 600),
        Dish(name: "Côtes du Rhône (verre)", description: "Rouge, 12cl", euroCents: 650),
        Dish(name: "Chianti Classico (calice)", description: "Rosso, 15cl", euroCents: 750),
        Dish(name: "Sancerre (verre)", description: "Blanc, 12cl", euroCents: 850),
        Dish(name: "Prosecco (calice)", description: "", euroCents: 700),
        Dish(name: "Rosé de Provence (bouteille)", description: "75cl", euroCents: 2800),
    ]

    static let all: [Menu] = [
        // French
        Menu(
            sections: [
                MenuSection(ref: "ENT", name: "Entrées", dishes: [
                    Dish(name: "Soupe à l'oignon gratinée", description: "Oignons, bouillon de bœuf, croûtons, comté", euroCents: 850),
                    Dish(name: "Œufs mayonnaise", description: "Œufs bio, mayonnaise maison", euroCents: 650),
                    Dish(name: "Terrine de campagne", description: "Cornichons, pain de campagne", euroCents: 900),
                    Dish(name: "Escargots de Bourgogne (6)", description: "Beurre persillé, ail", euroCents: 1200),
                    Dish(name: "Salade de chèvre chaud", description: "Chèvre, miel, noix, mesclun", euroCents: 1150),
                    Dish(name: "Poireaux vinaigrette", description: "Moutarde à l'ancienne, noisettes", euroCents: 750),
                ], sizes: [], optionLists: []),
                MenuSection(ref: "PLA", name: "Plats", dishes: [
                    Dish(name: "Steak frites", description: "Bavette d'aloyau, frites maison", euroCents: 2200),
                    Dish(name: "Bœuf bourguignon", description: "Bœuf mijoté au vin rouge, carottes, lardons", euroCents: 2150),
                    Dish(name: "Confit de canard", description: "Pommes sarladaises, salade", euroCents: 2300),
                    Dish(name: "Croque-monsieur", description: "Jambon blanc, béchamel, comté", euroCents: 1350),
                    Dish(name: "Quiche lorraine", description: "Lardons, crème, salade verte", euroCents: 1200),
                    Dish(name: "Blanquette de veau", description: "Riz pilaf, champignons", euroCents: 2100),
                    Dish(name: "Moules marinières", description: "Vin blanc, échalotes, frites", euroCents: 1850),
                    Dish(name: "Magret de canard au miel", description: "Gratin dauphinois", euroCents: 2450),
                ], sizes: [], optionLists: [0, 1, 2]),
                MenuSection(ref: "DES", name: "Desserts", dishes: [
                    Dish(name: "Crème brûlée", description: "Vanille de Madagascar", euroCents: 800),
                    Dish(name: "Tarte Tatin", description: "Crème fraîche d'Isigny", euroCents: 850),
                    Dish(name: "Mousse au chocolat", description: "Chocolat noir 70%", euroCents: 750),
                    Dish(name: "Île flottante", description: "Crème anglaise, caramel, pralin", euroCents: 750),
                    Dish(name: "Profiteroles", description: "Glace vanille, sauce chocolat chaud", euroCents: 900),
                    Dish(name: "Café gourmand", description: "Espresso et trois mignardises", euroCents: 950),
                ], sizes: [], optionLists: []),
            ],
            optionLists: [
                OptionListTemplate(ref: "CUISSON", name: "Cuisson", maxSelections: 1, options: [
                    ("Bleu", 0), ("Saignant", 0), ("À point", 0), ("Bien cuit", 0)]),
                OptionListTemplate(ref: "ACCOMP", name: "Accompagnement", maxSelections: 1, options: [
                    ("Frites maison", 0), ("Salade verte", 0), ("Purée", 0), ("Haricots verts", 150)]),
                OptionListTemplate(ref: "SUPPL", name: "Suppléments", maxSelections: 3, options: [
                    ("Sauce au poivre", 200), ("Sauce béarnaise", 200), ("Œuf au plat", 150), ("Comté affiné", 150)]),
            ],
            drinksName: "Boissons", comboName: "Formule",
            comboNote: "Servie tous les jours de 11h30 à 14h30."),
        // Italian
        Menu(
            sections: [
                MenuSection(ref: "ANT", name: "Antipasti", dishes: [
                    Dish(name: "Bruschetta al pomodoro", description: "Tomato, garlic, basil, olive oil", euroCents: 750),
                    Dish(name: "Burrata pugliese", description: "Burrata, heirloom tomatoes, pesto", euroCents: 1200),
                    Dish(name: "Arancini (3)", description: "Saffron risotto, mozzarella, ragù", euroCents: 850),
                    Dish(name: "Carpaccio di manzo", description: "Beef, rocket, parmigiano, lemon", euroCents: 1300),
                    Dish(name: "Vitello tonnato", description: "Veal, tuna sauce, capers", euroCents: 1250),
                ], sizes: [], optionLists: []),
                MenuSection(ref: "PIZ", name: "Pizze", dishes: [
                    Dish(name: "Margherita", description: "San Marzano tomato, fior di latte, basil", euroCents: 1100),
                    Dish(name: "Diavola", description: "Tomato, mozzarella, spicy salami", euroCents: 1350),
                    Dish(name: "Quattro formaggi", description: "Mozzarella, gorgonzola, fontina, parmigiano", euroCents: 1400),
                    Dish(name: "Regina", description: "Tomato, mozzarella, ham, mushrooms", euroCents: 1300),
                    Dish(name: "Capricciosa", description: "Ham, artichokes, mushrooms, olives", euroCents: 1450),
                    Dish(name: "Calzone", description: "Ricotta, salami, mozzarella, tomato", euroCents: 1400),
                    Dish(name: "Ortolana", description: "Grilled vegetables, mozzarella", euroCents: 1300),
                    Dish(name: "Tartufo", description: "Truffle cream, mushrooms, fior di latte", euroCents: 1850),
                ], sizes: [("Classica", 0), ("Grande", 400)], optionLists: [0, 1]),
                MenuSection(ref: "PAS", name: "Pasta", dishes: [
                    Dish(name: "Spaghetti alla carbonara", description: "Guanciale, egg yolk, pecorino", euroCents: 1550),
                    Dish(name: "Tagliatelle al ragù", description: "Slow-cooked beef and pork ragù", euroCents: 1600),
                    Dish(name: "Penne all'arrabbiata", description: "Tomato, chilli, garlic", euroCents: 1300),
                    Dish(name: "Linguine alle vongole", description: "Clams, white wine, parsley", euroCents: 1950),
                    Dish(name: "Gnocchi al pesto", description: "Basil pesto, pine nuts", euroCents: 1450),
                    Dish(name: "Lasagne della nonna", description: "Ragù, béchamel, parmigiano", euroCents: 1650),
                ], sizes: [], optionLists: []),
                MenuSection(ref: "DOL", name: "Dolci", dishes: [
                    Dish(name: "Tiramisù", description: "Mascarpone, espresso, cocoa", euroCents: 750),
                    Dish(name: "Panna cotta", description: "Red berry coulis", euroCents: 650),
                    Dish(name: "Cannoli siciliani (2)", description: "Ricotta, pistachio, candied orange", euroCents: 700),
                    Dish(name: "Affogato al caffè", description: "Vanilla gelato, espresso", euroCents: 600),
                ], sizes: [], optionLists: []),
            ],
            optionLists: [
                OptionListTemplate(ref: "TOPPINGS", name: "Extra toppings", maxSelections: 4, options: [
                    ("Burrata", 350), ("Prosciutto di Parma", 300), ("Funghi", 150), ("Olive", 100), ("'Nduja", 250)]),
                OptionListTemplate(ref: "IMPASTO", name: "Impasto", maxSelections: 1, options: [
                    ("Classico", 0), ("Integrale", 100), ("Senza glutine", 300)]),
            ],
            drinksName: "Bevande", comboName: "Menu pranzo",
            comboNote: "Solo a pranzo, dal lunedì al venerdì."),
        // Indian
        Menu(
            sections: [
                MenuSection(ref: "STR", name: "Starters", dishes: [
                    Dish(name: "Vegetable samosa (2)", description: "Spiced potato and peas, tamarind chutney", euroCents: 550),
                    Dish(name: "Onion bhaji", description: "Gram flour fritters, mint raita", euroCents: 500),
                    Dish(name: "Paneer tikka", description: "Tandoor-grilled cottage cheese, peppers", euroCents: 850),
                    Dish(name: "Chicken 65", description: "Crispy fried chicken, curry leaves", euroCents: 800),
                    Dish(name: "Pani puri", description: "Crisp shells, spiced water, chickpeas", euroCents: 600),
                    Dish(name: "Aloo tikki chaat", description: "Potato patties, yoghurt, chutneys", euroCents: 650),
                ], sizes: [], optionLists: []),
                MenuSection(ref: "CUR", name: "Curries", dishes: [
                    Dish(name: "Butter chicken", description: "Tandoori chicken, tomato and butter sauce", euroCents: 1450),
                    Dish(name: "Chicken tikka masala", description: "Charred chicken, spiced tomato cream", euroCents: 1450),
                    Dish(name: "Lamb rogan josh", description: "Kashmiri chilli, slow-cooked lamb", euroCents: 1650),
                    Dish(name: "Palak paneer", description: "Spinach, cottage cheese, garlic", euroCents: 1250),
                    Dish(name: "Chana masala", description: "Chickpeas, onion, tomato, garam masala", euroCents: 1100),
                    Dish(name: "Dal makhani", description: "Black lentils simmered overnight", euroCents: 1150),
                    Dish(name: "Prawn malabar curry", description: "Coconut, kokum, curry leaves", euroCents: 1750),
                    Dish(name: "Baingan bharta", description: "Smoked aubergine, peas", euroCents: 1150),
                ], sizes: [("Regular", 0), ("Large", 300)], optionLists: [0, 1]),
                MenuSection(ref: "RIC", name: "Biryani & rice", dishes: [
                    Dish(name: "Hyderabadi chicken biryani", description: "Dum-cooked basmati, saffron, fried onions", euroCents: 1550),
                    Dish(name: "Vegetable biryani", description: "Seasonal vegetables, basmati, raita", euroCents: 1250),
                    Dish(name: "Jeera rice", description: "Cumin basmati", euroCents: 400),
                    Dish(name: "Steamed basmati rice", description: "", euroCents: 350),
                ], sizes: [], optionLists: [1]),
                MenuSection(ref: "BRD", name: "Breads", dishes: [
                    Dish(name: "Garlic naan", description: "", euroCents: 350),
                    Dish(name: "Butter naan", description: "", euroCents: 300),
                    Dish(name: "Cheese naan", description: "", euroCents: 450),
                    Dish(name: "Tandoori roti", description: "Whole wheat", euroCents: 250),
                    Dish(name: "Laccha paratha", description: "Flaky layered bread", euroCents: 350),
                ], sizes: [], optionLists: []),
                MenuSection(ref: "DES", name: "Desserts", dishes: [
                    Dish(name: "Gulab jamun", description: "Milk dumplings, rose syrup", euroCents: 500),
                    Dish(name: "Mango lassi", description: "Alphonso mango, yoghurt", euroCents: 450),
                    Dish(name: "Pistachio kulfi", description: "", euroCents: 550),
                    Dish(name: "Rasmalai", description: "Saffron milk, cardamom", euroCents: 550),
                ], sizes: [], optionLists: []),
            ],
            optionLists: [
                OptionListTemplate(ref: "SPICE", name: "Spice level", maxSelections: 1, options: [
                    ("Mild", 0), ("Medium", 0), ("Hot", 0), ("Extra hot", 0)]),
                OptionListTemplate(ref: "EXTRAS", name: "Extras", maxSelections: 3, options: [
                    ("Raita", 200), ("Papadums", 150), ("Mango chutney", 100), ("Pickle", 100)]),
            ],
            drinksName: "Drinks", comboName: "Thali",
            comboNote: "Served with rice, naan and raita."),
        // British
        Menu(
            sections: [
                MenuSection(ref: "STA", name: "Starters", dishes: [
                    Dish(name: "Scotch egg", description: "Free-range egg, pork sausage, piccalilli", euroCents: 750),
                    Dish(name: "Prawn cocktail", description: "Marie Rose sauce, gem lettuce", euroCents: 900),
                    Dish(name: "Soup of the day", description: "With sourdough bread", euroCents: 650),
                    Dish(name: "Buffalo chicken wings", description: "Blue cheese dip, celery", euroCents: 850),
                ], sizes: [], optionLists: []),
                MenuSection(ref: "MAI", name: "Mains", dishes: [
                    Dish(name: "Beer-battered fish & chips", description: "Haddock, chunky chips, mushy peas", euroCents: 1650),
                    Dish(name: "Steak & ale pie", description: "Mash, seasonal greens, gravy", euroCents: 1750),
                    Dish(name: "Bangers & mash", description: "Cumberland sausages, onion gravy", euroCents: 1450),
                    Dish(name: "Sunday roast beef", description: "Yorkshire pudding, roast potatoes", euroCents: 2100),
                    Dish(name: "Shepherd's pie", description: "Lamb mince, buttery mash", euroCents: 1550),
                    Dish(name: "Ploughman's lunch", description: "Cheddar, ham, pickle, crusty bread", euroCents: 1350),
                    Dish(name: "Classic cheeseburger", description: "Aged beef, cheddar, pickles, fries", euroCents: 1500),
                    Dish(name: "Chicken Caesar salad", description: "Parmesan, croutons, anchovy dressing", euroCents: 1300),
                ], sizes: [], optionLists: [0, 1]),
                MenuSection(ref: "SID", name: "Sides", dishes: [
                    Dish(name: "Chunky chips", description: "", euroCents: 450),
                    Dish(name: "Mushy peas", description: "", euroCents: 350),
                    Dish(name: "Onion rings", description: "", euroCents: 450),
                    Dish(name: "Garden salad", description: "", euroCents: 400),
                ], sizes: [], optionLists: []),
                MenuSection(ref: "PUD", name: "Puddings", dishes: [
                    Dish(name: "Sticky toffee pudding", description: "Toffee sauce, vanilla ice cream", euroCents: 750),
                    Dish(name: "Eton mess", description: "Meringue, strawberries, cream", euroCents: 700),
                    Dish(name: "Apple crumble", description: "Custard", euroCents: 700),
                    Dish(name: "Bread & butter pudding", description: "", euroCents: 700),
                ], sizes: [], optionLists: []),
            ],
            optionLists: [
                OptionListTemplate(ref: "SAUCES", name: "Sauces", maxSelections: 2, options: [
                    ("Tartare", 50), ("Curry sauce", 150), ("Gravy", 150), ("Ketchup", 0)]),
                OptionListTemplate(ref: "EXTRAS", name: "Extras", maxSelections: 3, options: [
                    ("Smoked bacon", 200), ("Mature cheddar", 150), ("Fried egg", 150)]),
            ],
            drinksName: "Drinks", comboName: "Meal deal",
            comboNote: "Available Monday to Friday, 12pm to 3pm."),
    ]
}
