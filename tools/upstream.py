#!/usr/bin/env python3
"""A small stand-in for the hub's API behind the gateway (tools/run and the gateway tests).

Every call is answered with JSON saying what arrived: method, path, query, the target exactly
as the request line carried it, the headers the gateway added (X-Junction-*), and the body.
Like most servers and routers, it resolves the path before it serves it: percent-escapes
decoded, then dot segments removed as RFC 3986 section 5.2.4 says; "resolved" is that path
and "location" the location it names, the place this server would answer for. It also keeps a count of calls per connection,
which GET /_upstream/calls answers (that path is not the API's). Paths:
  /status/NNN/...   answer with status NNN
  /slow/MS/...      wait MS milliseconds before reading the call (and counting it)
  /_upstream/callback  an app's callback endpoint: answers 200, keeps what it was sent
                       (GET /_upstream/callbacks lists it)
  /_upstream/fail?connection=ID&status=NNN  from now on, answer every call of that connection
                       with NNN (status=0: answer as usual again) — a connection made to fail
  /_upstream/alert     the operators' alert webhook: answers 200, keeps the signature, the
                       delivery id and the body (GET /_upstream/alerts lists them)
With --hub-events SOCKET it publishes, as the hub's API does, an order.create event to the
daemon on SOCKET (POST /v1/hub-events) for each order POSTed to /v1/locations/ID/orders,
caused by the calling connection (which is not sent its own event).
Usage: upstream.py PORT [--hub-events SOCKET]"""
import json
import os
import socket as sockets
import http.client
import urllib.parse
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

calls = {}
callbacks = []
alerts = []
failing = {}
lock = threading.Lock()
hub_events_socket = None


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.unix_path = path

    def connect(self):
        self.sock = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
        self.sock.connect(self.unix_path)


def publish_order(location, connection, body, number):
    """The hub's API publishing the order it just created."""
    try:
        state = json.loads(body or b"{}")
    except ValueError:
        state = {"raw": body.decode("utf-8", "replace")}
    event = {"resource_type": "order", "event_type": "create", "location_id": location, "order_id": f"up{number}",
             "new_state": {"status": "new", **(state if isinstance(state, dict) else {"items": state})}}
    if connection:
        event["caused_by"] = connection
    try:
        conn = UnixConnection(hub_events_socket)
        conn.request("POST", "/v1/hub-events", body=json.dumps(event) + "\n",
                     headers={"Host": "localhost", "Content-Type": "application/x-ndjson"})
        answer = conn.getresponse()
        answer.read()
        if answer.status != 201:
            print(f"hub event refused: {answer.status}", flush=True)
    except OSError as e:
        print(f"hub event not published: {e}", flush=True)


def remove_dot_segments(path):
    """RFC 3986, section 5.2.4."""
    output = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if output:
                output.pop()
        elif path == "/..":
            path = "/"
            if output:
                output.pop()
        elif path in (".", ".."):
            path = ""
        else:
            start = 1 if path.startswith("/") else 0
            end = path.find("/", start)
            end = len(path) if end < 0 else end
            output.append(path[:end])
            path = path[end:]
    return "".join(output)


def resolved(target):
    path = target.split("#", 1)[0].split("?", 1)[0]
    return remove_dot_segments(urllib.parse.unquote(path).replace("\\", "/"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self):
        path, _, query = self.path.partition("?")
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[0] == "slow" and parts[1].isdigit():
            # Before reading the call: it counts as received only once the wait is over.
            time.sleep(int(parts[1]) / 1000)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if path == "/_upstream/calls":
            with lock:
                data = json.dumps(calls).encode()
            return self.send(200, data)
        if path == "/_upstream/callback":
            with lock:
                callbacks.append({"signature": self.headers.get("X-HubRise-Hmac-SHA256"), "body": body.decode("utf-8", "replace")})
            return self.send(200, b"{}")
        if path == "/_upstream/callbacks":
            with lock:
                data = json.dumps(callbacks).encode()
            return self.send(200, data)
        if path == "/_upstream/fail":
            q = urllib.parse.parse_qs(query)
            target, code = q.get("connection", [""])[0], int(q.get("status", ["500"])[0])
            with lock:
                if code:
                    failing[target] = code
                else:
                    failing.pop(target, None)
            return self.send(200, json.dumps({"connection": target, "status": code}).encode())
        if path == "/_upstream/alert":
            with lock:
                alerts.append({"signature": self.headers.get("X-Junction-Signature"),
                               "delivery": self.headers.get("X-Junction-Delivery"), "body": body.decode("utf-8", "replace")})
            return self.send(200, b"{}")
        if path == "/_upstream/alerts":
            with lock:
                data = json.dumps(alerts).encode()
            return self.send(200, data)
        connection = self.headers.get("X-Junction-Connection", "")
        with lock:
            calls[connection] = calls.get(connection, 0) + 1
            forced = failing.get(connection)
        status = 200 if self.command == "GET" else 201
        if len(parts) >= 2 and parts[0] == "status" and parts[1].isdigit():
            status = int(parts[1])
        if forced:
            status = forced
        trusted = {k: v for k, v in self.headers.items() if k.lower().startswith("x-junction-")}
        served = resolved(self.path)
        segments = [p for p in served.split("/") if p]
        location = segments[segments.index("locations") + 1] if "locations" in segments[:-1] else None
        data = json.dumps({
            "method": self.command, "path": path, "query": query, "target": self.path, "resolved": served,
            "location": location, "trusted": trusted,
            "token_seen": "X-Access-Token" in self.headers, "body": body.decode("utf-8", "replace"),
        }).encode()
        self.send(status, data)
        if hub_events_socket and self.command == "POST" and location and segments[-1:] == ["orders"] and status < 300:
            with lock:
                number = sum(calls.values())
            publish_order(location, connection, body, number)

    def send(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer


if __name__ == "__main__":
    # A parent may have left SIGTERM blocked or ignored (both are inherited): stop on it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if "--hub-events" in sys.argv:
        hub_events_socket = sys.argv[sys.argv.index("--hub-events") + 1]
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print(f"upstream listening on 127.0.0.1:{sys.argv[1]}", flush=True)
    server.serve_forever()
