"""The Callback tab: an app's callback for the hub's events, set through the gateway; the
hub publishes orders; the notifier delivers them to a receiver on loopback (500 then 200;
one order it never acknowledges, which is dropped after the last try). The owner sees the
callback, the waiting count on the Connections page, every attempt (downloadable) and the
dropped event, and sends it again with Renvoyer. Screenshots in French and English."""
import http.client
import http.server
import json
import threading
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD
from test_back_office import go, login, shot


class Receiver:
    """An app's callback endpoint: 500 for the first request, then 200; 503 for order
    `o-refused` until `accept_all` is set."""

    def __init__(self):
        self.requests = []
        self.accept_all = False
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                event = json.loads(body)
                receiver.requests.append((dict(self.headers), event))
                if len(receiver.requests) == 1:
                    status = 500
                elif event.get("order_id") == "o-refused" and not receiver.accept_all:
                    status = 503
                else:
                    status = 200
                answer = json.dumps({"received": event["id"]}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def gateway(daemon, method, path, token, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", daemon.gateway_port, timeout=30)
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"X-Access-Token": token, "Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    return r.status, json.loads(data) if data else None


def publish(daemon, events):
    status, data = daemon.api("POST", "/v1/hub-events", "\n".join(json.dumps(e) for e in events),
                              headers={"Content-Type": "application/x-ndjson"})
    assert status == 201, data
    return json.loads(data)["ids"]


def wait_for(condition, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def order(order_id):
    return {"resource_type": "order", "event_type": "create", "location_id": "3r4s3-1", "order_id": order_id,
            "new_state": {"status": "new", "total": "18.40 EUR"}}


def test_the_callback_tab_shows_deliveries_and_resends_a_dropped_event(browser, daemon):
    receiver = Receiver()
    try:
        status, active = daemon.json("POST", "/v1/connections", {"app_id": "ubereats", "account_id": "3r4s3",
                                                                 "location_id": "3r4s3-1", "device_id": "callback-active"})
        assert status in (200, 201), active
        status, passive = daemon.json("POST", "/v1/connections", {"app_id": "ubereats", "account_id": "3r4s3",
                                                                  "location_id": "3r4s3-1", "device_id": "callback-passive"})
        status, answer = gateway(daemon, "POST", "/v1/callback", active["access_token"],
                                 {"url": receiver.url, "events": {"order": ["create", "update"]}})
        assert status == 200, answer
        status, answer = gateway(daemon, "POST", "/v1/callback", passive["access_token"], {"url": None, "events": {"order": ["create"]}})
        assert status == 200, answer
        ids = publish(daemon, [order("o-1001"), order("o-refused")])
        # o-1001: 500, then 200; o-refused: 503 three times, then dropped.
        assert wait_for(lambda: sum(1 for _, e in receiver.requests if e["order_id"] == "o-refused") >= 3)
        connection = active["connection_id"]
        # Both are over: one delivered, one dropped after its last try.
        assert wait_for(lambda: daemon.json("GET", f"/v1/connections/{connection}/callback?after=head")[1]["waiting_count"] == 0)

        login(browser, daemon, "owner@example.com", PASSWORD)
        # The passive connection's two events wait: the Connections page says so.
        browser.get(daemon.base + "/connections?place=3r4s3-1")
        badge = browser.find_element(By.CSS_SELECTOR, f"#connection-{passive['connection_id']} .waiting-events")
        assert badge.text == "2 en attente", badge.text

        browser.get(daemon.base + f"/connections/{connection}/callback")
        assert browser.find_element(By.ID, "callback-url").text == receiver.url
        assert "order.create" in browser.find_element(By.ID, "callback-events").text
        rows = browser.find_elements(By.CSS_SELECTOR, "#deliveries tbody tr")
        answers = [r.find_elements(By.TAG_NAME, "td")[3].text for r in rows]
        assert any(a.startswith("HTTP 500") for a in answers) and any(a.startswith("HTTP 200") for a in answers), answers
        assert sum(1 for a in answers if a.startswith("HTTP 503")) == 3, answers
        dropped = browser.find_element(By.CSS_SELECTOR, f"#dropped-events tr[data-event='{ids[1]}']")
        assert "3" in dropped.text
        shot(browser, "fr-callback")

        # A download of the first attempt: the event as sent and the answer.
        href = rows[-1].find_element(By.CLASS_NAME, "download-delivery").get_attribute("href")
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
        conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)
        conn.request("GET", href.replace(daemon.base, ""), headers={"Cookie": cookies})
        r = conn.getresponse()
        download = json.loads(r.read())
        assert r.status == 200 and "attachment" in r.getheader("Content-Disposition")
        assert download["request"]["body"]["id"] == ids[0] and download["response"]["status"] == 500, download

        # Renvoyer: the receiver accepts now; the event is delivered and leaves the dropped list.
        receiver.accept_all = True
        go(browser, dropped.find_element(By.CLASS_NAME, "resend-event"))
        assert wait_for(lambda: sum(1 for _, e in receiver.requests if e["order_id"] == "o-refused") >= 4)
        assert wait_for(lambda: not daemon.json("GET", f"/v1/connections/{connection}/callback?after=head")[1]["waiting"])
        browser.get(daemon.base + f"/connections/{connection}/callback")
        assert not browser.find_elements(By.ID, "dropped-events")
        go(browser, browser.find_element(By.ID, "language-switch"))
        assert browser.find_element(By.ID, "tab-callback").text == "Callback"
        shot(browser, "en-callback")
        go(browser, browser.find_element(By.ID, "language-switch"))
    finally:
        receiver.stop()
