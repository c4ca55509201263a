"""The tools that find a cause, in Chromium: the Erreurs tab and a click through to its
calls, the live tail (an entry journaled after the page opened appears within a second),
the export (its rows are the page's), the body search; screenshots in French and English."""
import csv
import datetime
import io
import json
import os
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD
from test_back_office import go, login, shot


def logged(daemon, cid, calls):
    """Logs `calls` (status, response body or None, url) on connection `cid`, a minute ago on."""
    now = datetime.datetime.now(datetime.timezone.utc)
    lines = []
    for i, (status, body, url) in enumerate(calls):
        line = {"connection_id": cid, "time": (now - datetime.timedelta(seconds=120 - i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "method": "POST", "url": url, "status": status, "duration_us": 30_000,
                "request_body": {"ticket": f"T-{500 + i}"}}
        if body is not None:
            line["response_body"] = body
        lines.append(json.dumps(line))
    status, answer = daemon.api("POST", "/v1/logs", "\n".join(lines), headers={"Content-Type": "application/x-ndjson"})
    assert status == 201, answer


def connection(daemon, device):
    status, c = daemon.json("POST", "/v1/connections", {"app_id": "ubereats", "account_id": "3r4s3",
                                                        "location_id": "3r4s3-2", "device_id": device})
    assert status in (200, 201), c
    return c["connection_id"]


def test_the_errors_tab_groups_failures_and_leads_to_their_calls(browser, daemon):
    cid = connection(daemon, "errors-tab")
    price = {"error_type": "unprocessable_entity", "message": "price must be positive"}
    logged(daemon, cid, [(201, {"id": "o1"}, "/location/orders"), (422, price, "/location/orders"),
                         (404, {"error_type": "not_found", "message": "no such order"}, "/location/orders/9"),
                         (422, price, "/location/orders"), (201, {"id": "o2"}, "/location/orders"),
                         (422, price, "/location/orders")])
    status, groups = daemon.json("GET", f"/v1/connections/{cid}/errors?after=head")
    assert status == 200 and len(groups["groups"]) == 2, groups

    login(browser, daemon, "owner@example.com", PASSWORD)
    browser.get(daemon.base + f"/connections/{cid}/logs")
    go(browser, browser.find_element(By.ID, "tab-errors"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Erreurs"
    rows = browser.find_elements(By.CSS_SELECTOR, "#error-groups tr.error-group")
    assert [r.find_element(By.CLASS_NAME, "count").text for r in rows] == ["3", "1"]
    assert rows[0].find_element(By.CLASS_NAME, "error-text").text == "unprocessable_entity"
    assert rows[0].find_element(By.CLASS_NAME, "status-code").text == "422"
    shot(browser, "fr-errors")
    go(browser, rows[0].find_element(By.CLASS_NAME, "view-calls"))
    assert "unprocessable_entity" in browser.find_element(By.ID, "error-group-filter").text
    shown = [r.get_attribute("data-seq") for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    status, page = daemon.json("GET", f"/v1/connections/{cid}/logs?after=head&error={groups['groups'][0]['id']}")
    assert shown == [str(e["seq"]) for e in page["entries"]] and len(shown) == 3, (shown, page)
    assert all(r.find_element(By.CLASS_NAME, "status-code").text == "422" for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry"))
    go(browser, browser.find_element(By.ID, "clear-error-group"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")) == 6

    # In English.
    browser.get(daemon.base + f"/connections/{cid}/errors")
    go(browser, browser.find_element(By.ID, "language-switch"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Errors"
    assert browser.find_element(By.CSS_SELECTOR, "#error-groups tr.error-group .view-calls").text == "View the calls"
    shot(browser, "en-errors")
    go(browser, browser.find_element(By.ID, "language-switch"))


def test_an_entry_journaled_after_the_page_opened_appears_within_a_second(browser, daemon):
    cid = connection(daemon, "live-tail")
    logged(daemon, cid, [(200, {"ok": True}, "/location/orders?page=1")])
    login(browser, daemon, "owner@example.com", PASSWORD)
    browser.get(daemon.base + f"/connections/{cid}/logs")
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "live-tail").is_displayed())
    assert len(browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")) == 1
    time.sleep(0.5)  # the stream is open
    for n in (2, 3):
        sent = time.monotonic()
        logged(daemon, cid, [(503, {"error_type": "internal_error"}, f"/location/orders?page={n}")])
        WebDriverWait(browser, 1, poll_frequency=0.02).until(
            lambda b: len(b.find_elements(By.CSS_SELECTOR, "#logs tr.entry")) == n)
        assert time.monotonic() - sent < 1.0
    top = browser.find_element(By.CSS_SELECTOR, "#logs tr.entry")
    assert "page=3" in top.find_element(By.CLASS_NAME, "url").text and top.find_element(By.CLASS_NAME, "status-code").text == "503"
    # Paused: nothing comes; resumed: what came meanwhile, once.
    browser.find_element(By.ID, "live-tail").click()
    logged(daemon, cid, [(200, {"ok": True}, "/location/orders?page=4")])
    time.sleep(1.0)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")) == 3
    browser.find_element(By.ID, "live-tail").click()
    WebDriverWait(browser, 5, poll_frequency=0.05).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#logs tr.entry")) == 4)
    time.sleep(0.5)
    seqs = [r.get_attribute("data-seq") for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    assert len(seqs) == len(set(seqs)) == 4, seqs
    # The header states this winter's offset; a live row from before the clocks went back
    # (Paris, 25 October 2026) shows its own, and the winter rows do not.
    assert "UTC+01:00" in browser.find_element(By.CSS_SELECTOR, "#logs thead").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry small.offset")
    summer = json.dumps({"connection_id": cid, "time": "2026-10-20T10:00:00Z", "method": "GET",
                         "url": "/location/orders?page=summer", "status": 200})
    status, answer = daemon.api("POST", "/v1/logs", summer, headers={"Content-Type": "application/x-ndjson"})
    assert status == 201, answer
    WebDriverWait(browser, 2, poll_frequency=0.05).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#logs tr.entry")) == 5)
    top = browser.find_element(By.CSS_SELECTOR, "#logs tr.entry")
    assert top.find_element(By.CLASS_NAME, "url").text == "/location/orders?page=summer"
    assert top.find_element(By.CSS_SELECTOR, "small.offset").text == "UTC+02:00"
    assert top.find_element(By.CLASS_NAME, "open-entry").text == "2026-10-20 12:00:00"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry small.offset")) == 1
    # A filtered page follows its filter only.
    browser.get(daemon.base + f"/connections/{cid}/logs?status=5xx")
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "live-tail").is_displayed())
    assert len(browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")) == 2
    time.sleep(0.5)
    logged(daemon, cid, [(200, {"ok": True}, "/location/orders?page=5"), (500, {"error_type": "internal_error"}, "/location/orders?page=6")])
    WebDriverWait(browser, 2, poll_frequency=0.05).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#logs tr.entry")) == 3)
    time.sleep(0.3)
    urls = [r.find_element(By.CLASS_NAME, "url").text for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    assert urls == ["/location/orders?page=6", "/location/orders?page=3", "/location/orders?page=2"], urls


def test_the_export_downloads_the_pages_rows_and_the_search_reads_the_bodies(browser, daemon):
    cid = connection(daemon, "export")
    logged(daemon, cid, [(201 if i % 3 else 422, {"id": f"o{i}", "note": "a, \"quoted\" note"} if i % 3 else {"code": "E_PRICE"},
                          f"/location/orders/{i}") for i in range(30)])
    login(browser, daemon, "owner@example.com", PASSWORD)
    browser.get(daemon.base + f"/connections/{cid}/logs?status=2xx")
    page_seqs = [r.get_attribute("data-seq") for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    page_urls = [r.find_element(By.CLASS_NAME, "url").text for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    assert len(page_seqs) == 20
    browser.find_element(By.ID, "export-csv-bodies").click()
    path = os.path.join(browser.downloads, f"{cid}-logs.csv")
    deadline = time.time() + 15
    while not os.path.exists(path) and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert [r["seq"] for r in rows] == page_seqs and [r["url"] for r in rows] == page_urls
    assert json.loads(rows[0]["response_body"])["note"] == "a, \"quoted\" note"
    assert json.loads(rows[0]["request_body"])["ticket"].startswith("T-")

    # The ticket number a restaurant reads, searched in the bodies.
    browser.get(daemon.base + f"/connections/{cid}/logs")
    browser.find_element(By.ID, "edit-filter").click()
    browser.find_element(By.ID, "search").send_keys("T-507")
    go(browser, browser.find_element(By.ID, "apply-filter"))
    urls = [r.find_element(By.CLASS_NAME, "url").text for r in browser.find_elements(By.CSS_SELECTOR, "#logs tr.entry")]
    assert urls == ["/location/orders/7"], urls
    assert "30 entrées lues" in browser.find_element(By.ID, "searched-note").text
