#!/usr/bin/env python3
"""Row b's procedure by hand: the loadgen sample's setup events through POST /v1/events, its
requestLogged lines through tools/bench/http_load (8 keep-alive clients, batches of 500) to
POST /v1/logs on a fresh durable daemon with its projectors, then the CPU time of the daemon,
of each projector and of the load client, read from /proc.

    tools/bench/profile_ingest.py [plain|perf] [EVENTS] [extra junction serve options…]

`perf` records the daemon (perf record -e cpu-clock -g) into profile_ingest.perf.data in the
current directory; the rate under perf is lower than without it. Uses the release build
(`swift build -c release`; JUNCTION= to point elsewhere) and gcc for http_load.
"""
import json, os, signal, subprocess, sys, tempfile, time
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))  # tools/bench-compare's package, benchcompare
from benchcompare.data import split_loadgen  # noqa: E402
from benchcompare.runner import child_pids, http, proc_cpu_seconds, proc_minor_faults  # noqa: E402
BIN = os.environ.get("JUNCTION_BIN", os.path.join(ROOT, ".build", "release"))
J = os.environ.get("JUNCTION", os.path.join(BIN, "junction"))
mode = sys.argv[1] if len(sys.argv) > 1 else "plain"
events = sys.argv[2] if len(sys.argv) > 2 else "100000"
extra = sys.argv[3:]
base = tempfile.mkdtemp(prefix="profile-ingest.")
try:
    load = os.path.join(base, "http_load")
    subprocess.run(["gcc", "-O2", "-o", load, os.path.join(ROOT, "tools", "bench", "http_load.c"), "-pthread"], check=True)
    sample = os.path.join(base, "loadgen.ndjson")
    with open(sample, "wb") as out:
        subprocess.run([os.path.join(BIN, "junction-loadgen"), "--seed", "1", "--events", events, "--days", "30"], stdout=out, check=True)
    setup, logs, tail = (os.path.join(base, n) for n in ("setup.ndjson", "logs.ndjson", "tail.ndjson"))
    counts = split_loadgen(sample, setup, logs, tail)
    data = os.path.join(base, "data"); sock = os.path.join(data, "junction.sock")
    subprocess.run([J, "init", "--data", data], check=True, stdout=subprocess.DEVNULL)
    d = subprocess.Popen([J, "serve", "--data", data, "--socket", sock, "--durability", "full", "--compact-every-hours", "0"] + extra,
                         stdout=open(base + "/serve.log", "ab"), stderr=subprocess.STDOUT)
    for _ in range(600):
        if os.path.exists(sock): break
        time.sleep(0.1)
    time.sleep(0.5)
    code, reply = http(sock, "POST", "/v1/events", body=open(setup, "rb").read(), content_type="application/x-ndjson")
    assert code == 201, reply
    time.sleep(1)
    kids = child_pids(d.pid)
    names = {p: open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")[1:6] for p in kids}
    before = {p: proc_cpu_seconds(p) for p in [d.pid] + kids}
    faults = proc_minor_faults(d.pid)
    perf = None
    if mode == "perf":
        perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-g", "-p", str(d.pid), "-o", "profile_ingest.perf.data"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "%U %S", load, "--socket", sock, "--file", logs, "--path", "/v1/logs",
                        "--batch", "500", "--clients", "8"], capture_output=True, text=True)
    wall = time.monotonic() - t0
    if perf: perf.send_signal(signal.SIGINT); perf.wait()
    res = json.loads(r.stdout)
    user, sys_ = (float(x) for x in r.stderr.strip().splitlines()[-1].split())
    after = {p: proc_cpu_seconds(p) for p in before}
    faults = proc_minor_faults(d.pid) - faults
    per100k = 100000 / counts["logs"]
    print(json.dumps({"entries": counts["logs"], "per_second": res["per_second"], "latency_ms": res["latency_ms"], "wall_s": round(wall, 3),
                      "errors": res.get("errors")}))
    print(f"daemon: {(after[d.pid] - before[d.pid]) * per100k:.3f} CPU-s per 100k entries, {faults * per100k:,.0f} minor page faults")
    for p in kids:
        print(f"{b' '.join(names[p][:2]).decode()}: {(after[p] - before[p]) * per100k:.3f} CPU-s per 100k entries")
    print(f"http_load: {(user + sys_) * per100k:.3f} CPU-s per 100k entries")
finally:
    try:
        d.send_signal(signal.SIGTERM); d.wait(timeout=30)
    except Exception:
        pass
    subprocess.run(["rm", "-rf", base])
