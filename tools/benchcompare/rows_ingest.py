"""Rows b, e and f, ingestion through the daemon's socket: its rate against the C append loop,
SQLite and PostgreSQL, on one core and two (b), with compaction looping (e), and the
projections' lag at half that rate (f)."""

import os
import shutil
import subprocess
import time

from .postgres import PG_INDEXES, PG_TABLE, write_pg_copy_scripts
from .report import fmt_bytes, fmt_ms, fmt_rate
from .runner import CHILDREN, BenchError, CompactionLoop, Daemon, MemorySampler, disk_usage, log, run, run_json, settle

# Row b's part of "Where the time goes" in the report.
TIME_ROW_B = [
    "- **Row b against the C loop, SQLite and PostgreSQL.** Both cores are busy with the daemon, its three projectors, "
    "the notifier and the load client: per 100k entries (profile_ingest.py, stop 31, warm machine) the daemon used "
    "0.55-0.70 CPU-seconds, the logs projector 0.17-0.24, activity 0.06-0.10, connections 0.05-0.08, the notifier "
    "about 0.03, the client 0.08-0.10, so the machine is out of CPU near 200k entries/s. In the daemon's samples: "
    "reading the JSON strings of the bodies 22% (parseStringBytes: bodies logged as JSON strings are short runs "
    "between escaped quotes, so the escapes, not the copying, cost), task switches and wake-ups about 11% (the two "
    "cores are shared), memmove 5%, redaction's scans about 4.5%, the kernel copying the journal's pages 2%. (On a "
    "machine fresh from boot the last was 42%: the first writes into page-cache memory the virtual machine had "
    "never touched; it fell to 2% within the hour.) The projector processes take about a quarter of the machine: "
    "each of the three reads every record from the journal's map on its own (what a rebuild's one reader does for "
    "all three), LMDB's cursor walk and the first touch of the pages most of it, and commits and fsyncs its store "
    "per gathered batch. What would close the gap: one reader of the journal for the three live projections, as a "
    "rebuild has, and fewer bytes through the daemon per entry (a body sent as its own raw part would skip the "
    "unescaping and checking passes).",
]


class IngestRows:
    """Rows b, e and f, and the ingestion run they share with row i (a mixin of bench.Bench:
    the state is the Bench's)."""

    # ---- ingestion runs (rows b, e, f)

    def ingest_run(self, name, rate=None, lag=False, compaction=False, keep=False, allow_errors=False, daemon_args=(),
                   follower_args=None, prefix=(), during=None):
        data = os.path.join(self.tmp, name)
        shutil.rmtree(data, ignore_errors=True)  # left by an earlier run of a noisy row
        run([self.junction, "init", "--data", data], stdout=subprocess.DEVNULL)
        daemon = Daemon(self, data, daemon_args, prefix=prefix).start()
        follower = None
        try:
            daemon.post_ndjson("/v1/events", self.setup)
            if during is not None:
                # Something else the daemon does meanwhile (row j: deliveries).
                during.start(daemon)
            if follower_args is not None:
                # A follower of the writer's stream: the lag is measured on its status.
                follower = Daemon(self, data + "-follower", follower_args, command="follow").start()
            sampler = MemorySampler(daemon.pid)
            sampler.start()
            loop = None
            if compaction:
                loop = CompactionLoop(daemon.sock, self.compact_body)
                loop.start()
            settle()
            cmd = [self.c["http_load"], "--socket", daemon.sock, "--file", self.logs_path, "--path", "/v1/logs",
                   "--batch", self.ingest_batch, "--clients", self.clients]
            if rate:
                cmd += ["--rate", f"{rate:.1f}"]
            if lag:
                cmd += ["--lag", "--poll-ms", "5"]
            if follower:
                cmd += ["--lag-socket", follower.sock]
            res = run_json(cmd, check=False)
            if during is not None:
                during.finish()
            comp = loop.finish() if loop else None
            if self.tail:
                daemon.post_ndjson("/v1/events", self.tail)
            st = daemon.wait_caught_up()
            mem = sampler.finish()
            disk = disk_usage(data, st["journal"]["count"]) if keep else None
            if res["errors"] and not allow_errors:
                raise BenchError(f"{name}: {res['errors']} of {res['requests']} requests failed (see stderr)")
            return {"http": res, "memory": mem, "compaction": comp, "disk": disk, "data": data}
        finally:
            if during is not None:
                during.finish()
            if follower:
                follower.stop()
                shutil.rmtree(data + "-follower", ignore_errors=True)
            daemon.stop()
            if not keep:
                shutil.rmtree(data, ignore_errors=True)

    def rows_b_e(self):
        q = self.q
        self.b_data = None
        for r in range(self.repeats):
            keep = r == self.repeats - 1
            res = self.ingest_run(f"b{r}", keep=keep)
            h = res["http"]
            q.add("b.rate", h["per_second"], "entries/s")
            q.add("b.p99", h["latency_ms"]["p99"], "ms")
            q.add("b.peak_anon", res["memory"]["peak_rss_anon"], "bytes")
            log(f"row b run {r + 1}: {fmt_rate(h['per_second'])}, request p99 {fmt_ms(h['latency_ms']['p99'])}, "
                f"daemon peak RssAnon {fmt_bytes(res['memory']['peak_rss_anon'])}")
            if keep:
                self.b_data = res["data"]
                self.details["loadgen_disk"] = res["disk"]
                self.details["b_last"] = {"http": h, "memory": res["memory"]}
            # The same run without the health projection's projector (issue 38): what the fourth
            # projector costs ingestion, measured in the same bench run.
            res = self.ingest_run(f"b-nohealth{r}", daemon_args=["--without-projection", "health"])
            q.add("b.rate_without_health", res["http"]["per_second"], "entries/s")
            log(f"row b run {r + 1} without the health projector: {fmt_rate(res['http']['per_second'])}")
            res = self.ingest_run(f"e{r}", compaction=True, allow_errors=True)
            h = res["http"]
            q.add("e.errors", h["errors"], "requests")
            if h["errors"]:
                self.notes.append(f"row e run {r + 1}: {h['errors']} of {h['requests']} POST /v1/logs failed while "
                                  "compaction ran (first bodies on stderr).")
            q.add("e.rate", h["per_second"], "entries/s")
            q.add("e.p99", h["latency_ms"]["p99"], "ms")
            q.add("e.compactions", res["compaction"]["runs"], "runs")
            self.details.setdefault("e_compaction", []).append(res["compaction"])
            log(f"row e run {r + 1}: {fmt_rate(h['per_second'])}, request p99 {fmt_ms(h['latency_ms']['p99'])}, "
                f"{res['compaction']['runs']} compactions ({res['compaction']['failures']} refused)")
        for r in range(self.repeats):
            db = os.path.join(self.tmp, "sqlite-ingest.db")
            settle()
            res = run_json([self.c["sqlite_ingest"], self.entries, db, self.ingest_batch])
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.unlink(db + suffix)
            q.add("b.sqlite", res["per_second"], "entries/s")
            q.add("b.sqlite.p99", res["latency_ms"]["p99"], "ms")
            self.details["sqlite_version"] = res.get("sqlite")
        # What a second core buys: the daemon (and its projectors, which inherit it) pinned to
        # one core, the load client not.
        if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1:
            for r in range(self.repeats):
                settle()
                res = self.ingest_run(f"b1core{r}", prefix=["taskset", "-c", "0"])
                q.add("b.one_core", res["http"]["per_second"], "entries/s")
                log(f"row b run {r + 1} on one core: {fmt_rate(res['http']['per_second'])}")
        pg = self.postgres()
        if pg:
            paths, n = write_pg_copy_scripts(self.entries, os.path.join(self.tmp, "pg-copy"), self.ingest_batch,
                                             self.clients)
            single, _ = write_pg_copy_scripts(self.entries, os.path.join(self.tmp, "pg-copy-1"), self.ingest_batch, 1)
            for r in range(self.repeats):
                for key, scripts in (("b.pg", paths), ("b.pg1", single)):
                    pg.psql_text("DROP TABLE IF EXISTS logs; " + PG_TABLE + "; " + "; ".join(PG_INDEXES))
                    pg.psql_text("CHECKPOINT")
                    settle()
                    t = time.monotonic()
                    sessions = []
                    for path in scripts:
                        with open(path, "rb") as f:
                            proc = subprocess.Popen(pg.psql_args(), stdin=f, stdout=subprocess.DEVNULL)
                        CHILDREN.append(proc)
                        sessions.append(proc)
                    for proc in sessions:
                        if proc.wait() != 0:
                            raise BenchError(f"psql COPY session exited with {proc.returncode}")
                        CHILDREN.remove(proc)
                    wall = time.monotonic() - t
                    loaded = int(pg.psql_text("SELECT count(*) FROM logs"))
                    if loaded != n:
                        raise BenchError(f"PostgreSQL holds {loaded} rows of {n} after COPY")
                    q.add(key, n / wall, "entries/s")
                log(f"row b run {r + 1} PostgreSQL COPY: {len(paths)} sessions {fmt_rate(q.values['b.pg'][-1])}, "
                    f"1 session {fmt_rate(q.values['b.pg1'][-1])}")
            self.details["postgres_version"] = pg.version
            for path in paths + single:
                os.unlink(path)
        rate = q.median("b.rate")
        c_key = f"a.c.{self.ingest_batch}"
        label = f"socket ingestion, batch {self.ingest_batch}, {self.clients} clients, entries/s"
        if q.has(c_key):
            self.add_row("b", label + " vs C append loop", fmt_rate(rate), f"C lmdb_append batch {self.ingest_batch} "
                         f"{fmt_rate(q.median(c_key))}", rate / q.median(c_key), ">=", 0.35, q.noise("b.rate") + q.noise(c_key))
        self.add_row("b", label + " vs SQLite", fmt_rate(rate), f"SQLite {fmt_rate(q.median('b.sqlite'))}",
                     rate / q.median("b.sqlite"), ">=", 3.0, q.noise("b.rate") + q.noise("b.sqlite"))
        if q.has("b.pg"):
            self.add_row("b", label + f" vs PostgreSQL COPY ({self.clients} sessions)", fmt_rate(rate),
                         f"PostgreSQL {fmt_rate(q.median('b.pg'))}; 1 session {fmt_rate(q.median('b.pg1'))}",
                         rate / q.median("b.pg"), ">=", 3.0, q.noise("b.rate") + q.noise("b.pg"))
        else:
            self.add_row("b", label + " vs PostgreSQL COPY", fmt_rate(rate), "PostgreSQL not installed", None, ">=",
                         3.0, None)
        if q.has("b.rate_without_health"):
            without = q.median("b.rate_without_health")
            self.add_row("b", "socket ingestion with the health projector (the fourth) vs without it, same run",
                         fmt_rate(rate), f"without {fmt_rate(without)}", rate / without, ">=", 0.9,
                         q.noise("b.rate") + q.noise("b.rate_without_health"))
        if q.has("b.one_core"):
            self.add_row("b", "socket ingestion, the daemon pinned to one core (taskset -c 0) vs two", 
                         fmt_rate(q.median("b.one_core")), f"two cores {fmt_rate(rate)}", q.median("b.one_core") / rate,
                         None, None, q.noise("b.one_core") + q.noise("b.rate"))
        self.add_row("e", "ingestion request p99, compaction looping vs not", fmt_ms(q.median("e.p99")),
                     f"without {fmt_ms(q.median('b.p99'))}", q.median("e.p99") / q.median("b.p99"), None, None,
                     q.noise("e.p99") + q.noise("b.p99"))
        self.add_row("e", "ingestion rate, compaction looping vs not", fmt_rate(q.median("e.rate")),
                     f"without {fmt_rate(rate)}", q.median("e.rate") / rate, None, None, q.noise("e.rate") + q.noise("b.rate"))

    def row_f(self):
        q = self.q
        rate = q.median("b.rate") / 2
        for r in range(self.repeats):
            res = self.ingest_run(f"f{r}", rate=rate, lag=True)
            h = res["http"]
            q.add("f.lag_p99", h["lag_ms"]["p99"], "ms")
            q.add("f.lag_p50", h["lag_ms"]["p50"], "ms")
            q.add("f.achieved", h["per_second"], "entries/s")
            self.details.setdefault("f_runs", []).append({k: h.get(k) for k in (
                "per_second", "lag_ms", "lag_unresolved", "polls", "latency_ms", "schedule_late_ms", "seconds")})
            log(f"row f run {r + 1}: at {fmt_rate(h['per_second'])} lag p50 {fmt_ms(h['lag_ms']['p50'])} "
                f"p99 {fmt_ms(h['lag_ms']['p99'])} ({h['polls']} polls)")
        self.add_row("f", f"projection lag p99 at {fmt_rate(rate)} (half of row b)", fmt_ms(q.median("f.lag_p99")),
                     f"p50 {fmt_ms(q.median('f.lag_p50'))}", None, "<", 100.0, q.noise("f.lag_p99"),
                     value=q.median("f.lag_p99"), unit="ms")
