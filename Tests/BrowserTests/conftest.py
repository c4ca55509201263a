"""A real daemon with its back office, and a real headless Chromium driven by Selenium.

The daemon is the built `junction` binary (JUNCTION_BIN, default .build/debug/junction),
on a fresh data directory; the browser is Debian's chromium through chromium-driver.
Nothing is downloaded."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JUNCTION = os.environ.get("JUNCTION_BIN", os.path.join(ROOT, ".build", "debug", "junction"))
PASSWORD = "correct horse battery"
OTHER_PASSWORD = "another long secret"


def page_left(element):
    """A wait condition: `element`'s page has been replaced. Selenium's staleness_of, but
    also taking Chromium's other answer about a node of a page being left, an inspector
    error "Node with given id does not belong to the document" (seen in a CI dry run)."""
    def left(_):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise
    return left


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


class Daemon:
    """`junction serve --web` on a fresh data directory, and its socket API."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="junction-browser-")
        self.data = os.path.join(self.dir, "data")
        self.socket = os.path.join(self.data, "junction.sock")
        self.port, self.gateway_port, self.upstream_port = free_ports(3)
        self.base = f"http://127.0.0.1:{self.port}"
        self.gateway = f"http://127.0.0.1:{self.gateway_port}"
        # The hub's API behind the gateway: tools/upstream.py, which says what reached it.
        self.upstream = subprocess.Popen(
            ["python3", os.path.join(ROOT, "tools", "upstream.py"), str(self.upstream_port)], stdout=subprocess.DEVNULL)
        subprocess.run([JUNCTION, "init", "--data", self.data], check=True, capture_output=True)
        self.log = open(os.path.join(self.dir, "daemon.log"), "w")
        self.process = subprocess.Popen(
            [JUNCTION, "serve", "--data", self.data, "--web", f"127.0.0.1:{self.port}",
             "--gateway", f"127.0.0.1:{self.gateway_port}", "--upstream", f"http://127.0.0.1:{self.upstream_port}",
             # The Callback tab's test delivers to a receiver on loopback, retrying quickly.
             "--allow-private-callbacks", "--callback-retry-base-ms", "200", "--callback-max-attempts", "3"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                if os.path.exists(self.socket):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the daemon did not start: " + open(self.log.name).read())

    def cli(self, *args, input=None):
        result = subprocess.run([JUNCTION, *args, "--socket", self.socket], input=input, capture_output=True, text=True)
        assert result.returncode == 0, f"junction {' '.join(args)}: {result.stderr}"
        return result.stdout

    def api(self, method, path, body=None, headers=None):
        conn = UnixHTTPConnection(self.socket)
        h = {"Host": "localhost", "Content-Type": "application/json"}
        h.update(headers or {})
        conn.request(method, path, body=json.dumps(body) if isinstance(body, (dict, list)) else body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, data

    def json(self, method, path, body=None, headers=None):
        status, data = self.api(method, path, body, headers)
        return status, json.loads(data) if data else None

    def stop(self):
        self.upstream.terminate()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def daemon():
    d = Daemon()
    # The seed: an account with two locations, apps at each level, an owner, and a second
    # account with its own owner who must never see the first one's data.
    d.cli("account", "add", "--id", "3r4s3", "--name", "Pizzeria Napoli", "--time-zone", "Europe/Paris")
    d.cli("location", "add", "--id", "3r4s3-1", "--account", "3r4s3", "--name", "Napoli Bastille", "--time-zone", "Europe/Paris")
    d.cli("location", "add", "--id", "3r4s3-2", "--account", "3r4s3", "--name", "Napoli Nation", "--time-zone", "Europe/Paris")
    d.cli("app", "add", "--id", "ubereats", "--name", "Uber Eats", "--level", "location",
          "--scope", "location[orders.write,catalog.read]", "--open-url", "https://merchants.ubereats.example/")
    d.cli("app", "add", "--id", "mailchimp", "--name", "Mailchimp", "--level", "account", "--scope", "account[customer_list.read]")
    d.cli("app", "add", "--id", "pos", "--name", "Caisse Pro", "--level", "location",
          "--scope", "location[orders.read,catalog.write,customer_list.write]")
    d.cli("user", "add", "--account", "3r4s3", "--email", "owner@example.com", input=PASSWORD + "\n")
    # An app that is granted through OAuth, its redirect URI on the upstream (which answers
    # anything, so the browser lands somewhere real).
    d.redirect_uri = f"http://127.0.0.1:{d.upstream_port}/oauth/callback"
    out = d.cli("app", "add", "--id", "deliveroo", "--name", "Deliveroo", "--level", "location",
                "--scope", "location[orders.write,catalog.read]", "--redirect-uri", d.redirect_uri, "--json")
    d.client_secret = json.loads(out)["client_secret"]
    d.cli("account", "add", "--id", "9x8y7", "--name", "Burger Barn", "--time-zone", "America/New_York")
    d.cli("user", "add", "--account", "9x8y7", "--email", "other@example.com", input=OTHER_PASSWORD + "\n")
    yield d
    d.stop()


@pytest.fixture(scope="session")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1360,900"]:
        options.add_argument(flag)
    downloads = tempfile.mkdtemp(prefix="junction-downloads-")
    options.add_experimental_option("prefs", {
        "download.default_directory": downloads, "download.prompt_for_download": False, "intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.downloads = downloads
    driver.implicitly_wait(2)
    yield driver
    driver.quit()
    shutil.rmtree(downloads, ignore_errors=True)
