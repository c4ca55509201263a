"""The apps' side, end to end: an app is granted through the browser (OAuth 2.0
authorization code), exchanges its code, and calls the API through the gateway; each call
reaches the upstream with the trusted headers and is in the logs with the upstream's
status and redacted bodies."""
import http.client
import http.server
import json
import threading
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD, page_left
from test_back_office import login


def post_form(daemon, path, fields, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    conn.request("POST", path, body=urllib.parse.urlencode(fields), headers=h)
    r = conn.getresponse()
    body = r.read()
    return r.status, json.loads(body) if body else None


def call(daemon, method, path, token=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", daemon.gateway_port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Access-Token"] = token
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, json.loads(data) if data else None


def authorize(browser, daemon, state, device=None, redirect=None):
    query = {"response_type": "code", "client_id": "deliveroo", "redirect_uri": redirect or daemon.redirect_uri,
             "scope": "location[orders.write,catalog.read]", "state": state}
    if device:
        query["device_id"] = device
    browser.get(daemon.base + "/oauth2/v1/authorize?" + urllib.parse.urlencode(query))


def test_granted_in_the_browser_then_calls_through_the_gateway(browser, daemon):
    login(browser, daemon, "owner@example.com", PASSWORD)
    authorize(browser, daemon, "s-123", device="tablet-1")
    # The account level does not fit a location app: greyed, with the reason.
    everything = browser.find_element(By.CSS_SELECTOR, "input[name=place][value=all]")
    assert not everything.is_enabled()
    browser.find_element(By.CSS_SELECTOR, "input[name=place][value='3r4s3-2']").click()
    approve = browser.find_element(By.ID, "approve")
    approve.click()
    WebDriverWait(browser, 30).until(page_left(approve))
    back = urllib.parse.urlparse(browser.current_url)
    assert back.path == "/oauth/callback"
    answer = urllib.parse.parse_qs(back.query)
    assert answer["state"] == ["s-123"]
    code = answer["code"][0]

    # Exchanging: a wrong secret, then the right one, then the same code again.
    status, wrong = post_form(daemon, "/oauth2/v1/token", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": daemon.redirect_uri,
        "client_id": "deliveroo", "client_secret": "0" * 64})
    assert status == 401 and wrong["error"] == "invalid_client"
    fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": daemon.redirect_uri,
              "client_id": "deliveroo", "client_secret": daemon.client_secret}
    status, grant = post_form(daemon, "/oauth2/v1/token", fields)
    assert status == 200, grant
    token, connection = grant["access_token"], grant["connection_id"]
    assert grant["location_id"] == "3r4s3-2" and grant["scope"] == "location[orders.write,catalog.read]"
    status, again = post_form(daemon, "/oauth2/v1/token", fields)
    assert status == 400 and again["error"] == "invalid_grant"
    # Reads are eventually consistent: after=head waits for the grant's connection.
    status, c = daemon.json("GET", f"/v1/connections/{connection}?after=head")
    assert status == 200, c
    assert c["device_id"] == "tablet-1" and c["app"]["id"] == "deliveroo"

    # Calls through the gateway reach the upstream with the trusted headers, not the token.
    status, read = call(daemon, "GET", "/v1/locations/3r4s3-2/orders?access_token=" + token, token)
    assert status == 200, read
    assert read["trusted"]["X-Junction-Connection"] == connection
    assert read["trusted"]["X-Junction-Location"] == "3r4s3-2"
    assert read["trusted"]["X-Junction-Scope"] == "location[orders.write,catalog.read]"
    assert not read["token_seen"]
    status, created = call(daemon, "POST", "/v1/locations/3r4s3-2/orders", token, json.dumps({"total": 25.5, "items": [1, 2]}))
    assert status == 201, created
    status, refused = call(daemon, "GET", "/v1/locations/3r4s3-1/orders", token)
    assert status == 403 and refused["error_type"] == "forbidden"

    # The logs projection has each call with the upstream's status; no token anywhere.
    status, page = daemon.json("GET", f"/v1/connections/{connection}/logs?after=head")
    assert [e["status"] for e in page["entries"]] == [403, 201, 200]
    assert [e["resource"] for e in page["entries"]] == ["orders", "orders", "orders"]
    for entry in page["entries"]:
        status, detail = daemon.api("GET", f"/v1/connections/{connection}/logs/{entry['seq']}")
        assert token.encode() not in detail, detail
    status, detail = daemon.json("GET", f"/v1/connections/{connection}/logs/{page['entries'][1]['seq']}")
    assert detail["request"]["body"] == {"total": 25.5, "items": [1, 2]}
    assert detail["response"]["body"]["method"] == "POST"
    assert detail["response"]["status"] == 201

    # And the owner sees them in the page.
    browser.get(daemon.base + f"/connections/{connection}/logs")
    shown = [int(r.get_attribute("data-seq")) for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    assert shown == [e["seq"] for e in page["entries"]]


def test_denied_or_misdirected_grants_follow_the_rfc(browser, daemon):
    login(browser, daemon, "owner@example.com", PASSWORD)
    authorize(browser, daemon, "s-deny")
    deny = browser.find_element(By.ID, "deny")
    deny.click()
    WebDriverWait(browser, 30).until(page_left(deny))
    answer = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    assert answer["error"] == ["access_denied"] and answer["state"] == ["s-deny"] and "code" not in answer
    # A redirect URI the app did not register: said on the page, never redirected to.
    authorize(browser, daemon, "s-evil", redirect="http://evil.example/steal")
    assert browser.current_url.startswith(daemon.base)
    assert "redirect_uri" in browser.find_element(By.ID, "error-message").text
    # An unknown code, and a grant type the hub does not use.
    status, answer = post_form(daemon, "/oauth2/v1/token", {
        "grant_type": "authorization_code", "code": "nope", "redirect_uri": daemon.redirect_uri,
        "client_id": "deliveroo", "client_secret": daemon.client_secret})
    assert status == 400 and answer["error"] == "invalid_grant"
    status, answer = post_form(daemon, "/oauth2/v1/token", {"grant_type": "password", "client_id": "deliveroo"})
    assert status == 400 and answer["error"] == "unsupported_grant_type"


class PageServer:
    """A page of another origin (another port on loopback): its script calls the gateway
    with an app's token, which makes Chromium send a preflight first."""

    def __init__(self, gateway, token):
        page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>app</title></head><body>
<pre id="result">waiting</pre>
<script>
fetch({json.dumps(gateway + "/v1/locations/3r4s3-1/orders")}, {{headers: {{"X-Access-Token": {json.dumps(token)}}}}})
  .then(r => r.json().then(body => {{
    document.getElementById("result").textContent = JSON.stringify({{status: r.status,
      remaining: r.headers.get("X-RateLimit-Remaining"), trusted: body.trusted}});
  }}))
  .catch(e => {{ document.getElementById("result").textContent = "failed: " + e; }});
</script></body></html>""".encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


def test_a_page_of_another_origin_calls_the_gateway(browser, daemon):
    status, connected = daemon.json("POST", "/v1/connections", {"app_id": "ubereats", "account_id": "3r4s3", "location_id": "3r4s3-1", "device_id": "page-of-another-origin"})
    assert status in (200, 201), connected
    token = connected["access_token"]
    status, before = daemon.json("GET", f"/v1/connections/{connected['connection_id']}/logs?after=head")
    assert status == 200, before
    page = PageServer(daemon.gateway, token)
    try:
        browser.get(page.url)
        WebDriverWait(browser, 30).until(lambda b: b.find_element(By.ID, "result").text != "waiting")
        text = browser.find_element(By.ID, "result").text
        assert not text.startswith("failed"), text
        result = json.loads(text)
        # The preflight passed (no token, not counted), the call followed and could be read.
        assert result["status"] == 200, result
        assert result["trusted"]["X-Junction-Location"] == "3r4s3-1"
        assert result["remaining"] is not None, "the rate-limit headers are not exposed to the page"
    finally:
        page.stop()
    status, after = daemon.json("GET", f"/v1/connections/{connected['connection_id']}/logs?after=head")
    assert len(after["entries"]) == len(before["entries"]) + 1, "the preflight was logged, or the call was not"
    assert after["entries"][0]["method"] == "GET"
