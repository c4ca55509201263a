#!/usr/bin/env python3
"""A small stand-in for the hub's API behind the gateway (tools/run and the gateway tests).

Every call is answered with JSON saying what arrived: method, path, query, the headers the
gateway added (X-Junction-*), and the body. It also keeps a count of calls per connection,
which GET /_upstream/calls answers (that path is not the API's). Paths:
  /status/NNN/...   answer with status NNN
  /slow/MS/...      wait MS milliseconds before reading the call (and counting it)
Usage: upstream.py PORT"""
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

calls = {}
lock = threading.Lock()


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
        connection = self.headers.get("X-Junction-Connection", "")
        with lock:
            calls[connection] = calls.get(connection, 0) + 1
        status = 200 if self.command == "GET" else 201
        if len(parts) >= 2 and parts[0] == "status" and parts[1].isdigit():
            status = int(parts[1])
        trusted = {k: v for k, v in self.headers.items() if k.lower().startswith("x-junction-")}
        data = json.dumps({
            "method": self.command, "path": path, "query": query, "trusted": trusted,
            "token_seen": "X-Access-Token" in self.headers, "body": body.decode("utf-8", "replace"),
        }).encode()
        self.send(status, data)

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
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print(f"upstream listening on 127.0.0.1:{sys.argv[1]}", flush=True)
    server.serve_forever()
