"""Rows a and c, the journal's own speed: durable append against a C loop over LMDB (a), and
the replay of the three projections from it against a raw scan, SQLite and PostgreSQL (c)."""

import os
import re
import shutil
import time

from .postgres import PG_INDEXES, PG_TABLE, write_pg_copy_scripts
from .report import NOT_BUILT, fmt_noise, fmt_rate
from .runner import BenchError, log, run, run_json, settle

# Row c's part of "Where the time goes" in the report.
TIME_ROW_C = [
    "- **Row c against PostgreSQL and the scan.** The replay is bound by its total CPU on two cores and by its "
    "reader: 125-140 ms of CPU per replay of 100k events (perf stat task-clock and rusage, whole process, stop 32; "
    "the figure drifts with the hour) against 65-80 ms of wall time; the reader alone, the projections' work left "
    "out, takes 53-55 ms. In a profile after stop 32's prefetching (perf, 6 replays, samples split by thread) the "
    "reader took about 40% (LMDB's cursor walk a third of it, its hottest instruction the first read of each leaf "
    "node; the kernel mapping the journal's pages at first touch a fifth; stepping over each request's header "
    "lists to reach the body lengths behind them a seventh: the lists lie between the fields the projections "
    "read), the logs projection 35% (LMDB's puts and the dirty-page lookups of its write transaction, the commit's "
    "page writes, copying rows), activity 5% and connections 3%, process start and unmapping the rest. What would "
    "cut it further: a record layout with the body lengths before the header lists, so that a reader stops where "
    "the projections' fields end (a journal format change, with a migration), and the logs projection's entries "
    "appended through one cursor per batch.",
]

PG_REPLAY = """BEGIN;
{indexes};
CREATE TABLE activity AS SELECT connection_id, time / 86400000000 AS day, count(*) AS total,
  count(*) FILTER (WHERE status_class = 1) AS c1xx, count(*) FILTER (WHERE status_class = 2) AS c2xx,
  count(*) FILTER (WHERE status_class = 3) AS c3xx, count(*) FILTER (WHERE status_class = 4) AS c4xx,
  count(*) FILTER (WHERE status_class = 5) AS c5xx
  FROM logs GROUP BY connection_id, time / 86400000000;
CREATE TABLE summary AS SELECT connection_id, count(*) AS requests, min(time) AS first, max(time) AS last
  FROM logs GROUP BY connection_id;
COMMIT;
"""

# One line per projection from `junction-replay rebuild`: "rebuilt logs to event 100000 in 0.07 s (…) at …".
REBUILT = re.compile(rb"^rebuilt (\S+) to event (\d+) in ", re.M)


def timed_rebuild(replay, data, out, events):
    """Seconds of one `junction-replay rebuild` of every projection of `data` into `out` (then
    removed), by the wall clock around the whole process, once its output shows each
    projection rebuilt up to the journal's `events`-th event; a BenchError otherwise.

    Row c's rate when junction-bench is not built. It was the sum of the rebuild's own "in
    X s" figures, which is no time of the work: they are rounded to 10 ms, and the three
    projections rebuild at once, each figure from the same start to its own end, so the sum
    counted one interval up to three times in 10 ms steps (docs/benchmarks.md: 625,000
    events/s in all three repeats, noise 0%, where the whole process did 1.33M; a quick
    run's "0.00 s" fell back to the wall clock unsaid), and nothing checked that the rebuild
    had reached the journal's end. The wall clock includes the process's start (15-20 ms
    here): a small journal's rate comes out low, not made up."""
    settle()
    t = time.monotonic()
    _, text = run([replay, "rebuild", "--data", data, "--out", out])
    wall = time.monotonic() - t
    shutil.rmtree(out, ignore_errors=True)
    reached = {m.group(1).decode(): int(m.group(2)) for m in REBUILT.finditer(text)}
    if not reached or min(reached.values()) < events:
        shown = ", ".join(f"{k} to event {v:,}" for k, v in reached.items()) or "no projection rebuilt"
        raise BenchError(f"junction-replay rebuild cannot be timed: the journal holds {events:,} events, its output "
                         f"shows {shown}")
    return wall


class JournalRows:
    """Rows a and c (a mixin of bench.Bench: the state is the Bench's; c replays the data
    directory row b kept)."""

    # ---- row a

    def row_a(self):
        q = self.q
        for b in self.append_batches:
            records = self.records_small if b == 1 else self.records
            for r in range(self.repeats):
                env = os.path.join(self.tmp, "a-c")
                settle()
                res = run_json([self.c["lmdb_append"], records, env, b])
                shutil.rmtree(env)
                q.add(f"a.c.{b}", res["per_second"], "records/s")
                q.add(f"a.c.{b}.p99", res["latency_ms"]["p99"], "ms")
                if self.bench:
                    journal = os.path.join(self.tmp, "a-swift")
                    settle()
                    res = run_json([self.bench, "append", "--records", records, "--journal", journal, "--batch", b])
                    shutil.rmtree(journal, ignore_errors=True)
                    q.add(f"a.swift.{b}", res["per_second"], "records/s")
                    q.add(f"a.swift.{b}.p99", res["latency_ms"]["p99"], "ms")
            n = self.batch1_records if b == 1 else self.record_count
            c = q.median(f"a.c.{b}")
            label = f"durable append, batch {b} ({n:,} records), records/s"
            if self.bench:
                s = q.median(f"a.swift.{b}")
                ratio = s / c
                noise = q.noise(f"a.swift.{b}") + q.noise(f"a.c.{b}")
                self.add_row("a", label, fmt_rate(s), f"C lmdb_append {fmt_rate(c)}", ratio, ">=", 0.8, noise)
            else:
                self.add_row("a", label, NOT_BUILT, f"C lmdb_append {fmt_rate(c)} (noise {fmt_noise(q.noise(f'a.c.{b}'))})",
                             None, ">=", 0.8, None)
            log(f"row a batch {b}: C {fmt_rate(c)}" + (f", Swift {fmt_rate(q.median(f'a.swift.{b}'))}" if self.bench else ""))

    # ---- row c

    def row_c(self):
        q = self.q
        data = self.b_data
        events = self.details["loadgen_disk"]["events"]
        for r in range(self.repeats):
            if self.bench:
                settle()
                res = run_json([self.bench, "replay", "--data", data])
                q.add("c.bench", res["per_second"], "events/s")
                self.details.setdefault("c_bench", []).append(res)
            seconds = timed_rebuild(self.replay, data, os.path.join(self.tmp, "rebuild"), events)
            q.add("c.rebuild_wall", events / seconds, "events/s")
            settle()
            res = run_json([self.c["lmdb_scan"], os.path.join(data, "journal")])
            q.add("c.scan", res["per_second"], "records/s")
            db = os.path.join(self.tmp, "sqlite-replay.db")
            settle()
            res = run_json([self.c["sqlite_ingest"], "--replay", self.entries, db])
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.unlink(db + suffix)
            q.add("c.sqlite", res["per_second"], "entries/s")
            pg = self.postgres()
            if pg:
                if r == 0:
                    script, n = write_pg_copy_scripts(self.entries, os.path.join(self.tmp, "pg-load"), 5000, 1)
                    self.pg_load = (script[0], n)
                script, n = self.pg_load
                pg.psql_text("DROP TABLE IF EXISTS logs, activity, summary; " + PG_TABLE)
                pg.psql_file(script)  # loaded without indexes, not timed
                pg.psql_text("VACUUM ANALYZE logs")
                pg.psql_text("CHECKPOINT")
                replay = os.path.join(self.tmp, "pg-replay.sql")
                with open(replay, "w") as f:
                    f.write(PG_REPLAY.format(indexes=";\n".join(PG_INDEXES)))
                settle()
                q.add("c.pg", n / pg.psql_file(replay), "entries/s")
        primary = "c.bench" if self.bench else "c.rebuild_wall"
        who = "junction-bench replay" if self.bench else "junction-replay rebuild, wall clock, whole process"
        rate = q.median(primary)
        self.add_row("c", f"replay of 3 projections ({who}) vs socket ingestion, events/s", fmt_rate(rate),
                     f"row b {fmt_rate(q.median('b.rate'))}", rate / q.median("b.rate"), ">=", 1.0,
                     q.noise(primary) + q.noise("b.rate"))
        self.add_row("c", "replay vs SQLite building the same indexes, events/s", fmt_rate(rate),
                     f"SQLite {fmt_rate(q.median('c.sqlite'))}", rate / q.median("c.sqlite"), ">=", 1.0,
                     q.noise(primary) + q.noise("c.sqlite"))
        if q.has("c.pg"):
            self.add_row("c", "replay vs PostgreSQL building the same indexes and results by SQL, events/s",
                         fmt_rate(rate), f"PostgreSQL {fmt_rate(q.median('c.pg'))}", rate / q.median("c.pg"), ">=", 3.0,
                         q.noise(primary) + q.noise("c.pg"))
        self.add_row("c", "replay vs raw LMDB cursor scan (lmdb_scan, every byte), events/s", fmt_rate(rate),
                     f"C scan {fmt_rate(q.median('c.scan'))}", rate / q.median("c.scan"), ">=", 0.25,
                     q.noise(primary) + q.noise("c.scan"))
        if self.bench:
            self.add_row("c", "junction-replay rebuild (wall clock, whole process), events/s",
                         fmt_rate(q.median("c.rebuild_wall")), "", None, None, None, q.noise("c.rebuild_wall"))
        log(f"row c: replay {fmt_rate(rate)}, scan {fmt_rate(q.median('c.scan'))}, SQLite {fmt_rate(q.median('c.sqlite'))}")
