import Events

/// One event of every kind with its committed binary and NDJSON forms. A change to either
/// form breaks these on purpose: the format is a contract with every existing journal.
enum GoldenVectors {
    static let time = Timestamp(rfc3339: "2026-11-29T09:14:03Z")!

    static let cases: [(name: String, event: Event, hex: String, ndjson: String)] = [
        (
            "connectionBlocked",
            Event(time: time, .connectionBlocked(ConnectionStatusChanged(connectionID: "k2x9q", actor: "owner@example.com"))),
            "0106c0ace0b666610600056b32783971116f776e6572406578616d706c652e636f6d00",
            #"{"event":"connectionBlocked","time":"2026-11-29T09:14:03.000000Z","connection_id":"k2x9q","actor":"owner@example.com"}"#
        ),
        (
            "accountRegistered",
            Event(time: time, .accountRegistered(AccountRegistered(accountID: "3r4s3", name: "Café Été", timeZone: "Europe/Paris"))),
            "0101c0ace0b6666106000533723473330b436166c3a920c38974c3a90c4575726f70652f5061726973",
            #"{"event":"accountRegistered","time":"2026-11-29T09:14:03.000000Z","account_id":"3r4s3","name":"Café Été","time_zone":"Europe/Paris"}"#
        ),
        (
            "locationRegistered",
            Event(time: time, .locationRegistered(LocationRegistered(
                locationID: "3r4s3-1", accountID: "3r4s3", name: "Bastille", timeZone: "Asia/Kolkata"))),
            "0102c0ace0b6666106000733723473332d310533723473330842617374696c6c650c417369612f4b6f6c6b617461",
            #"{"event":"locationRegistered","time":"2026-11-29T09:14:03.000000Z","location_id":"3r4s3-1","account_id":"3r4s3","name":"Bastille","time_zone":"Asia/Kolkata"}"#
        ),
        (
            "appRegistered",
            Event(time: time, .appRegistered(AppRegistered(
                appID: "uber", name: "Uber Eats", level: .location, scope: "location[orders.write,catalog.read]",
                openURL: nil, disconnectCallbackURL: "https://cb.example.com/d"))),
            "0103c0ace0b66661060004756265720955626572204561747301236c6f636174696f6e5b6f72646572732e77726974652c636174616c6f672e726561645d00011868747470733a2f2f63622e6578616d706c652e636f6d2f64",
            #"{"event":"appRegistered","time":"2026-11-29T09:14:03.000000Z","app_id":"uber","name":"Uber Eats","level":"location","scope":"location[orders.write,catalog.read]","disconnect_callback_url":"https://cb.example.com/d"}"#
        ),
        (
            "connectionCreated",
            Event(time: time, .connectionCreated(ConnectionCreated(
                connectionID: "c1", appID: "uber", accountID: "3r4s3", locationID: "3r4s3-1", deviceID: "caisse-2",
                scope: "location[orders.write]", customerListID: "xab66", catalogID: nil,
                tokenDigest: Array(0..<32), tokenHint: "9f3a"))),
            "0104c0ace0b6666106000263310475626572053372347333010733723473332d3101086361697373652d32166c6f636174696f6e5b6f72646572732e77726974655d010578616236360020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0439663361",
            #"{"event":"connectionCreated","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","app_id":"uber","account_id":"3r4s3","location_id":"3r4s3-1","device_id":"caisse-2","scope":"location[orders.write]","customer_list_id":"xab66","token_digest":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f","token_hint":"9f3a"}"#
        ),
        (
            "connectionReconnected",
            Event(time: time, .connectionReconnected(ConnectionReconnected(connectionID: "c1", customerListID: nil, catalogID: "psmlf"))),
            "0105c0ace0b66661060002633100010570736d6c66",
            #"{"event":"connectionReconnected","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","catalog_id":"psmlf"}"#
        ),
        (
            "connectionUnblocked",
            Event(time: time, .connectionUnblocked(ConnectionStatusChanged(connectionID: "c1", actor: "support", reason: "paid"))),
            "0107c0ace0b66661060002633107737570706f7274010470616964",
            #"{"event":"connectionUnblocked","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","actor":"support","reason":"paid"}"#
        ),
        (
            "connectionDisconnected",
            Event(time: time, .connectionDisconnected(ConnectionStatusChanged(connectionID: "c1", actor: "owner", reason: nil))),
            "0108c0ace0b666610600026331056f776e657200",
            #"{"event":"connectionDisconnected","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","actor":"owner"}"#
        ),
        (
            "requestLogged",
            Event(time: Timestamp(microseconds: time.microseconds + 250_000), .requestLogged(RequestLogged(
                connectionID: "c1", requestID: "req_1", method: .patch, resource: "orders", url: "/orders/o1",
                status: 422, durationMicroseconds: 300, requestHeaders: [Header("X-Access-Token", "[REDACTED]")],
                requestBody: Array("{\"status\":\"x\"}".utf8), responseHeaders: [], responseBody: [0xFF, 0x00]))),
            "0109507de4b66661060002633101057265715f3104066f72646572730a2f6f72646572732f6f31a601ac02010e582d4163636573732d546f6b656e0a5b52454441435445445d0e7b22737461747573223a2278227d0002ff00",
            #"{"event":"requestLogged","time":"2026-11-29T09:14:03.250000Z","connection_id":"c1","request_id":"req_1","method":"PATCH","resource":"orders","url":"/orders/o1","status":422,"duration_us":300,"request_headers":[["X-Access-Token","[REDACTED]"]],"request_body":"{\"status\":\"x\"}","response_headers":[],"response_body_base64":"/wA="}"#
        ),
        (
            "callbackAttempted",
            Event(time: time, .callbackAttempted(CallbackAttempted(
                connectionID: "c1", deliveryID: "disconnect-9", attempt: 2, url: "https://cb.example.com/d", status: 503,
                error: nil, nextAttemptAt: Timestamp(microseconds: time.microseconds + 120_000_000)))),
            "010ac0ace0b6666106000263310c646973636f6e6e6563742d39021868747470733a2f2f63622e6578616d706c652e636f6d2f6401f7010001c0ba07be66610600",
            #"{"event":"callbackAttempted","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","delivery_id":"disconnect-9","attempt":2,"url":"https://cb.example.com/d","status":503,"next_attempt_at":"2026-11-29T09:16:03.000000Z"}"#
        ),
        (
            "callbackResendRequested",
            Event(time: time, .callbackResendRequested(CallbackResendRequested(connectionID: "c1", deliveryID: "resend-1", actor: "owner"))),
            "010bc0ace0b66661060002633108726573656e642d31056f776e6572",
            #"{"event":"callbackResendRequested","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","delivery_id":"resend-1","actor":"owner"}"#
        ),
        (
            "requestBodiesExpired",
            Event(time: time, .requestBodiesExpired(RequestLogged(
                connectionID: "c1", requestID: nil, method: .get, resource: "catalogs", url: "/catalogs/psmlf", status: 200,
                durationMicroseconds: 900, requestBody: [], responseBody: Array("{\"categories\":[]}".utf8)).withoutBodies)),
            "010cc0ace0b666610600026331000108636174616c6f67730f2f636174616c6f67732f70736d6c66c800840700000011",
            #"{"event":"requestBodiesExpired","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","method":"GET","resource":"catalogs","url":"/catalogs/psmlf","status":200,"duration_us":900,"request_headers":[],"request_body_length":0,"response_headers":[],"response_body_length":17}"#
        ),
        (
            "requestBodiesExpired with an error summary",
            Event(time: time, .requestBodiesExpired({
                var r = RequestLogged(
                    connectionID: "c1", requestID: nil, method: .post, resource: "orders", url: "/orders", status: 422,
                    durationMicroseconds: 900, requestBody: [], responseBody: Array("{\"error_type\":\"unprocessable_entity\"}".utf8)).withoutBodies
                r.errorSummary = "unprocessable_entity"
                return r
            }())),
            "010cc0ace0b6666106000263310002066f7264657273072f6f7264657273a6018407000000250114756e70726f6365737361626c655f656e74697479",
            #"{"event":"requestBodiesExpired","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","method":"POST","resource":"orders","url":"/orders","status":422,"duration_us":900,"request_headers":[],"request_body_length":0,"response_headers":[],"response_body_length":37,"error_summary":"unprocessable_entity"}"#
        ),
        (
            "requestsRolledUp",
            Event(time: time, .requestsRolledUp(RequestsRolledUp(
                connectionID: "c1", day: 20_000, total: 7, byClass: [0, 5, 1, 1, 0],
                firstTime: Timestamp(seconds: 1_728_000_000), lastTime: Timestamp(seconds: 1_728_040_000)))),
            "010dc0ace0b666610600026331204e00000000000007000501010000002c5a9b23060000905baaa4230600",
            #"{"event":"requestsRolledUp","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","day":20000,"total":7,"by_class":[0,5,1,1,0],"first_time":"2024-10-04T00:00:00.000000Z","last_time":"2024-10-04T11:06:40.000000Z"}"#
        ),
        (
            "connectionTombstoned",
            Event(time: time, .connectionTombstoned(ConnectionTombstoned(
                connectionID: "c1", appID: "uber", accountID: "3r4s3", locationID: "3r4s3-1",
                disconnectedAt: Timestamp(seconds: 1_700_000_000), requestCount: 1234))),
            "010ec0ace0b6666106000263310475626572053372347333010733723473332d3100401e18240a0600d209",
            #"{"event":"connectionTombstoned","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","app_id":"uber","account_id":"3r4s3","location_id":"3r4s3-1","disconnected_at":"2023-11-14T22:13:20.000000Z","request_count":1234}"#
        ),
        (
            "retentionApplied",
            Event(time: time, .retentionApplied(RetentionApplied(
                bodiesBefore: Timestamp(seconds: 1_793_000_000), logsBefore: Timestamp(seconds: 1_788_000_000),
                disconnectedBefore: Timestamp(seconds: 1_788_000_000), tombstonesBefore: Timestamp(seconds: 1_764_000_000)))),
            "010fc0ace0b66661060000101558b95e060000c0db302d5a060000c0db302d5a06000040624159440600",
            #"{"event":"retentionApplied","time":"2026-11-29T09:14:03.000000Z","bodies_before":"2026-10-26T07:33:20.000000Z","logs_before":"2026-08-29T10:40:00.000000Z","disconnected_before":"2026-08-29T10:40:00.000000Z","tombstones_before":"2025-11-24T16:00:00.000000Z"}"#
        ),
        (
            "userRegistered",
            Event(time: time, .userRegistered(UserRegistered(
                email: "owner@example.com", accountID: "3r4s3", role: .owner, passwordHash: "$2b$11$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0", actor: "operator"))),
            "0110c0ace0b666610600116f776e6572406578616d706c652e636f6d01053372347333013c243262243131246162636465666768696a6b6c6d6e6f707172737475767778797a4142434445464748494a4b4c4d4e4f505152535455565758595a30086f70657261746f72",
            #"{"event":"userRegistered","time":"2026-11-29T09:14:03.000000Z","email":"owner@example.com","account_id":"3r4s3","role":"owner","password_hash":"$2b$11$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0","actor":"operator"}"#
        ),
        (
            "userPasswordChanged",
            Event(time: time, .userPasswordChanged(UserPasswordChanged(email: "owner@example.com", passwordHash: "$2b$11$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0", actor: "owner@example.com"))),
            "0111c0ace0b666610600116f776e6572406578616d706c652e636f6d3c243262243131246162636465666768696a6b6c6d6e6f707172737475767778797a4142434445464748494a4b4c4d4e4f505152535455565758595a30116f776e6572406578616d706c652e636f6d",
            #"{"event":"userPasswordChanged","time":"2026-11-29T09:14:03.000000Z","email":"owner@example.com","password_hash":"$2b$11$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0","actor":"owner@example.com"}"#
        ),
        (
            "userRemoved",
            Event(time: time, .userRemoved(UserRemoved(email: "owner@example.com", actor: "operator"))),
            "0112c0ace0b666610600116f776e6572406578616d706c652e636f6d086f70657261746f72",
            #"{"event":"userRemoved","time":"2026-11-29T09:14:03.000000Z","email":"owner@example.com","actor":"operator"}"#
        ),
        (
            "authorizationCodeIssued",
            Event(time: time, .authorizationCodeIssued(AuthorizationCodeIssued(
                codeDigest: Array(0..<32), appID: "deliveroo", redirectURI: "https://deliveroo.example/oauth", accountID: "3r4s3",
                locationID: "3r4s3-1", deviceID: nil, codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                approvedBy: "owner@example.com", expiresAt: Timestamp(rfc3339: "2026-11-29T09:24:03Z")!))),
            "0113c0ace0b66661060020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0964656c697665726f6f1f68747470733a2f2f64656c697665726f6f2e6578616d706c652f6f61757468053372347333010733723473332d3100012b45394d656c686f61324f77764672454d544a67754348616f654b3174385552576275474a537374772d634d116f776e6572406578616d706c652e636f6dc0f2a3da66610600",
            #"{"event":"authorizationCodeIssued","time":"2026-11-29T09:14:03.000000Z","code_digest":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f","app_id":"deliveroo","redirect_uri":"https://deliveroo.example/oauth","account_id":"3r4s3","location_id":"3r4s3-1","code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","approved_by":"owner@example.com","expires_at":"2026-11-29T09:24:03.000000Z"}"#
        ),
        (
            "authorizationCodeRedeemed",
            Event(time: time, .authorizationCodeRedeemed(AuthorizationCodeRedeemed(codeDigest: Array(0..<32)))),
            "0114c0ace0b66661060020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            #"{"event":"authorizationCodeRedeemed","time":"2026-11-29T09:14:03.000000Z","code_digest":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}"#
        ),
        (
            "catalogRegistered",
            Event(time: time, .catalogRegistered(ListRegistered(id: "psmlf", accountID: "3r4s3", locationID: "3r4s3-1", name: "Carte Bastille"))),
            "0115c0ace0b6666106000570736d6c66053372347333010733723473332d310e43617274652042617374696c6c65",
            #"{"event":"catalogRegistered","time":"2026-11-29T09:14:03.000000Z","catalog_id":"psmlf","account_id":"3r4s3","location_id":"3r4s3-1","name":"Carte Bastille"}"#
        ),
        (
            "customerListRegistered",
            Event(time: time, .customerListRegistered(ListRegistered(id: "xab66", accountID: "3r4s3", name: "Clients"))),
            "0116c0ace0b6666106000578616236360533723473330007436c69656e7473",
            #"{"event":"customerListRegistered","time":"2026-11-29T09:14:03.000000Z","customer_list_id":"xab66","account_id":"3r4s3","name":"Clients"}"#
        ),
        (
            "callbackSet",
            Event(time: time, .callbackSet(CallbackSet(connectionID: "c1", url: "https://pos.example/hub", events: ["order.create", "order.update"]))),
            "0117c0ace0b666610600026331011768747470733a2f2f706f732e6578616d706c652f687562020c6f726465722e6372656174650c6f726465722e757064617465",
            #"{"event":"callbackSet","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","url":"https://pos.example/hub","events":["order.create","order.update"]}"#
        ),
        (
            "callbackDeleted",
            Event(time: time, .callbackDeleted(CallbackDeleted(connectionID: "c1"))),
            "0118c0ace0b666610600026331",
            #"{"event":"callbackDeleted","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1"}"#
        ),
        (
            "hubEventPublished",
            Event(time: time, .hubEventPublished(HubEventPublished(
                eventID: "e1", resourceType: "order", eventType: "update", accountID: "3r4s3", locationID: "3r4s3-1",
                ids: [HubEventID("order_id", "o1")], newState: #"{"status":"accepted"}"#, previousState: #"{"status":"new"}"#, causedBy: "c2"))),
            "0119c0ace0b666610600026531056f72646572067570646174650533723473330733723473332d3101086f726465725f6964026f3101157b22737461747573223a226163636570746564227d01107b22737461747573223a226e6577227d0001026332",
            #"{"event":"hubEventPublished","time":"2026-11-29T09:14:03.000000Z","event_id":"e1","resource_type":"order","event_type":"update","account_id":"3r4s3","location_id":"3r4s3-1","ids":{"order_id":"o1"},"new_state":{"status":"accepted"},"previous_state":{"status":"new"},"caused_by":"c2"}"#
        ),
        (
            "callbackDelivered",
            Event(time: time, .callbackDelivered(CallbackDelivered(
                connectionID: "c1", eventID: "e1", attempt: 2, url: "https://pos.example/hub", status: 503, durationMicroseconds: 1500,
                nextAttemptAt: Timestamp(rfc3339: "2026-11-29T09:15:03Z")!, answer: "busy"))),
            "011ac0ace0b666610600026331026531021768747470733a2f2f706f732e6578616d706c652f68756201f701dc050000000000000001c03374ba66610600010462757379",
            #"{"event":"callbackDelivered","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","event_id":"e1","attempt":2,"url":"https://pos.example/hub","status":503,"duration_us":1500,"next_attempt_at":"2026-11-29T09:15:03.000000Z","answer":"busy"}"#
        ),
        (
            "callbackEventAcknowledged",
            Event(time: time, .callbackEventAcknowledged(CallbackEventAcknowledged(connectionID: "c1", eventID: "e1"))),
            "011bc0ace0b666610600026331026531",
            #"{"event":"callbackEventAcknowledged","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","event_id":"e1"}"#
        ),
        (
            "callbackEventDropped",
            Event(time: time, .callbackEventDropped(CallbackEventDropped(connectionID: "c1", eventID: "e1", reason: "no acknowledgement after 6 attempts"))),
            "011cc0ace0b666610600026331026531236e6f2061636b6e6f776c656467656d656e74206166746572203620617474656d707473",
            #"{"event":"callbackEventDropped","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","event_id":"e1","reason":"no acknowledgement after 6 attempts"}"#
        ),
        (
            "callbackEventResent",
            Event(time: time, .callbackEventResent(CallbackEventResent(connectionID: "c1", eventID: "e1", actor: "owner@example.com"))),
            "011dc0ace0b666610600026331026531116f776e6572406578616d706c652e636f6d",
            #"{"event":"callbackEventResent","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","event_id":"e1","actor":"owner@example.com"}"#
        ),
        (
            // Field 6, `language`, added by a minor revision: written only when set.
            "userRegisteredWithLanguage",
            Event(time: time, .userRegistered(UserRegistered(
                email: "owner@example.com", accountID: "3r4s3", role: .owner, passwordHash: "$2b$11$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0", actor: "operator",
                language: "en"))),
            "0110c0ace0b666610600116f776e6572406578616d706c652e636f6d01053372347333013c243262243131246162636465666768696a6b6c6d6e6f707172737475767778797a4142434445464748494a4b4c4d4e4f505152535455565758595a30086f70657261746f7202656e",
            #"{"event":"userRegistered","time":"2026-11-29T09:14:03.000000Z","email":"owner@example.com","account_id":"3r4s3","role":"owner","password_hash":"$2b$11$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0","actor":"operator","language":"en"}"#
        ),
        (
            "alertRaised",
            Event(time: time, .alertRaised(AlertRaised(
                alertID: "al_1", connectionID: "c1", accountID: "a1", condition: .failing, reason: "its last 5 calls all failed (5xx or 401)",
                lastErrorSeq: 42))),
            "011ec0ace0b66661060004616c5f310263310261310128697473206c61737420352063616c6c7320616c6c206661696c65642028357878206f722034303129012a",
            #"{"event":"alertRaised","time":"2026-11-29T09:14:03.000000Z","alert_id":"al_1","connection_id":"c1","account_id":"a1","condition":"failing","reason":"its last 5 calls all failed (5xx or 401)","last_error_seq":42}"#
        ),
        (
            "alertResolved",
            Event(time: time, .alertResolved(AlertResolved(alertID: "al_1", connectionID: "c1", state: "ok"))),
            "011fc0ace0b66661060004616c5f31026331026f6b",
            #"{"event":"alertResolved","time":"2026-11-29T09:14:03.000000Z","alert_id":"al_1","connection_id":"c1","state":"ok"}"#
        ),
        (
            "alertSettingsChanged",
            Event(time: time, .alertSettingsChanged(AlertSettingsChanged(connectionID: "c1", muted: true, degraded: false, actor: "owner@example.com"))),
            "0120c0ace0b6666106000263310100116f776e6572406578616d706c652e636f6d",
            #"{"event":"alertSettingsChanged","time":"2026-11-29T09:14:03.000000Z","connection_id":"c1","muted":true,"degraded":false,"actor":"owner@example.com"}"#
        ),
        (
            "alertNotified",
            Event(time: time, .alertNotified(AlertNotified(
                alertID: "al_1", connectionID: "c1", phase: .raised, channel: .email, address: "owner@example.com", attempt: 2,
                delivered: false, error: "connection refused", nextAttemptAt: Timestamp(microseconds: time.microseconds + 60_000_000)))),
            "0121c0ace0b66661060004616c5f310263310101116f776e6572406578616d706c652e636f6d02000112636f6e6e656374696f6e207265667573656401c03374ba66610600",
            #"{"event":"alertNotified","time":"2026-11-29T09:14:03.000000Z","alert_id":"al_1","connection_id":"c1","phase":"raised","channel":"email","address":"owner@example.com","attempt":2,"delivered":false,"error":"connection refused","next_attempt_at":"2026-11-29T09:15:03.000000Z"}"#
        ),
    ]
}
