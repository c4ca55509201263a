"""The report: quantities and their noise, goals judged against them, formatting, the
machine's facts, the result table, and docs/benchmarks.md."""

import datetime
import os
import platform
import re
import statistics

from .runner import ROOT, BenchError, run

NOT_BUILT = "junction-bench not built"
NOISY = 0.25  # above this noise a row is repeated, and a verdict it cannot settle is "unknown"
NOISY_ATTEMPTS = 3  # runs of a noisy row at most (the quietest is reported)


# The opening of "Where the time goes": how the figures got where they are, stop by stop (rows b, c and d);
# each row's own notes follow it, kept with the row they explain (see bench.WHERE_THE_TIME_GOES).
TIME_HISTORY = [
    "Not measured by this run: written by hand from profiles, `perf record -e cpu-clock -g` on the daemon during row "
    "b's procedure (tools/bench/profile_ingest.py) and on junction-bench replay, and CPU time and page faults per "
    "process read from /proc (callgrind crashes on the LMDB maps here and hardware counters are not available; this "
    "machine's speed also drifts by up to 2x within an hour, so changes were judged in interleaved pairs). Earlier "
    "fixes: JSON strings copied by runs, lines parsed where they lie, ASCII fast paths (17k to about 55k entries/s, "
    "2026-11-29); projectors decoding in place, three rebuilds at once (53k to about 100k events/s); Redaction's "
    "header checks byte for byte (28k to 49k entries/s, 2026-12-02); the logs projection's two appended streams per "
    "request instead of 8 indexes (a replay 69k to 188-219k events/s, 749 to 172 B per entry, 2026-12-02); each "
    "entry's record written from its bytes without a tree, an event or per-field strings (stop 24, the daemon's "
    "CPU per 100k entries down 23-31%).",
    "",
    "Changed in stop 26 (2026-12-03): the connections and activity projections read only a request's connection id, "
    "time and status, the logs projection builds its keys and rows in buffers kept between requests, a one-byte "
    "varint skips the loop (a replay 239k to 275k events/s median, 12 interleaved pairs); the notifier steps over "
    "request logs in place; the daemon keeps its per-request megabyte blocks in the heap (mallopt: minor page faults "
    "per 100k entries 43-62k to 12k); escaped JSON strings are copied and scanned a word at a time; live projectors "
    "let appends gather for 5 ms, the notifier 10 ms.",
    "",
    "Changed in stop 27 (2026-12-03), before this run: the logs projection gathers each stream's values over a batch "
    "and writes them with one MDB_MULTIPLE put per stream, at its end when they sort past it, so LMDB finds a "
    "stream's key once a batch instead of once a request; a rebuild reads and decodes the journal once, on a thread "
    "of its own, and hands each batch of 10,000 events to the three projections' threads (batches of 50,000 were about a sixth slower). By hand (junction-bench "
    "replay on 100k loadgen events, 10 interleaved pairs per step): 227k to 288k events/s median for the grouped "
    "writes, 303k to 357k for the shared reader, CPU per replay 0.62 to 0.43 s; the live logs projector in row b's "
    "procedure 0.53-0.59 to 0.33-0.43 CPU-s per 100k entries (2 pairs). Identical stores (mdb_dump).",
    "",
    "Changed in stop 28 (2026-12-04): a string sent as ASCII skips the UTF-8 check (the scan that "
    "finds quotes and escapes gathers the bytes' high bits on the way), a log entry's member names are matched "
    "with memcmp rather than the generic elementsEqual (5% of the daemon's samples), header names are searched for "
    "the sensitive parts in one pass rather than one per part, and a body of known length is copied once into an "
    "array of that size (it was collected into a growing buffer, then copied out). By hand (profile_ingest.py, 6 "
    "interleaved pairs on a slow hour): the daemon's CPU per 100k entries 1.39 to 1.105 CPU-s median, 70.9k to "
    "80.9k entries/s. Tried and not kept, for no difference beyond the noise (5 pairs each): the journal written "
    "through a writable map (MDB_WRITEMAP: the kernel's page copies give way to as many page faults) and live "
    "projectors gathering appends for 20 ms instead of 5 (at this rate they are behind and read full batches "
    "anyway).",
    "",
    "Changed in stops 29 and 30 (2026-12-04): times and digests on the "
    "back office's pages are written without String(format:) (12.7% of the logs page's samples; junction-bench page "
    "on a 20k-event loadgen journal, p99 5.02 to 4.30-4.42 ms), and the pages escape with a content type of their own "
    "(the five characters found byte by byte in the UTF-8, a text with none of them kept without a copy) instead of "
    "Mustache's, which walked Characters through a dictionary (19% of the samples; 3 interleaved pairs, p50 "
    "3.67-3.77 to 2.79-2.82 ms, p99 3.86-5.22 to 2.90-3.95 ms); what the templates print is handed to Mustache as a "
    "custom renderable, which skips three of the casts it makes on every value, and the labels as their table rather "
    "than a struct of a hundred strings copied at each lookup (3 pairs, p50 2.78-2.86 to 2.44-2.50 ms).",
    "",
    "Changed in stop 31 (2026-12-06): projectors read requests where they lie (BinaryEventCodec.requestFields: "
    "the fields as byte ranges, checked as the decoder checks them) instead of decoding each into an event with "
    "strings of its own, and a rebuild's batches carry their requests as one array of fixed fields and one buffer "
    "of their text (RequestBuffer) instead of events, so the three applying threads no longer retain and release the "
    "same strings (in the profile before, swift_retain and swift_release were 13.5% of a replay's samples, most of "
    "it copying events between threads); the activity projection gathers a batch's counts by connection and day "
    "rather than by a key of bytes made for each request. By hand (junction-bench replay on 100k loadgen events "
    "appended by `junction append`, 8 interleaved pairs): 756k to 1,004k events/s median, user CPU per replay 0.19 "
    "to 0.125 s; the activity change 979k to 1,060k (8 pairs). Then the logs projection looks a request's "
    "combination (connection id, resource, method, status class) up once per request, with its connection's number "
    "and its two streams' slots kept per batch (one hash where there were four), and the projections' per-request "
    "state is exempt from Swift's run-time exclusivity checks (about a tenth of the logs thread): perf stat -r 12, "
    "task-clock per replay 165-188 ms to 147 ms, 1.13M to 1.22M events/s median (8 pairs). Identical stores "
    "(mdb_dump of all three).",
    "",
    "Changed in stop 32 (2026-12-06): the activity projection keeps per connection its zone, the zone's offset with "
    "the stretch of time it holds for (ZoneClock.span: up to the zone's next transition) and the day and batch slot "
    "it last counted in, so a request on its connection's last day costs one lookup where there were four "
    "(connection, zone, quarter hour, day); the connections projection changes a connection's counts in place (one "
    "lookup, not two). perf stat -r 10 of junction-bench replay (100k loadgen events): task-clock 141.9 to 130.7 ms "
    "per replay; identical stores (mdb_dump). Then the journal's readers prefetch: Journal.scan(…prefetchBytes:) "
    "walks LMDB's cursor up to 64 records ahead and asks each record's first 512 bytes into the cache two records "
    "before they are read (a record's first read had been a cache miss each time; the reader's hottest spots were "
    "those first reads); live projectors and a rebuild's reader use it. junction-bench replay, 30 interleaved runs: "
    "1.28M to 1.48M events/s median, CPU per replay 137 to 128 ms; the reader alone (projections' work left out) "
    "1.43-1.59M to 1.82-1.89M events/s, 128 bytes 1.55M, 192 bytes 1.81M, 320 to 1,024 bytes alike. Tried and not "
    "kept: prefetching the whole map first (MADV_POPULATE_READ on a thread of its own, the map's address read from "
    "/proc/self/maps: 1.17M events/s with it, 1.28M without, 20 runs); two readers taking alternate stretches of the "
    "journal, handed over in order (10-60 interleaved runs: within the noise, 1.14-1.20M against 1.15-1.23M events/s "
    "median, and 3-10% more CPU: with five threads on two cores the logs thread, which a rebuild ends with, finished "
    "about 20 ms after the others); the reader at a lower priority (nice +5: +5% median in one set of 30 runs, -3% "
    "in the next 60), or the activity and connections threads (1.245M against 1.238M, 30 runs); live projectors waiting for the gathering delay after every partial batch (profile_ingest.py, "
    "3 pairs: projector CPU unchanged); the JSON string reader testing quotes before its escape switch (LLVM folds "
    "the test back into the same jump table: parseStringBytes 20.6% of the daemon's samples before and after), or "
    "decoding escaped quotes inside the word loop without leaving it (junction append of the 100k loadgen events, 6 "
    "pairs: user CPU 0.58-0.68 s before, 0.64-0.74 s after; the loop is bound by its instructions per short run, "
    "not by the exits); the logs projection's entries gathered per batch and appended through one cursor (30 runs: "
    "1.49M against 1.48M events/s, CPU 130 against 126 ms per replay).",
    "",
]


# ---------------------------------------------------------------- statistics and goals

class Quantities:
    def __init__(self):
        self.values = {}  # name -> list of repeats
        self.units = {}

    def add(self, name, value, unit=""):
        # A run that measured nothing (no sample) is left out rather than stored as None.
        if value is None:
            return
        self.values.setdefault(name, []).append(value)
        self.units[name] = unit

    def has(self, name):
        return bool(self.values.get(name))

    def median(self, name):
        v = self.values.get(name)
        return statistics.median(v) if v else None

    def noise(self, name):
        v = self.values.get(name)
        if not v:
            return None
        m = statistics.median(v)
        return (max(v) - min(v)) / m if m else 0.0


def judge(value, op, target, noise):
    """'met', 'MISSED' or 'unknown'.

    A goal is met only when the measured value meets it and the run is quiet enough to say
    so (noise at most NOISY). A noisy run that meets the goal, or that misses it by less
    than its noise, is 'unknown'; one that misses it even at the favourable end of its
    noise is 'MISSED'.
    """
    if value is None:
        return "skipped"
    noise = noise or 0.0
    if op == ">=":
        meets, within = value >= target, value >= target * (1 - noise)
    elif op == "<":
        meets, within = value < target, value < target * (1 + noise)
    elif op == "<=":
        meets, within = value <= target, value <= target * (1 + noise)
    else:
        raise ValueError(op)
    if noise > NOISY and within:
        return "unknown"
    return "met" if meets else "MISSED"


def fmt_rate(v):
    return "—" if v is None else f"{v:,.0f}/s"


def fmt_ms(v):
    if v is None:
        return "—"
    return f"{v:.3f} ms" if v < 10 else f"{v:,.1f} ms"


def fmt_bytes(v):
    if v is None:
        return "—"
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if v >= size:
            return f"{v / size:.1f} {unit}"
    return f"{v:.0f} B"


def fmt_noise(n):
    return "—" if n is None else f"{n * 100:.0f}%"


# ---------------------------------------------------------------- the report

class Report:
    """The Bench's facts, table and markdown (a mixin: the state is the Bench's)."""

    def machine(self):
        facts = {}
        facts["nproc"] = run(["nproc"])[1].decode().strip()
        cpu = "unknown"
        try:
            with open("/proc/cpuinfo") as f:
                m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
                cpu = m.group(1).strip() if m else cpu
        except OSError:
            pass
        facts["cpu"] = cpu
        try:
            with open("/proc/meminfo") as f:
                m = re.search(r"^MemTotal:\s+(\d+) kB", f.read(), re.M)
                facts["memory"] = fmt_bytes(int(m.group(1)) * 1024)
        except OSError:
            facts["memory"] = "unknown"
        facts["kernel"] = platform.release()
        facts["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        try:
            df = run(["df", "-T", "-P", self.tmp])[1].decode().splitlines()[-1].split()
            device, fstype, size = df[0], df[1], int(df[2]) * 1024
            dev = os.path.basename(device)
            rot = None
            for candidate in (dev, re.sub(r"p?\d+$", "", dev)):
                try:
                    with open(f"/sys/block/{candidate}/queue/rotational") as f:
                        rot = f.read().strip()
                    break
                except OSError:
                    continue
            facts["disk"] = (f"{device} ({fstype}, {fmt_bytes(size)}"
                             + (f", rotational={rot}" if rot is not None else "") + f") holding {self.tmp}")
        except (BenchError, IndexError, ValueError):
            facts["disk"] = "unknown"
        facts["gcc"] = run(["gcc", "-dumpfullversion"])[1].decode().strip()
        swift_version = "unknown"
        for name in sorted(os.listdir(self.bin)) if os.path.isdir(self.bin) else []:
            if name.startswith("swift-version"):
                with open(os.path.join(self.bin, name)) as f:
                    swift_version = f.readline().strip()
        facts["swift"] = swift_version
        try:
            rev = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])[1].decode().strip()
            dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])[1].decode().strip()
            facts["source commit"] = rev + (" (uncommitted changes)" if dirty else "")
        except BenchError:
            facts["source commit"] = "unknown"
        def built(path):
            try:
                return datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            except OSError:
                return "?"
        facts["binaries"] = (f"{self.bin} (junction built {built(self.junction)}"
                             + ("; not rebuilt: --no-build)" if self.args.no_build else ")"))
        facts["junction-bench"] = f"{self.bench} (built {built(self.bench)})" if self.bench else NOT_BUILT
        self.facts = facts

    # ---- table

    def add_row(self, row, measure, junction, baseline, ratio, op, target, noise, value=None, unit=None):
        """A table row. The goal applies to `ratio` (unit ×) or, when given, to `value` (in `unit`)."""
        v = ratio if value is None else value
        if op is None:
            result, goal = "info", ""
        elif junction == NOT_BUILT or v is None:
            result, goal = f"skipped: {NOT_BUILT}" if junction == NOT_BUILT else "skipped", f"{op} {target:g}"
        else:
            result = judge(v, op, target, noise)
            if result == "unknown":
                result = f"unknown: noise {fmt_noise(noise)} > {fmt_noise(NOISY)}"
            goal = f"{op} {target:g}" + ("×" if value is None else (f" {unit}" if unit else ""))
        self.table.append({"row": row, "measure": measure, "junction": junction, "baseline": baseline,
                           "ratio": None if ratio is None else f"{ratio:.2f}×", "goal": goal,
                           "noise": fmt_noise(noise), "result": result, "noise_value": noise,
                           "noisy": op is not None and v is not None and noise is not None and noise > NOISY})

    def render(self):
        cols = ["row", "measure", "junction", "baseline", "ratio", "goal", "noise", "result"]
        head = ["row", "measure", "Junction", "baseline", "ratio", "goal", "noise", "result"]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        for r in sorted(self.table, key=lambda r: r["row"]):
            lines.append("| " + " | ".join(str(r[c] if r[c] is not None else "") .replace("|", "\\|") for c in cols) + " |")
        return "\n".join(lines)

    def quantities_table(self):
        lines = ["| quantity | unit | median | min | max | noise | repeats |", "|---|---|---|---|---|---|---|"]
        for name, vals in self.q.values.items():
            unit = self.q.units.get(name, "")
            f = (lambda v: fmt_bytes(v)) if unit == "bytes" else (lambda v: f"{v:,.4g}" if abs(v) < 100 else f"{v:,.0f}")
            lines.append(f"| {name} | {unit} | {f(statistics.median(vals))} | {f(min(vals))} | {f(max(vals))} | "
                         f"{fmt_noise(self.q.noise(name))} | {', '.join(f(v) for v in vals)} |")
        return "\n".join(lines)

    def markdown(self, command, date, seconds):
        f = self.facts
        w = self.details.get("workload", {})
        out = [
            "# Benchmarks",
            "",
            f"Written by `tools/bench-compare` on {date} in {seconds / 60:.1f} minutes. Command:",
            "",
            "```sh",
            command,
            "```",
            "",
            "## Machine",
            "",
            "| | |",
            "|---|---|",
        ]
        for key in ("nproc", "cpu", "memory", "kernel", "disk", "gcc", "swift", "source commit", "binaries", "junction-bench",
                    "load average at start", "other processes' CPU during the run"):
            out.append(f"| {key} | {f.get(key, '')} |")
        if self.details.get("sqlite_version"):
            out.append(f"| sqlite | {self.details['sqlite_version']} |")
        out += [
            "",
            "## Workloads",
            "",
            f"- **loadgen**: `junction-loadgen --seed 1 --events {self.events} --days 30`: "
            f"{w.get('records', 0):,} events, {fmt_bytes(w.get('record_bytes'))} of binary records "
            f"({fmt_bytes(w.get('ndjson_bytes'))} of NDJSON); {w.get('setup', 0)} setup events and {w.get('tail', 0)} "
            f"disconnections through `POST /v1/events`, {w.get('logs', 0):,} `requestLogged` lines through "
            f"`POST /v1/logs` in batches of {self.ingest_batch} from {self.clients} keep-alive clients "
            f"(`tools/bench/http_load.c`). Records for row a by {w.get('records_by', '?')}.",
            f"- **synthetic**: one connection, {self.page_levels[-1]:,} `requestLogged` lines of ~1 KB (varied resource, "
            f"method, status), ingested through the socket up to {', '.join(f'{l:,}' for l in self.page_levels)} entries.",
            f"- Every quantity measured {self.repeats} times; each ingestion run (rows b, e, f) and each synthetic "
            "history (rows d, g) starts from a fresh data directory with a fresh daemon (`--durability full`, "
            "`--compact-every-hours 0`, projectors running).",
            "",
            "## Results",
            "",
            self.render(),
            "",
            "Noise is (max − min) / median of the repeats; for a ratio, the sum of both sides' noise. A goal is "
            "*met* only when the measured value meets it and the noise is at most "
            f"{fmt_noise(NOISY)}; **MISSED** when the value does not meet it (even at the favourable end of its noise, "
            f"for a noisy run); *unknown* when the noise is above {fmt_noise(NOISY)} and the goal lies within it. A row "
            f"with a goal noisier than {fmt_noise(NOISY)} is run afresh, up to {max(1, self.args.attempts)} runs in all, and the "
            "quietest run is reported"
            + (" (" + ", ".join(f"row {k}: {v} runs" for k, v in sorted(self.attempts.items()) if v > 1) + ")"
               if any(v > 1 for v in self.attempts.values()) else "") + ".",
            "",
            "How each row is measured:",
            "",
            "- **a** `junction-bench append` (Swift Journal API, one batch awaited at a time) and `tools/bench/lmdb_append.c` "
            "(one LMDB write transaction with MDB_APPEND and the `meta` head per batch, default flags: fsync per commit), "
            f"on the same records; batch 1 on the first {self.batch1_records:,} records only.",
            "- **b** socket ingestion rate: entries acknowledged (201, durable) per second of the `POST /v1/logs` phase; "
            f"SQLite: `tools/bench/sqlite_ingest.c`, WAL, synchronous=FULL, the same entries in transactions of "
            f"{self.ingest_batch}, two indexes and an activity UPSERT per entry. PostgreSQL "
            f"{self.details.get('postgres_version', '')}: a temporary cluster on a Unix socket, fsync and "
            "synchronous_commit on, shared_buffers 512MB, max_wal_size 4GB; table `logs` (identity primary key, "
            "bodies as bytea) with the same two indexes, no activity table (kept by nothing during the load); the "
            f"entries as COPY text, one `COPY … FROM STDIN` (one durable commit) per batch of {self.ingest_batch}, "
            f"batches dealt round robin to {self.clients} concurrent psql sessions (and to one session, for "
            "comparison); rate = entries / wall time of all sessions. One core: row b's run with the daemon "
            "started under `taskset -c 0` (its projectors inherit it), the load client free.",
            "- **c** replay: all three projections from the journal row b left; SQLite: CREATE INDEX ×2, activity and "
            "a per-connection summary by INSERT … SELECT … GROUP BY over the loaded table; lmdb_scan: a read-only "
            "cursor over `events` summing every byte. PostgreSQL: the table loaded without indexes (not timed), "
            "VACUUM ANALYZE, CHECKPOINT, then one transaction timed: CREATE INDEX ×2, `activity` and `summary` by "
            "CREATE TABLE … AS SELECT … GROUP BY.",
            "- **d** socket: `http_load --get` (C, one keep-alive connection over the Unix socket, requests one after "
            f"the other, {self.page_iterations:,} measured after a warm-up) once the projections have caught up; "
            "in process: `junction-bench page` on a copy of the data directory (the data directory itself, daemon "
            "stopped, at the last level).",
            "- **e** row b's runs against runs of the same procedure with `POST /v1/compact` "
            f"`{self.compact_body.decode()}` in a loop during the `/v1/logs` phase (bodies older than 15 days before "
            "the loadgen end expire, so each run rewrites what was projected since the last).",
            "- **f** `http_load --rate R/2 --lag` (R: row b's median), open loop; a thread polls `GET /v1/status` every "
            "5 ms; an acknowledged batch's lag is the first poll received after its ack showing every projection's "
            "checkpoint ≥ its `last_seq`, minus the ack time (resolution: one poll round trip).",
            "- **g** `/proc/PID/status` of the `junction serve` process every 100 ms (RssAnon; VmHWM also counts "
            "mapped LMDB pages); bytes on disk: allocated blocks of `journal/` and each `projections/<name>/`, "
            "divided by the journal's events.",
            "- **h** `wrk -t2 -c32 --latency` GETs of `/v1/locations/bench-1/orders` with a location token (scope "
            "`orders.write,catalog.read`), rate limits set out of reach; the upstream is nginx answering a fixed "
            "66-byte JSON (no log). *gateway*: `junction serve --gateway … --upstream …` (`--durability full`: each "
            "call's log entry is durable before it is answered). *nginx+auth_request*: the same nginx as the proxy, "
            "`auth_request` to `GET /v1/token` on Junction's socket (keep-alive upstreams), the token header removed "
            "before the upstream, `combined` access log on (no bodies, no trusted headers). Half load: wrk pacing "
            "each connection 10 ms between requests, with as many connections as give half the gateway's full-load "
            "rate; the added p99 is the gateway's minus the direct path's in the same repeat.",
            "- **i** row b's procedure (the loadgen workload, same batches and clients) on a daemon started with "
            "`--replicate` (three `nats-server` on loopback, one JetStream cluster, a fresh R3 stream per run) in "
            "sync and async modes, beside runs without it; the follower's lag: `http_load --rate R/2 --lag "
            "--lag-socket` polling the follower's `/v1/status` (its projections' checkpoints ≥ the batch's "
            "`last_seq`), R the sync median (half load of the writer under test). The ceiling: "
            "`tools/bench/nats_publish` (C, libnats) publishing the same records with the replicator's headers, "
            "message ids and expected last sequences, async with a window of 4096 acks, to a fresh R3 stream of the "
            "same cluster; the servers' CPU time is read from /proc around it.",
        ]
        if self.notes:
            out += ["", "## Notes", ""] + [f"- {n}" for n in self.notes]
        out += ["", "## Where the time goes", ""] + self.where_the_time_goes
        out += ["", "## All quantities", "", self.quantities_table(), ""]
        return "\n".join(out)
