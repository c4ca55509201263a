"""Connecter through the app, as on the hub: the owner clicks Connecter, lands on the app's
install URL, the app starts the OAuth grant, the owner picks the location, the catalog and
the customer list and approves, the app exchanges the code on its server and calls the
gateway. The owner never sees the token. Screenshots of the consent page in French and
English go to docs/screenshots/."""
import base64
import hashlib
import http.client
import http.server
import json
import secrets
import threading
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import PASSWORD
from test_back_office import go, login, shot


class AppServer:
    """The app: an install URL that starts the grant (state and PKCE, S256), and a
    callback that exchanges the code server-side and calls the gateway with the token."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.states = {}
        self.results = []
        app = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                if url.path == "/install":
                    self.redirect(app.start(query))
                elif url.path == "/callback":
                    self.page(app.finish(query))
                else:
                    self.send_error(404)

            def redirect(self, location):
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def page(self, text):
                body = f"<!DOCTYPE html><html><body><pre id='app-result'>{text}</pre></body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.install_url = self.base + "/install"
        self.redirect_uri = self.base + "/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def start(self, query):
        """The install URL: Connecter sent the place; the app starts the grant with it."""
        state, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        self.states[state] = (verifier, query)
        parameters = {"response_type": "code", "client_id": "tillapp", "redirect_uri": self.redirect_uri, "state": state,
                      "code_challenge": challenge, "code_challenge_method": "S256"}
        parameters.update({k: v for k, v in query.items() if k in ("location_id", "account_id")})
        return self.daemon.base + "/oauth2/v1/authorize?" + urllib.parse.urlencode(parameters)

    def finish(self, query):
        verifier, installed_with = self.states.pop(query.get("state"), (None, None))
        if verifier is None:
            return "unknown state"
        conn = http.client.HTTPConnection("127.0.0.1", self.daemon.port, timeout=30)
        conn.request("POST", "/oauth2/v1/token", body=urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": query["code"], "redirect_uri": self.redirect_uri,
            "client_id": "tillapp", "client_secret": self.secret, "code_verifier": verifier}),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        grant = json.loads(r.read())
        result = {"installed_with": installed_with, "token_status": r.status, "grant": grant}
        if r.status == 200:
            gateway = http.client.HTTPConnection("127.0.0.1", self.daemon.gateway_port, timeout=30)
            gateway.request("GET", f"/v1/catalogs/{grant['catalog_id']}", headers={"X-Access-Token": grant["access_token"]})
            answer = gateway.getresponse()
            result["gateway_status"] = answer.status
            result["gateway_body"] = json.loads(answer.read())
        self.results.append(result)
        # What the app shows its user: the place and the lists, never the token.
        return f"connected: {grant.get('location_name')} / {grant.get('catalog_name')} / {grant.get('customer_list_name')}"

    def stop(self):
        self.server.shutdown()


def test_connecter_goes_through_the_app_and_the_owner_never_sees_the_token(browser, daemon):
    app = AppServer(daemon)
    try:
        out = daemon.cli("app", "add", "--id", "tillapp", "--name", "Till Pro", "--level", "location",
                         "--scope", "location[orders.read,catalog.read,customer_list.read]",
                         "--redirect-uri", app.redirect_uri, "--install-url", app.install_url, "--json")
        app.secret = json.loads(out)["client_secret"]
        daemon.cli("catalog", "add", "--id", "carte-napoli", "--account", "3r4s3", "--name", "Carte Napoli")
        daemon.cli("catalog", "add", "--id", "carte-nation", "--account", "3r4s3", "--location", "3r4s3-2", "--name", "Carte Nation")
        daemon.cli("catalog", "add", "--id", "carte-bastille", "--account", "3r4s3", "--location", "3r4s3-1", "--name", "Carte Bastille")
        daemon.cli("customer-list", "add", "--id", "clients-napoli", "--account", "3r4s3", "--name", "Clients Napoli")
        listed = daemon.cli("catalog", "list", "--account", "3r4s3", "--location", "3r4s3-2")
        assert "carte-nation" in listed and "carte-bastille" not in listed, listed

        login(browser, daemon, "owner@example.com", PASSWORD)
        browser.get(daemon.base + "/apps?place=3r4s3-2")
        go(browser, browser.find_element(By.ID, "connect-tillapp"))
        # The app's install URL sent the owner straight on to the consent page.
        WebDriverWait(browser, 30).until(lambda b: "/oauth2/v1/authorize" in b.current_url)
        assert "location_id=3r4s3-2" in browser.current_url
        assert browser.find_element(By.CSS_SELECTOR, "input[name=place][value='3r4s3-2']").is_selected()
        catalogs = Select(browser.find_element(By.ID, "catalog-choice"))
        shown = [o.get_attribute("value") for o in catalogs.options if o.is_enabled()]
        assert "carte-nation" in shown and "carte-bastille" not in shown, shown
        shot(browser, "fr-consent")
        go(browser, browser.find_element(By.ID, "language-switch"))
        WebDriverWait(browser, 30).until(lambda b: "/oauth2/v1/authorize" in b.current_url)
        assert browser.find_element(By.ID, "approve").text == "Authorize"
        shot(browser, "en-consent")
        go(browser, browser.find_element(By.ID, "language-switch"))

        # The owner picks the location, the catalog and the customer list, and approves.
        browser.find_element(By.CSS_SELECTOR, "input[name=place][value='3r4s3-1']").click()
        catalogs = Select(browser.find_element(By.ID, "catalog-choice"))
        assert catalogs.first_selected_option.get_attribute("value") in ("carte-napoli", "carte-bastille")
        catalogs.select_by_value("carte-bastille")
        Select(browser.find_element(By.ID, "customer-list-choice")).select_by_value("clients-napoli")
        go(browser, browser.find_element(By.ID, "approve"))
        WebDriverWait(browser, 30).until(lambda b: b.current_url.startswith(app.redirect_uri))
        shown = browser.find_element(By.ID, "app-result").text
        assert shown == "connected: Napoli Bastille / Carte Bastille / Clients Napoli", shown

        assert len(app.results) == 1
        result = app.results[0]
        assert result["installed_with"] == {"location_id": "3r4s3-2"}
        grant = result["grant"]
        assert result["token_status"] == 200, grant
        assert grant["location_id"] == "3r4s3-1" and grant["catalog_id"] == "carte-bastille"
        assert grant["customer_list_id"] == "clients-napoli" and grant["account_name"] == "Pizzeria Napoli"
        # The app's call went through: the heavy catalog read, with its trusted headers.
        assert result["gateway_status"] == 200, result["gateway_body"]
        assert result["gateway_body"]["trusted"]["X-Junction-Location"] == "3r4s3-1"
        # Nowhere in what the owner saw is the token.
        assert grant["access_token"] not in browser.page_source
        status, c = daemon.json("GET", f"/v1/connections/{grant['connection_id']}?after=head")
        assert status == 200 and c["catalog_id"] == "carte-bastille" and c["customer_list_id"] == "clients-napoli", c

        # Reconnecter offers the location's catalogs, with the current one chosen.
        browser.get(daemon.base + f"/connections/{grant['connection_id']}/reconnect")
        reconnect = Select(browser.find_element(By.ID, "catalog-choice"))
        assert reconnect.first_selected_option.get_attribute("value") == "carte-bastille"
        assert sorted(o.get_attribute("value") for o in reconnect.options) == ["carte-bastille", "carte-napoli"]
        reconnect.select_by_value("carte-napoli")
        go(browser, browser.find_element(By.ID, "reconnect-submit"))
        status, c = daemon.json("GET", f"/v1/connections/{grant['connection_id']}?after=head")
        assert c["catalog_id"] == "carte-napoli", c
    finally:
        app.stop()
