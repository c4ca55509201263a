"""The Bench: the run's shared state, its setup (the build, the C baselines, the workload),
and the rows run in order, each settled against its noise. The rows themselves are the
mixins of the rows_* modules; the table and the markdown are report.Report's."""

import datetime
import json
import os
import shutil
import subprocess
import sys

from .data import LOADGEN_END, split_loadgen, truncate_records, write_entries
from .postgres import PostgresServer
from .report import NOISY, NOT_BUILT, TIME_HISTORY, Quantities, Report, fmt_bytes, fmt_noise
from .rows_gateway import TIME_ROW_H, GatewayRows
from .rows_callbacks import CallbackRows
from .rows_ingest import TIME_ROW_B, IngestRows
from .rows_journal import TIME_ROW_C, JournalRows
from .rows_queries import TIME_ROW_D, QueryRows
from .rows_replication import TIME_ROW_I, ReplicationRows
from .rows_tail import TailRows
from .runner import BENCH_SRC, ROOT, BenchError, log, run, run_json

# What `perf record -e cpu-clock -g` showed on 2026-11-29 (commits a244cc7 to c3513d0), for the
# rows that miss their goal. Static text: profile again when the numbers move.
# The history first (report.TIME_HISTORY), then each row's notes, kept in their rows' modules.
WHERE_THE_TIME_GOES = TIME_HISTORY + TIME_ROW_D + [""] + TIME_ROW_B + TIME_ROW_C + TIME_ROW_H + TIME_ROW_I


class Bench(JournalRows, IngestRows, QueryRows, GatewayRows, ReplicationRows, CallbackRows, TailRows, Report):
    """One run: its arguments, the binaries, the workload's files, the quantities measured
    and the table, shared by the rows (the mixins) and the report."""

    where_the_time_goes = WHERE_THE_TIME_GOES  # the report's section of that name

    def __init__(self, args):
        self.args = args
        self.q = Quantities()
        self.table = []  # rows of the result table
        self.notes = []
        self.details = {}
        self.failed = []  # rows that could not be measured
        self.attempts = {}  # row -> runs it took to settle its noise
        quick = args.quick
        self.events = args.events or (6000 if quick else 100000)
        self.repeats = max(3, args.repeats)
        self.batch1_records = 300 if quick else 2000
        self.append_batches = [1, 100, 500, 1000]
        self.ingest_batch = args.batch
        if self.ingest_batch not in self.append_batches:
            self.append_batches.append(self.ingest_batch)
            self.append_batches.sort()
        self.clients = args.clients
        if args.page_levels:
            self.page_levels = [int(x) for x in args.page_levels.split(",")]
        else:
            self.page_levels = [1000, 5000, 20000] if quick else [10000, 100000, 1000000]
        self.page_iterations = 300 if quick else 5000
        self.compact_body = json.dumps({"now": (LOADGEN_END + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                        "body_days": 15}).encode()

    # ---- setup

    def build(self):
        a = self.args
        if a.no_build:
            self.bin = a.bin or os.path.join(ROOT, ".build", "release")
            bench = a.junction_bench or os.path.join(ROOT, "Benchmarks", ".build", "release", "junction-bench")
            self.bench = bench if os.access(bench, os.X_OK) else None
        else:
            log("swift build -c release")
            run(["swift", "build", "-c", "release"], cwd=ROOT, stdout=sys.stderr)
            self.bin = a.bin or run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT)[1].decode().strip()
            log("swift build -c release --package-path Benchmarks --product junction-bench")
            # SwiftPM can keep the Benchmarks package's build plan from before a source file
            # was added to the main package (a path dependency), and then links a junction-bench
            # without it (stop 19's logs-page figures came from such a binary, missing the
            # templates' lookups): the plan is dropped so that it is made from today's files.
            for stale in ("release.yaml", os.path.join("release", "description.json")):
                try:
                    os.unlink(os.path.join(ROOT, "Benchmarks", ".build", stale))
                except FileNotFoundError:
                    pass
            run(["swift", "build", "-c", "release", "--package-path", "Benchmarks", "--product", "junction-bench"], cwd=ROOT,
                stdout=sys.stderr)
            bench_bin = run(["swift", "build", "-c", "release", "--package-path", "Benchmarks", "--show-bin-path"],
                            cwd=ROOT)[1].decode().strip()
            self.bench = a.junction_bench or os.path.join(bench_bin, "junction-bench")
            if not os.access(self.bench, os.X_OK):
                raise BenchError(f"{self.bench} missing after the build")
        self.junction = os.path.join(self.bin, "junction")
        self.loadgen = os.path.join(self.bin, "junction-loadgen")
        self.replay = os.path.join(self.bin, "junction-replay")
        needed = (self.junction,) if self.args.only == "h" else (self.junction, self.loadgen)
        if not self.args.only or set(self.args.only.split(",")) & set("abcdefg"):
            needed += (self.replay,)
        for b in needed:
            if not os.access(b, os.X_OK):
                raise BenchError(f"{b} not found (build first, or drop --no-build)")
        if self.bench is None:
            self.notes.append(f"{NOT_BUILT}: rows needing it are skipped (run without --no-build for the real run).")
            log(f"{NOT_BUILT}: its rows are skipped")

        self.cbin = os.path.join(self.tmp, "bin")
        os.makedirs(self.cbin)
        programs = {"lmdb_append": ["-llmdb"], "lmdb_scan": ["-llmdb"], "http_load": ["-pthread"],
                    "sqlite_ingest": ["-lsqlite3"]}
        nats_flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libnats"], capture_output=True, text=True)
        if nats_flags.returncode == 0:
            programs["nats_publish"] = nats_flags.stdout.split()  # row i's engine ceiling (libnats-dev)
        for name, libs in programs.items():
            run(["gcc", "-O2", "-Wall", "-o", os.path.join(self.cbin, name), os.path.join(BENCH_SRC, name + ".c")] + libs)
        self.c = {name: os.path.join(self.cbin, name) for name in programs}
        log(f"compiled {', '.join(programs)} with gcc -O2 into {self.cbin}")

    def workload(self):
        t = self.tmp
        self.lg = os.path.join(t, "loadgen.ndjson")
        log(f"junction-loadgen --seed 1 --events {self.events} --days 30")
        with open(self.lg, "wb") as out:
            run([self.loadgen, "--seed", "1", "--events", self.events, "--days", "30"], stdout=out)
        self.setup_path, self.logs_path, self.tail_path = (os.path.join(t, n) for n in ("setup.ndjson", "logs.ndjson", "tail.ndjson"))
        self.split = split_loadgen(self.lg, self.setup_path, self.logs_path, self.tail_path)
        with open(self.setup_path, "rb") as f:
            self.setup = f.read()
        with open(self.tail_path, "rb") as f:
            self.tail = f.read()
        # The source journal and its records.
        src = os.path.join(t, "source")
        run([self.junction, "init", "--data", src], stdout=subprocess.DEVNULL)
        log("junction append --data source < loadgen.ndjson")
        with open(self.lg, "rb") as f:
            run([self.junction, "append", "--data", src], stdin=f, stdout=subprocess.DEVNULL)
        self.records = os.path.join(t, "records.bin")
        if self.bench:
            r = run_json([self.bench, "records", "--journal", os.path.join(src, "journal"), "--out", self.records])
            self.records_by = "junction-bench records"
        else:
            r = run_json([self.c["lmdb_scan"], os.path.join(src, "journal"), "--dump", self.records])
            self.records_by = "lmdb_scan --dump (junction-bench not built)"
        self.record_count, self.record_bytes = r["records"], r["bytes"]
        self.records_small = os.path.join(t, "records-small.bin")
        truncate_records(self.records, self.records_small, self.batch1_records)
        shutil.rmtree(src)
        self.entries = os.path.join(t, "entries.bin")
        n = write_entries(self.logs_path, self.entries)
        log(f"workload: {self.record_count} records ({fmt_bytes(self.record_bytes)}), {self.split['setup']} setup, "
            f"{n} requestLogged, {self.split['tail']} disconnections")
        self.details["workload"] = {"loadgen_events": self.events, "records": self.record_count,
                                    "record_bytes": self.record_bytes, **self.split,
                                    "ndjson_bytes": os.path.getsize(self.lg), "records_by": self.records_by}

    # ---- the rows

    def run_rows(self):
        only = set(self.args.only.split(",")) if self.args.only else set("abcdefghijkl")
        if "k" in only:
            only.add("d")  # k is measured on row d's daemon
        if only & set("cefl"):
            only.add("b")  # c replays b's data, e compares with b, f runs at half b's rate
        if "b" in only:
            only.add("a")  # b compares with a's C loop at the same batch
        steps = [("a", self.row_a), ("b", self.rows_b_e), ("c", self.row_c), ("f", self.row_f), ("l", self.row_l), ("d", self.rows_d_g), ("k", self.row_k),
                 ("h", self.row_h), ("i", self.row_i), ("j", self.row_j)]
        for name, step in steps:
            if name not in only and not (name == "d" and "g" in only):
                continue
            try:
                self.run_settled(name, step)
            except Exception as e:  # noqa: BLE001 — one row's failure must not lose the others
                if not isinstance(e, BenchError):
                    import traceback
                    traceback.print_exc()
                    e = BenchError(f"{type(e).__name__}: {e}")
                log(f"row {name} failed: {e}")
                self.failed.append(f"{name}: {e}")
                self.table.append({"row": name, "measure": "(failed)", "junction": "", "baseline": "", "ratio": None,
                                   "goal": "", "noise": "", "result": f"ERROR: {e}"})
                if name in ("a", "b"):
                    break

    def postgres(self):
        """The run's PostgreSQL server, started on first use; None when it is not installed."""
        if getattr(self, "pg", None) is None and not getattr(self, "pg_missing", False):
            try:
                self.pg = PostgresServer()
                log(f"PostgreSQL {self.pg.version} on {self.pg.base}")
            except BenchError as e:
                self.pg_missing = True
                self.notes.append(f"PostgreSQL rows skipped: {e}")
                log(f"PostgreSQL rows skipped: {e}")
        return getattr(self, "pg", None)

    def run_settled(self, name, step):
        """Runs a row's step; while one of its goals is noisier than NOISY, runs it afresh (up
        to NOISY_ATTEMPTS runs in all) and keeps the quietest run's figures."""
        attempts = []
        limit = max(1, self.args.attempts)
        for attempt in range(limit):
            rows_before = len(self.table)
            values_before = {k: list(v) for k, v in self.q.values.items()}
            step()
            rows = self.table[rows_before:]
            noisy = [r for r in rows if r.get("noisy")]
            worst = max((r["noise_value"] for r in noisy), default=0.0)
            attempts.append((worst, rows, {k: list(v) for k, v in self.q.values.items()}))
            if not noisy or attempt == limit - 1:
                break
            log(f"row {name}: {len(noisy)} goal(s) noisier than {fmt_noise(NOISY)} "
                f"(worst {fmt_noise(worst)}); running it again ({attempt + 2} of at most {limit})")
            del self.table[rows_before:]
            self.q.values = values_before
        worst, rows, values = min(attempts, key=lambda a: a[0])
        if len(attempts) > 1:
            log(f"row {name}: kept the quietest of {len(attempts)} runs (worst noise {fmt_noise(worst)})")
            self.table[len(self.table) - len(attempts[-1][1]):] = rows
            self.q.values = values
        self.attempts[name] = len(attempts)
