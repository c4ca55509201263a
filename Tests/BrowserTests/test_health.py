"""Health badges on the Connections page: a connection whose last five calls failed is
"En échec", one whose calls succeed "Fonctionne" (docs/health.md)."""
import datetime
import json

from selenium.webdriver.common.by import By

from conftest import PASSWORD
from test_back_office import login


def test_the_connections_page_shows_each_connections_health(browser, daemon):
    ids = {}
    for device in ("health-failing", "health-ok"):
        status, c = daemon.json("POST", "/v1/connections", {"app_id": "ubereats", "account_id": "3r4s3",
                                                            "location_id": "3r4s3-2", "device_id": device})
        assert status in (200, 201), c
        ids[device] = c["connection_id"]
    now = datetime.datetime.now(datetime.timezone.utc)
    lines = []
    for i in range(6):
        time = (now - datetime.timedelta(seconds=60 - i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(json.dumps({"connection_id": ids["health-failing"], "time": time, "method": "GET",
                                 "url": f"/locations/3r4s3-2/orders?page={i}", "status": 503}))
        lines.append(json.dumps({"connection_id": ids["health-ok"], "time": time, "method": "GET",
                                 "url": f"/locations/3r4s3-2/orders?page={i}", "status": 200}))
    status, body = daemon.api("POST", "/v1/logs", "\n".join(lines), headers={"Content-Type": "application/x-ndjson"})
    assert status == 201, body
    for device, state in (("health-failing", "failing"), ("health-ok", "ok")):
        status, h = daemon.json("GET", f"/v1/connections/{ids[device]}/health?after=head")
        assert status == 200 and h["state"] == state, h

    login(browser, daemon, "owner@example.com", PASSWORD)
    browser.get(daemon.base + "/connections?place=3r4s3-2")
    failing = browser.find_element(By.CSS_SELECTOR, f"#connection-{ids['health-failing']} .health")
    assert failing.text == "En échec" and "health-failing" in failing.get_attribute("class")
    ok = browser.find_element(By.CSS_SELECTOR, f"#connection-{ids['health-ok']} .health")
    assert ok.text == "Fonctionne" and "health-ok" in ok.get_attribute("class")
