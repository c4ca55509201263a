"""Row h, the gateway: `junction serve --gateway` in front of nginx serving a fixed answer,
against the same load sent straight to nginx and against nginx as the proxy with
auth_request to Junction's token check; wrk drives all of them."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile

from .report import fmt_ms, fmt_rate
from .runner import CHILDREN, BenchError, Daemon, free_port, http, log, run, settle, wait_port

# Row h's part of "Where the time goes" in the report.
TIME_ROW_H = [
    "- **Row h.** The gateway costs the daemon 213-263 µs of CPU per call (tools/bench/profile_gateway.py, 8 s of "
    "wrk, stop 26), and the machine is saturated: in a system-wide profile at 5k calls/s the daemon took 58% of "
    "the samples, its three projectors 26% (the log entries the gateway writes are indexed as they come), nginx 6.5%, "
    "wrk 4%. The daemon's samples are 54% kernel (two TCP connections per call, the journal's writes and fsyncs, "
    "futex wake-ups between NIO's event loops and Swift's cooperative pool), its own code under a tenth, and the "
    "rest spread thin over Hummingbird, AsyncHTTPClient (which parses the upstream URL per call) and the Swift "
    "runtime. nginx+auth_request writes no journal and feeds no projector, so its cost per call is the two proxies "
    "alone. A handler on the server's event loop with its upstream connection on the same loop, and log entries "
    "handed to the group commit without a task per call, would cut the daemon's share; the projectors' share stays "
    "as long as they run on the same two cores. Since stop 26 the live projectors let appends gather for 5 ms "
    "before each commit, the notifier 10 ms (the children's CPU per gateway call 136-145 µs to 86-98 µs by hand). "
    "A profile of the daemon under perf (stop 27): kernel 35% of its samples, of which task switches and wake-ups "
    "(finish_task_switch, spin_unlock_irqrestore) are a third; swift_retain and swift_release 7%; the Swift "
    "concurrency runtime 5%. The 1.5x goal is about 11.8k calls/s, that is about 170 µs of the whole machine per "
    "call for the daemon, its projectors, the upstream nginx and wrk together; the projectors and notifier alone "
    "take 86-98 µs of it.",
    "- **Row h, tried in stop 29 and not kept: the gateway on the event loop.** The design named above was built: "
    "the gateway's connections served by NIO handlers of its own (Hummingbird's server kept for binding and "
    "shutdown, no router, no task per call), the upstream call made with AsyncHTTPClient's future API from the "
    "connection's event loop, and the log entry handed to the group commit with a completion instead of a task. "
    "Side by side with the router version in row h on the same hour (one attempt each): 3,628 against 3,677 "
    "calls/s, half-load added p99 7.1 against 8.2 ms, both within the runs' noise; tools/bench/profile_gateway.py "
    "gave 355-370 against 293-344 µs of daemon CPU per call. Pinning the upstream connection to the event loop "
    "(.delegateAndChannel) was worse still (560-710 µs): AsyncHTTPClient opens an overflow connection per call for "
    "a required loop and closes it once idle. The hops between the event loop and Swift's pool are not where the "
    "time goes: the profile stays spread over NIO's HTTP codecs, AsyncHTTPClient's pool and request bag, "
    "retain/release and the kernel's TCP path, in about the same shares. Renicing the projectors (nice 15) did "
    "not move the half-load p99 either. The half-load rows for --gateway-send-first and nginx+auth_request show "
    "what is left: at the same offered rate nginx+auth_request itself adds about 3 ms of p99 on this machine, "
    "the gateway answering before the fsync about 5 ms, the durable gateway about 7.5 ms.",
]


def nginx_conf(prefix, upstream_port, proxy_port, junction_socket):
    """One nginx: the fast upstream (a fixed JSON answer, no log) and the proxy a user would
    otherwise put in front of it (auth_request against Junction's token check, access log)."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers must reach the 0600 socket
    return f"""{user}worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    keepalive_requests 1000000;
    upstream api {{ server 127.0.0.1:{upstream_port}; keepalive 64; }}
    upstream junction {{ server unix:{junction_socket}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{upstream_port};
        access_log off;
        location / {{ default_type application/json; return 200 '{{"orders":[{{"id":"o1","total":12.5}}]}}'; }}
    }}
    server {{
        listen 127.0.0.1:{proxy_port};
        access_log {prefix}/access.log combined;
        location / {{
            auth_request /_token_check;
            proxy_pass http://api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Access-Token "";
        }}
        location = /_token_check {{
            internal;
            proxy_pass http://junction/v1/token;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


WRK_LATENCY = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url, token, *, seconds, connections, tmp, delay_ms=None):
    """One wrk run (2 threads): requests/s, p50/p99 in ms, requests, bad answers."""
    cmd = ["wrk", "-t", "2", "-c", connections, "-d", f"{seconds}s", "--latency", "-H", f"X-Access-Token: {token}"]
    if delay_ms:
        # Paced: each connection waits delay_ms before each request (wrk has no rate option).
        script = os.path.join(tmp, f"delay{delay_ms}.lua")
        with open(script, "w") as f:
            f.write(f"function delay()\n  return {delay_ms}\nend\n")
        cmd += ["-s", script]
    out = run(cmd + [url], timeout=seconds + 120)[1].decode()
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    lat = {int(p): float(v) * scale[u] for p, v, u in WRK_LATENCY.findall(out)}
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not rps or 99 not in lat or not total:
        raise BenchError(f"wrk's output not understood:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(rps.group(1)), "p50": lat.get(50), "p99": lat[99], "requests": int(total.group(1)),
            "bad": int(bad.group(1)) if bad else 0, "socket_errors": sum(map(int, errors.groups())) if errors else 0}


class GatewayRows:
    """Row h (a mixin of bench.Bench: the state is the Bench's)."""


    def row_h(self):
        q = self.q
        for tool in ("nginx", "wrk"):
            if shutil.which(tool) is None:
                raise BenchError(f"{tool} is not installed (tools/setup --bench installs nginx and wrk)")
        base = tempfile.mkdtemp(prefix="gateway.", dir=self.tmp)
        upstream_port, proxy_port, gateway_port = free_port(), free_port(), free_port()
        data = os.path.join(base, "data")
        run([self.junction, "init", "--data", data], stdout=subprocess.DEVNULL)
        unlimited = ["--rate-limit-per-minute", "1000000000", "--rate-limit-per-hour", "1000000000",
                     "--rate-limit-per-day", "1000000000", "--rate-limit-heavy-per-minute", "1000000000"]
        daemon = Daemon(self, data, ["--gateway", f"127.0.0.1:{gateway_port}",
                                     "--upstream", f"http://127.0.0.1:{upstream_port}"] + unlimited).start()
        # The opt-in mode beside it (info, no goal): answers before the entry is durable, to
        # show how much of the gateway's time is the wait for the group commit's fsync.
        first_port = free_port()
        first_data = os.path.join(base, "data-send-first")
        run([self.junction, "init", "--data", first_data], stdout=subprocess.DEVNULL)
        first = Daemon(self, first_data, ["--gateway", f"127.0.0.1:{first_port}", "--gateway-send-first",
                                          "--upstream", f"http://127.0.0.1:{upstream_port}"] + unlimited).start()
        nginx = None
        try:
            first_token = self.gateway_setup(first)
            token = self.gateway_setup(daemon)
            with open(os.path.join(base, "nginx.conf"), "w") as f:
                f.write(nginx_conf(base, upstream_port, proxy_port, daemon.sock))
            logfile = open(os.path.join(base, "nginx.out"), "ab")
            nginx = subprocess.Popen(["nginx", "-p", base, "-c", os.path.join(base, "nginx.conf"), "-g", "daemon off;"],
                                     stdout=logfile, stderr=logfile)
            logfile.close()
            CHILDREN.append(nginx)
            wait_port(upstream_port, nginx, "nginx")
            wait_port(proxy_port, nginx, "nginx")
            path = "/v1/locations/bench-1/orders"
            targets = {"direct": f"http://127.0.0.1:{upstream_port}{path}",
                       "gateway": f"http://127.0.0.1:{gateway_port}{path}",
                       "nginx": f"http://127.0.0.1:{proxy_port}{path}",
                       "send_first": f"http://127.0.0.1:{first_port}{path}"}
            tokens = {"send_first": first_token}
            seconds = 3 if self.args.quick else 8
            connections = 32
            journaled, answered = 0, 0
            for r in range(self.repeats):
                for name, url in targets.items():
                    settle()
                    head = daemon.status()["journal"]["head"]
                    res = wrk(url, tokens.get(name, token), seconds=seconds, connections=connections, tmp=base)
                    if res["bad"] or res["socket_errors"]:
                        raise BenchError(f"row h {name}: {res['bad']} non-2xx answers, {res['socket_errors']} socket errors")
                    q.add(f"h.{name}.rate", res["rps"], "requests/s")
                    q.add(f"h.{name}.p99", res["p99"], "ms")
                    if name == "gateway":
                        journaled += daemon.status()["journal"]["head"] - head
                        answered += res["requests"]
                    log(f"row h run {r + 1} {name}: {fmt_rate(res['rps'])}, p99 {fmt_ms(res['p99'])}")
            # Half of the gateway's full-load rate, offered to the gateway and to the direct
            # path alike: connections that each wait `delay` ms before every request.
            half = q.median("h.gateway.rate") / 2
            delay = 10
            paced = max(2, round(half * (delay + 1) / 1000))
            for r in range(self.repeats):
                # The opt-in mode and nginx+auth_request beside them (info): what the wait
                # for the fsync adds, and what the proxy a user would otherwise pick adds.
                for name in ("direct", "gateway", "send_first", "nginx"):
                    settle()
                    res = wrk(targets[name], tokens.get(name, token), seconds=seconds, connections=paced, tmp=base, delay_ms=delay)
                    if res["bad"] or res["socket_errors"]:
                        raise BenchError(f"row h half load {name}: {res['bad']} non-2xx, {res['socket_errors']} socket errors")
                    q.add(f"h.half.{name}.rate", res["rps"], "requests/s")
                    q.add(f"h.half.{name}.p99", res["p99"], "ms")
                    log(f"row h half load run {r + 1} {name}: {fmt_rate(res['rps'])}, p99 {fmt_ms(res['p99'])}")
                for name in ("gateway", "send_first", "nginx"):
                    suffix = "" if name == "gateway" else "." + name
                    q.add("h.half.added_p99" + suffix, q.values[f"h.half.{name}.p99"][-1] - q.values["h.half.direct.p99"][-1], "ms")
            access_lines = sum(1 for _ in open(os.path.join(base, "access.log"), "rb"))
        finally:
            if nginx is not None and nginx.poll() is None:
                nginx.send_signal(signal.SIGQUIT)
                try:
                    nginx.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    nginx.kill()
                    nginx.wait()
                CHILDREN.remove(nginx)
            daemon.stop()
            first.stop()
        m = q.median
        gn = q.noise("h.gateway.rate") + q.noise("h.nginx.rate")
        self.add_row("h", f"gateway throughput (wrk, {connections} connections, every call journaled) vs nginx+auth_request",
                     fmt_rate(m("h.gateway.rate")), fmt_rate(m("h.nginx.rate")), m("h.gateway.rate") / m("h.nginx.rate"),
                     ">=", 1.5, gn)
        self.add_row("h", "gateway p99 at full load vs nginx+auth_request's", fmt_ms(m("h.gateway.p99")),
                     fmt_ms(m("h.nginx.p99")), m("h.gateway.p99") / m("h.nginx.p99"), "<=", 1.0,
                     q.noise("h.gateway.p99") + q.noise("h.nginx.p99"))
        self.add_row("h", "the gateway with --gateway-send-first (answers before its entry is durable) vs nginx+auth_request",
                     fmt_rate(m("h.send_first.rate")), f"{fmt_rate(m('h.nginx.rate'))}; p99 {fmt_ms(m('h.send_first.p99'))}",
                     m("h.send_first.rate") / m("h.nginx.rate"), None, None,
                     q.noise("h.send_first.rate") + q.noise("h.nginx.rate"))
        self.add_row("h", "straight to the upstream (nginx, fixed answer), full load", fmt_rate(m("h.direct.rate")),
                     f"p99 {fmt_ms(m('h.direct.p99'))}", None, None, None, q.noise("h.direct.rate"))
        added = m("h.half.added_p99")
        self.add_row("h", f"p99 the gateway adds over the direct path at half load ({fmt_rate(half)} offered, "
                     f"{paced} connections pacing {delay} ms)", fmt_ms(m("h.half.gateway.p99")),
                     f"direct {fmt_ms(m('h.half.direct.p99'))}", None, "<=", 2.0,
                     q.noise("h.half.gateway.p99") + q.noise("h.half.direct.p99"), value=added, unit="ms")
        for name, label in (("send_first", "the gateway with --gateway-send-first"), ("nginx", "nginx+auth_request")):
            self.add_row("h", f"p99 {label} adds over the direct path at the same half load",
                         f"{fmt_ms(m(f'h.half.added_p99.{name}'))} added",
                         f"p99 {fmt_ms(m(f'h.half.{name}.p99'))}, direct {fmt_ms(m('h.half.direct.p99'))}", None, None, None,
                         q.noise(f"h.half.{name}.p99") + q.noise("h.half.direct.p99"), value=m(f"h.half.added_p99.{name}"), unit="ms")
        self.add_row("h", "log entries journaled per answered gateway call (all runs)", f"{journaled / answered:.3f}",
                     f"{journaled:,} entries, {answered:,} answers", None, None, None, 0.0)
        self.details["gateway"] = {"access_log_lines": access_lines}

    def gateway_setup(self, daemon):
        """An account, a location, a location-level app and its connection; the token."""
        reply = b""
        for path, body in (
                ("/v1/accounts", {"account_id": "bench", "name": "Bench", "time_zone": "Europe/Paris"}),
                ("/v1/locations", {"location_id": "bench-1", "account_id": "bench", "name": "Bench 1",
                                   "time_zone": "Europe/Paris"}),
                ("/v1/apps", {"app_id": "pos", "name": "POS", "level": "location",
                              "scope": "location[orders.write,catalog.read]"}),
                ("/v1/connections", {"app_id": "pos", "account_id": "bench", "location_id": "bench-1"})):
            code, reply = http(daemon.sock, "POST", path, body=json.dumps(body).encode(), content_type="application/json")
            if code != 201:
                raise BenchError(f"POST {path} answered {code}: {reply[:300]!r}")
        return json.loads(reply)["access_token"]
