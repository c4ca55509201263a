"""Row i, replication: row b's ingestion with --replicate sync and async to a three-node
NATS JetStream cluster against the local-only daemon, JetStream's own ceiling from a C
loop, and a follower's lag."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from .report import fmt_ms, fmt_rate
from .runner import CHILDREN, BenchError, free_port, log, proc_cpu_seconds, run_json, settle

# Row i's part of "Where the time goes" in the report.
TIME_ROW_I = [
    "- **Row i.** JetStream's own ceiling here (the C loop) is below the sync goal: the three servers share the "
    "daemon's two cores and spend 105-150 µs of CPU per ~2 KB record (about 58 µs for a 100-byte one), so with one "
    "message per event the stream cannot take more than about 11-16k records/s on this machine whatever the writer "
    "does. The goals need the servers on hosts of their own.",
]


class NATSCluster:
    """Three nats-server processes (Debian's) with JetStream on loopback, one cluster."""

    def __init__(self, base):
        self.base = base
        server = shutil.which("nats-server") or "/usr/sbin/nats-server"
        if not os.access(server, os.X_OK):
            raise BenchError("nats-server is not installed (tools/setup installs it)")
        ports = [free_port() for _ in range(3)]
        routes = [free_port() for _ in range(3)]
        self.monitor = [free_port() for _ in range(3)]
        self.urls = ",".join(f"nats://127.0.0.1:{p}" for p in ports)
        self.procs = []
        for i in range(3):
            conf = os.path.join(base, f"n{i}.conf")
            with open(conf, "w") as f:
                f.write(f"server_name: n{i}\nlisten: 127.0.0.1:{ports[i]}\nhttp: 127.0.0.1:{self.monitor[i]}\n"
                        f"jetstream {{ store_dir: \"{base}/n{i}\" }}\n"
                        f"cluster {{ name: bench, listen: 127.0.0.1:{routes[i]}, routes: ["
                        + ", ".join(f"nats://127.0.0.1:{r}" for r in routes) + "] }\n")
            log_file = open(os.path.join(base, f"n{i}.log"), "ab")
            p = subprocess.Popen([server, "-c", conf], stdout=log_file, stderr=log_file)
            log_file.close()
            CHILDREN.append(p)
            self.procs.append(p)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(self._formed_leader(i) for i in range(3)):
                return
            time.sleep(0.1)
        raise BenchError("the NATS cluster did not form (a JetStream leader with two current peers) within 30 s")

    def _formed_leader(self, i):
        """Node i leads the metadata group and sees both others current: a stream of three
        replicas can be placed (a logged election alone can come before the peers)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor[i]}/jsz", timeout=2) as r:
                meta = json.load(r).get("meta_cluster") or {}
        except (OSError, ValueError):
            return False
        replicas = meta.get("replicas") or []
        return meta.get("leader") == f"n{i}" and len(replicas) == 2 and all(x.get("current") for x in replicas)

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=30)
            if p in CHILDREN:
                CHILDREN.remove(p)


class ReplicationRows:
    """Row i (a mixin of bench.Bench: the state is the Bench's; its runs are
    rows_ingest.IngestRows.ingest_run)."""

    def row_i(self):
        q = self.q
        base = tempfile.mkdtemp(prefix="nats.", dir=self.tmp)
        cluster = NATSCluster(base)
        try:
            for r in range(self.repeats):
                for name in ("local", "sync", "async"):
                    args = [] if name == "local" else [
                        "--replicate", cluster.urls, "--replicate-mode", name, "--replicate-stream", f"BENCH_{name}_{r}",
                        "--replicate-subject", f"bench.{name}.{r}"]
                    settle()
                    before = sum(proc_cpu_seconds(p.pid) for p in cluster.procs)
                    res = self.ingest_run(f"i-{name}{r}", daemon_args=args)
                    h = res["http"]
                    if h["errors"]:
                        raise BenchError(f"row i {name}: {h['errors']} of {h['requests']} requests failed")
                    q.add(f"i.{name}.rate", h["per_second"], "entries/s")
                    if name != "local":
                        # What the three servers spent on this run's records (batched messages).
                        q.add(f"i.{name}.server_cpu_us", (sum(proc_cpu_seconds(p.pid) for p in cluster.procs) - before)
                              / max(1, h["requests"] * int(self.ingest_batch)) * 1e6, "µs/record")
                        log(f"row i run {r + 1} {name}: {q.values[f'i.{name}.server_cpu_us'][-1]:.0f} µs of NATS servers' CPU per record")
                    q.add(f"i.{name}.p99", h["latency_ms"]["p99"], "ms")
                    log(f"row i run {r + 1} {name}: {fmt_rate(h['per_second'])}, request p99 {fmt_ms(h['latency_ms']['p99'])}")
                if "nats_publish" in self.c:
                    # The engine's own ceiling on this machine: the same records, the same
                    # headers and checks, published by a C loop (no LMDB, no HTTP), with the
                    # servers' CPU time for them.
                    settle()
                    before = sum(proc_cpu_seconds(p.pid) for p in cluster.procs)
                    c = run_json([self.c["nats_publish"], self.records, cluster.urls, f"BENCH_c_{r}", f"bench.c.{r}", 4096])
                    q.add("i.c.rate", c["per_second"], "records/s")
                    q.add("i.c.server_cpu_us", (sum(proc_cpu_seconds(p.pid) for p in cluster.procs) - before)
                          / c["records"] * 1e6, "µs/record")
                    log(f"row i run {r + 1} C nats_publish: {fmt_rate(c['per_second'])}, "
                        f"{q.values['i.c.server_cpu_us'][-1]:.0f} µs of NATS servers' CPU per record")
            # Half of what the replicated writer sustains (sync, the default mode): at half
            # of the local rate a sync writer would be past its capacity, and the lag would
            # measure its queue.
            half = q.median("i.sync.rate") / 2
            for r in range(self.repeats):
                stream = ["--replicate-stream", f"BENCH_lag_{r}", "--replicate-subject", f"bench.lag.{r}"]
                settle()
                res = self.ingest_run(f"i-lag{r}", rate=half, lag=True, daemon_args=["--replicate", cluster.urls] + stream,
                                      follower_args=["--replicate", cluster.urls] + stream)
                lag = res["http"].get("lag_ms") or {}
                if res["http"].get("lag_unresolved"):
                    raise BenchError(f"row i: {res['http']['lag_unresolved']} batches never showed on the follower")
                q.add("i.follower_lag.p99", lag["p99"], "ms")
                log(f"row i follower lag run {r + 1}: p99 {fmt_ms(lag['p99'])} at {fmt_rate(half)}")
        finally:
            cluster.stop()
        m = q.median
        for name, goal in (("sync", 0.5), ("async", 0.9)):
            self.add_row("i", f"socket ingestion with --replicate {name} (3-node JetStream, R3) vs local only, same run",
                         fmt_rate(m(f"i.{name}.rate")), f"local {fmt_rate(m('i.local.rate'))}",
                         m(f"i.{name}.rate") / m("i.local.rate"), ">=", goal,
                         q.noise(f"i.{name}.rate") + q.noise("i.local.rate"))
        for name in ("sync", "async"):
            if q.has(f"i.{name}.server_cpu_us"):
                self.add_row("i", f"NATS servers' CPU per record with --replicate {name} (batched messages; the setup "
                             "events and the catch-up included)", f"{m(f'i.{name}.server_cpu_us'):.0f} µs", "", None, None, None,
                             q.noise(f"i.{name}.server_cpu_us"))
        if q.has("i.c.rate"):
            self.add_row("i", "JetStream's ceiling here: the same records published by a C loop (tools/bench/nats_publish, "
                         f"libnats, async, window 4096; {m('i.c.server_cpu_us'):.0f} µs of the three servers' CPU per record)",
                         fmt_rate(m("i.c.rate")), f"local {fmt_rate(m('i.local.rate'))}",
                         m("i.c.rate") / m("i.local.rate"), None, None, q.noise("i.c.rate") + q.noise("i.local.rate"))
            self.add_row("i", "socket ingestion with --replicate sync vs that C loop", fmt_rate(m("i.sync.rate")),
                         f"C {fmt_rate(m('i.c.rate'))}", m("i.sync.rate") / m("i.c.rate"), None, None,
                         q.noise("i.sync.rate") + q.noise("i.c.rate"))
        self.add_row("i", f"follower lag p99 at half load ({fmt_rate(half)}, sync): ack on the writer to the follower's "
                     "projections showing it", fmt_ms(m("i.follower_lag.p99")), "", None, "<", 100.0,
                     q.noise("i.follower_lag.p99"), value=m("i.follower_lag.p99"), unit="ms")
