"""The seed page's walk-through in a real browser: log in, pick a location, connect an
app, read its activity and logs, download a body, block, unblock, disconnect; and what
must be refused (another account's pages, a form without its token, a wrong password).
Screenshots of the main pages are written to docs/screenshots/ in French and English."""
import datetime
import http.client
import json
import os
import re
import random
import time
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import OTHER_PASSWORD, PASSWORD, ROOT, page_left

SHOTS = os.path.join(ROOT, "docs", "screenshots")
SEED = int(os.environ.get("JUNCTION_TEST_SEED", random.randrange(1 << 30)))


@pytest.fixture(autouse=True)
def print_seed():
    # pytest shows a failed test's output: the seed that replays it.
    print(f"JUNCTION_TEST_SEED={SEED}")


def login(browser, daemon, email, password):
    browser.delete_all_cookies()
    browser.get(daemon.base + "/login")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    form = browser.find_element(By.ID, "login-form")
    browser.find_element(By.ID, "login-submit").click()
    # The answer takes a bcrypt check (and a delay after a failure): wait for the next page.
    WebDriverWait(browser, 30).until(page_left(form))


def go(browser, element):
    """Clicks something that leads to another page, and waits until that page is there."""
    element.click()
    WebDriverWait(browser, 30).until(page_left(element))


def shot(browser, name):
    os.makedirs(SHOTS, exist_ok=True)
    browser.save_screenshot(os.path.join(SHOTS, name + ".png"))


def token_check(daemon, token):
    return daemon.json("GET", "/v1/token", headers={"X-Access-Token": token})


def seed_traffic(daemon, connection, rng):
    """Requests over the last days, several resources, methods and statuses."""
    now = datetime.datetime.now(datetime.timezone.utc)
    shapes = [
        ("GET", "/v1/locations/3r4s3-1/orders?page={n}", 200),
        ("POST", "/v1/locations/3r4s3-1/orders", 201),
        ("GET", "/v1/catalogs/cat1/products/{n}", 200),
        ("PUT", "/v1/catalogs/cat1/products/{n}", 422),
        ("POST", "/v1/customer_lists/cl1/customers", 500),
        ("GET", "/v1/customer_lists/cl1/customers/{n}", 404),
    ]
    lines = []
    for i in range(120):
        method, url, status = rng.choice(shapes)
        when = now - datetime.timedelta(days=rng.randrange(0, 20), minutes=rng.randrange(0, 600))
        lines.append(json.dumps({
            "connection_id": connection, "method": method, "url": url.format(n=i), "status": status,
            "duration_us": rng.randrange(100, 90000), "request_id": f"req-{i}",
            "request_headers": {"Accept": "application/json"},
            "request_body": {"id": 12345678901234567890123, "n": i} if method != "GET" else None,
            "response_headers": [["Content-Type", "application/json"]],
            "response_body": {"ok": status < 400, "total": 1e2, "i": i},
            "time": when.strftime("%Y-%m-%dT%H:%M:%SZ")}))
    status, answer = daemon.json("POST", "/v1/logs", "\n".join(lines) + "\n", headers={"Content-Type": "application/x-ndjson"})
    assert status == 201, answer
    # Reads are eventually consistent: the pages are read once the projections hold it all.
    status, _ = daemon.json("GET", f"/v1/connections/{connection}/logs?limit=1&after=head")
    assert status == 200
    return answer


def test_wrong_password_does_not_log_in(browser, daemon):
    login(browser, daemon, "owner@example.com", "not the password at all")
    assert "/login" in browser.current_url
    assert browser.find_element(By.ID, "login-error").text
    assert not browser.find_elements(By.ID, "user-email")
    status, _ = daemon.api("GET", "/v1/status")
    assert status == 200


def test_the_seed_walkthrough(browser, daemon):
    rng = random.Random(SEED)
    login(browser, daemon, "owner@example.com", PASSWORD)
    assert browser.current_url.endswith("/connections")
    assert browser.find_element(By.ID, "user-email").text == "owner@example.com"
    assert browser.find_element(By.ID, "nav-connections").text == "CONNEXIONS"

    # Voir les apps disponibles: at "Tous les points de vente" a location-level app is greyed.
    go(browser, browser.find_element(By.ID, "see-apps"))
    assert Select(browser.find_element(By.ID, "place-select")).first_selected_option.text == "Tous les points de vente"
    uber = browser.find_element(By.ID, "connect-ubereats")
    assert uber.tag_name == "button" and not uber.is_enabled()
    assert "point de vente" in browser.find_element(By.ID, "reason-ubereats").text
    assert browser.find_element(By.ID, "connect-mailchimp").tag_name == "a"
    # One location: now Uber Eats connects and Mailchimp (account level) is greyed.
    Select(browser.find_element(By.ID, "place-select")).select_by_value("3r4s3-1")
    WebDriverWait(browser, 30).until(lambda b: "place=3r4s3-1" in b.current_url)
    assert not browser.find_element(By.ID, "connect-mailchimp").is_enabled()
    go(browser, browser.find_element(By.ID, "connect-ubereats"))
    scope = browser.find_element(By.ID, "grant-scope").text
    assert "orders.write" in scope and "catalog.read" in scope
    browser.find_element(By.ID, "catalog").send_keys("cat1")
    go(browser, browser.find_element(By.ID, "grant-submit"))
    token = browser.find_element(By.ID, "access-token").text
    assert len(token) == 43
    status, owner = token_check(daemon, token)
    assert status == 200, owner
    connection = owner["connection_id"]
    # The token is shown once: the connection's pages show it masked.
    seed_traffic(daemon, connection, rng)

    # Connexions at the location: the new row, with its requests counted.
    browser.get(daemon.base + "/connections?place=3r4s3-1")
    assert browser.find_elements(By.ID, f"connection-{connection}"), (
        daemon.json("GET", "/v1/connections?location=3r4s3-1&after=head"), daemon.json("GET", f"/v1/connections/{connection}"))
    row = browser.find_element(By.ID, f"connection-{connection}")
    assert row.get_attribute("data-status") == "active"
    assert row.find_element(By.CLASS_NAME, "requests").text == "120"
    shot(browser, "fr-connections")
    # Ouvrir: the app's open URL, for this connection's instance.
    opener = row.find_element(By.CLASS_NAME, "action-open")
    assert opener.get_attribute("href") == f"https://merchants.ubereats.example/?app_instance_id={connection}"

    # Afficher l'activité: as many bars as the API's series, with the same counts.
    row.find_element(By.CLASS_NAME, "actions-button").click()
    go(browser, row.find_element(By.CLASS_NAME, "action-activity"))
    status, activity = daemon.json("GET", f"/v1/connections/{connection}/activity")
    assert status == 200
    bars = browser.find_elements(By.CSS_SELECTOR, "#activity-chart g.day")
    assert len(bars) == len(activity["days"])
    assert [int(b.get_attribute("data-total")) for b in bars] == [d["total"] for d in activity["days"]]
    assert [b.get_attribute("data-date") for b in bars] == [d["date"] for d in activity["days"]]
    assert int(browser.find_element(By.ID, "activity-total").text) == activity["total"]
    shot(browser, "fr-activity")

    # Voir les logs, filtered by two resources and two methods: exactly the API's page.
    go(browser, browser.find_element(By.ID, "tab-logs"))
    # The zone by name, and its one offset (the sample spans no daylight-saving change).
    assert re.fullmatch(r"HEURE \([A-Za-z_]+/[A-Za-z_]+, UTC[+-]\d\d:\d\d\)", browser.find_element(By.CSS_SELECTOR, "#logs thead th").text)
    masked = browser.find_element(By.ID, "masked-token").text
    assert token not in masked and masked.endswith(token[-4:])
    status, known = daemon.json("GET", f"/v1/connections/{connection}/logs?limit=200")
    resources = sorted({e["resource"] for e in known["entries"]})[:2]
    methods = ["GET", "POST"]
    browser.find_element(By.ID, "edit-filter").click()
    form = browser.find_element(By.ID, "filter-form")
    for r in resources:
        form.find_element(By.CSS_SELECTOR, f"input[name=resource][value='{r}']").click()
    for m in methods:
        form.find_element(By.CSS_SELECTOR, f"input[name=method][value='{m}']").click()
    go(browser, browser.find_element(By.ID, "apply-filter"))
    query = "&".join([f"resource={r}" for r in resources] + [f"method={m}" for m in methods])
    status, filtered = daemon.json("GET", f"/v1/connections/{connection}/logs?{query}")
    assert status == 200
    shown = [int(r.get_attribute("data-seq")) for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    assert shown == [e["seq"] for e in filtered["entries"]], f"seed {SEED}"
    assert shown, f"the filtered page is empty (seed {SEED})"
    shot(browser, "fr-logs")
    # Réinitialiser: everything, newest first, as the API's first page.
    go(browser, browser.find_element(By.ID, "reset-filter"))
    status, everything = daemon.json("GET", f"/v1/connections/{connection}/logs")
    shown = [int(r.get_attribute("data-seq")) for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    assert shown == [e["seq"] for e in everything["entries"]]
    # The next page by cursor.
    go(browser, browser.find_element(By.ID, "next-page"))
    status, second = daemon.json("GET", f"/v1/connections/{connection}/logs?cursor={urllib.parse.quote(everything['next_cursor'])}")
    shown = [int(r.get_attribute("data-seq")) for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    assert shown == [e["seq"] for e in second["entries"]]

    # Open an entry with bodies; download its response: the same bytes as the API's.
    browser.get(daemon.base + f"/connections/{connection}/logs")
    entry = next(e for e in everything["entries"] if e["method"] != "GET")
    go(browser, browser.find_element(By.CSS_SELECTOR, f"#logs tr.entry[data-seq='{entry['seq']}'] a.open-entry"))
    assert browser.find_element(By.ID, "entry-url").text == entry["url"]
    assert "12345678901234567890123" in browser.find_element(By.ID, "request-body").text
    shot(browser, "fr-log-detail")
    browser.find_element(By.ID, "download-response").click()
    name = f"{connection}-{entry['seq']}-response.json"
    path = os.path.join(browser.downloads, name)
    deadline = time.time() + 15
    while not os.path.exists(path) and time.time() < deadline:
        time.sleep(0.1)
    status, api_bytes = daemon.api("GET", f"/v1/connections/{connection}/logs/{entry['seq']}/response")
    assert status == 200
    with open(path, "rb") as f:
        assert f.read() == api_bytes

    # Bloquer → Confirmer: the token check answers 401 "blocked" at once.
    browser.get(daemon.base + "/connections?place=3r4s3-1")
    row = browser.find_element(By.ID, f"connection-{connection}")
    row.find_element(By.CLASS_NAME, "actions-button").click()
    go(browser, row.find_element(By.CLASS_NAME, "action-block"))
    assert browser.find_element(By.ID, "confirm").text == "Confirmer"
    go(browser, browser.find_element(By.ID, "confirm"))
    status, refusal = token_check(daemon, token)
    assert status == 401 and refusal["message"] == "The connection has been blocked"
    status, c = daemon.json("GET", f"/v1/connections/{connection}")
    assert c["status"] == "blocked" and c["status_changed_by"] == "owner@example.com"
    # Débloquer.
    row = browser.find_element(By.ID, f"connection-{connection}")
    assert row.get_attribute("data-status") == "blocked"
    row.find_element(By.CLASS_NAME, "actions-button").click()
    go(browser, row.find_element(By.CLASS_NAME, "action-unblock"))
    status, _ = token_check(daemon, token)
    assert status == 200

    # The English pages, for the screenshots.
    go(browser, browser.find_element(By.ID, "language-switch"))
    assert browser.find_element(By.ID, "nav-connections").text == "CONNECTIONS"
    shot(browser, "en-connections")
    browser.get(daemon.base + f"/connections/{connection}/activity")
    shot(browser, "en-activity")
    browser.get(daemon.base + f"/connections/{connection}/logs?{query}")
    assert re.fullmatch(r"TIME \([A-Za-z_]+/[A-Za-z_]+, UTC[+-]\d\d:\d\d\)", browser.find_element(By.CSS_SELECTOR, "#logs thead th").text)
    shot(browser, "en-logs")
    browser.get(daemon.base + f"/connections/{connection}/logs/{entry['seq']}")
    shot(browser, "en-log-detail")
    go(browser, browser.find_element(By.ID, "language-switch"))

    # Déconnecter → Confirmer: 401 "revoked", and the row leaves the default list.
    browser.get(daemon.base + "/connections?place=3r4s3-1")
    row = browser.find_element(By.ID, f"connection-{connection}")
    row.find_element(By.CLASS_NAME, "actions-button").click()
    go(browser, row.find_element(By.CLASS_NAME, "action-disconnect"))
    assert "bloquer plutôt que de la déconnecter" in browser.find_element(By.ID, "advice").text
    go(browser, browser.find_element(By.ID, "confirm"))
    status, refusal = token_check(daemon, token)
    assert status == 401 and "revoked" in refusal["message"]
    assert not browser.find_elements(By.ID, f"connection-{connection}")
    go(browser, browser.find_element(By.ID, "toggle-disconnected"))
    assert browser.find_element(By.ID, f"connection-{connection}").get_attribute("data-status") == "disconnected"

    test_the_walkthrough.connection = connection


def session_cookie(browser):
    return next(c["value"] for c in browser.get_cookies() if c["name"] == "junction_session")


def test_another_account_sees_nothing_of_the_first(browser, daemon):
    connection = getattr(test_the_walkthrough, "connection", None)
    assert connection, "runs after the walk-through"
    login(browser, daemon, "other@example.com", OTHER_PASSWORD)
    assert browser.find_element(By.ID, "user-email").text == "other@example.com"
    for page in ["", "/activity", "/logs", "/callbacks", "/confirm?action=block", "/errors", "/check",
                 "/logs/export?format=csv&bodies=1", "/logs/export?format=ndjson", "/logs/stream", "/logs/stream?last_event_id=1",
                 "/logs/./export?format=csv", "/logs/%65xport?format=csv", "/logs?text=T-", "/logs?status=4xx&error=b3JkZXJzAAIBlg"]:
        conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
        conn.request("GET", f"/connections/{connection}{page}", headers={"Cookie": f"junction_session={session_cookie(browser)}"})
        r = conn.getresponse()
        body = r.read().decode()
        assert r.status == 404, (page, r.status)
        # Nothing of the connection: not its app, its scope or its token's end (its id is in
        # the address asked for, which the language link repeats).
        assert "Uber Eats" not in body, (page, body)
        assert "orders.write" not in body
    browser.get(daemon.base + "/connections?place=3r4s3-1&disconnected=1")
    assert not browser.find_elements(By.ID, f"connection-{connection}")
    # Without a session, the export and the tail lead to the login page, never to the data.
    for page in ["/logs/export?format=csv", "/logs/stream", "/errors"]:
        conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
        conn.request("GET", f"/connections/{connection}{page}")
        r = conn.getresponse()
        body = r.read().decode()
        assert r.status in (302, 303) and "/login" in (r.getheader("Location") or ""), (page, r.status)
        assert "orders" not in body


def test_a_form_without_its_token_is_refused_and_changes_nothing(browser, daemon):
    login(browser, daemon, "owner@example.com", PASSWORD)
    status, created = daemon.json("POST", "/v1/connections", {"app_id": "pos", "account_id": "3r4s3", "location_id": "3r4s3-2"})
    assert status in (200, 201), created
    connection = created["connection_id"]
    head_before = daemon.json("GET", "/v1/status")[1]["journal"]["head"]
    for body in ["", "csrf=wrong-token"]:
        conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
        conn.request("POST", f"/connections/{connection}/block", body=body, headers={
            "Cookie": f"junction_session={session_cookie(browser)}", "Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        r.read()
        assert r.status == 403
    status, c = daemon.json("GET", f"/v1/connections/{connection}")
    assert c["status"] == "active"
    assert daemon.json("GET", "/v1/status")[1]["journal"]["head"] == head_before


test_the_walkthrough = test_the_seed_walkthrough
