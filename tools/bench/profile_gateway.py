#!/usr/bin/env python3
"""The gateway's cost per call, by hand: row h's setup (nginx answering a fixed JSON, a location
token, rate limits out of reach), 8 s of wrk with 32 connections, and the CPU time per call of the
daemon and of its children (projectors, notifier) read from /proc; then nginx+auth_request for comparison.

    tools/bench/profile_gateway.py [plain|perf] [extra junction serve options…]

`perf` records the daemon (perf record -e cpu-clock -g) into profile_gateway.perf.data in the
current directory; the rate under perf is lower than without it. Uses the release build
(`swift build -c release`; JUNCTION= to point elsewhere), nginx and wrk (tools/setup --bench).
"""
import json, os, subprocess, sys, time, signal, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))  # tools/bench-compare's package, benchcompare
from benchcompare.rows_gateway import nginx_conf, wrk  # noqa: E402
from benchcompare.runner import child_pids, free_port, http, proc_cpu_seconds  # noqa: E402
J = os.environ.get("JUNCTION", os.path.join(ROOT, ".build", "release", "junction"))
base = tempfile.mkdtemp(prefix="profile-gateway.")
data = os.path.join(base, "data"); sock = os.path.join(base, "s.sock")
subprocess.run([J, "init", "--data", data], check=True, stdout=subprocess.DEVNULL)
up, px, gw = free_port(), free_port(), free_port()
extra = sys.argv[2:] if len(sys.argv) > 2 else []
d = subprocess.Popen([J, "serve", "--data", data, "--socket", sock, "--durability", "full", "--compact-every-hours", "0",
    "--gateway", f"127.0.0.1:{gw}", "--upstream", f"http://127.0.0.1:{up}", "--rate-limit-per-minute", "1000000000",
    "--rate-limit-per-hour", "1000000000", "--rate-limit-per-day", "1000000000", "--rate-limit-heavy-per-minute", "1000000000"] + extra,
    stdout=open(base + "/serve.log", "ab"), stderr=subprocess.STDOUT)
for _ in range(600):
    if os.path.exists(sock): break
    time.sleep(0.1)
time.sleep(0.5)
reply = b""
for path, body in (("/v1/accounts", {"account_id": "bench", "name": "Bench", "time_zone": "Europe/Paris"}),
        ("/v1/locations", {"location_id": "bench-1", "account_id": "bench", "name": "Bench 1", "time_zone": "Europe/Paris"}),
        ("/v1/apps", {"app_id": "pos", "name": "POS", "level": "location", "scope": "location[orders.write,catalog.read]"}),
        ("/v1/connections", {"app_id": "pos", "account_id": "bench", "location_id": "bench-1"})):
    code, reply = http(sock, "POST", path, body=json.dumps(body).encode(), content_type="application/json")
    assert code == 201, reply
token = json.loads(reply)["access_token"]
open(base + "/nginx.conf", "w").write(nginx_conf(base, up, px, sock))
ng = subprocess.Popen(["nginx", "-p", base, "-c", base + "/nginx.conf", "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1)
url = f"http://127.0.0.1:{gw}/v1/locations/bench-1/orders"
mode = sys.argv[1] if len(sys.argv) > 1 else "plain"
try:
    print("warm", wrk(url, token, seconds=3, connections=32, tmp=base)["rps"])
    t0 = proc_cpu_seconds(d.pid)
    kids = child_pids(d.pid)
    kids0 = {p: proc_cpu_seconds(p) for p in kids}
    kid_names = {p: b" ".join(open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")[1:3]).decode() for p in kids}
    perf = None
    if mode == "perf":
        perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-g", "-p", str(d.pid), "-o", "profile_gateway.perf.data"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    res = wrk(url, token, seconds=8, connections=32, tmp=base)
    if perf: perf.send_signal(signal.SIGINT); perf.wait()
    cpu = proc_cpu_seconds(d.pid) - t0
    kids_cpu = {kid_names[p]: proc_cpu_seconds(p) - kids0[p] for p in kids}
    print(json.dumps({"rps": res["rps"], "p99": res["p99"], "requests": res["requests"], "daemon_cpu_s": cpu,
                      "cpu_us_per_call": cpu / res["requests"] * 1e6,
                      "children_us_per_call": {n: round(c / res["requests"] * 1e6) for n, c in kids_cpu.items()}}))
    print("nginx+auth", wrk(f"http://127.0.0.1:{px}/v1/locations/bench-1/orders", token, seconds=8, connections=32, tmp=base)["rps"])
finally:
    ng.send_signal(signal.SIGQUIT); d.send_signal(signal.SIGTERM); d.wait(); ng.wait()
    subprocess.run(["rm", "-rf", base])
