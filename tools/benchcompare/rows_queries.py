"""Rows d and g on one synthetic connection of ~1 KB entries: the logs page's latency through
the socket and in process, the back office's HTML page (d), and the daemon's memory and
the bytes on disk per event while it ingests them (g)."""

import os
import shutil
import subprocess
import time

from .data import SYN_CONNECTION, synthetic_entries, synthetic_setup
from .report import NOT_BUILT, fmt_bytes, fmt_ms, fmt_rate
from .runner import BenchError, Daemon, MemorySampler, disk_usage, log, proc_status, run, run_json, settle

# Row d's part of "Where the time goes" in the report.
TIME_ROW_D = [
    "- **Row d, the HTML page.** Mustache's lookups are most of it (perf, stop 30, before the custom renderables): "
    "getChild 50% of the samples, of which the library's dynamic casts (each value asked whether it is a template, a "
    "lambda, a custom representation or an optional) 28% and splitting each name on its dots 7.6%; the LMDB query 5%. What would cut "
    "it further: fewer lookups per entry (a row's cells rendered from one value) or templates compiled to Swift.",
]


class QueryRows:
    """Rows d and g (a mixin of bench.Bench: the state is the Bench's)."""

    def log_tools(self, daemon, q):
        """Row k (issue 39) on row d's daemon at its largest level: the error groups' p99, a
        body search's p99 (a text no entry holds: the page reads its whole budget), and the
        export of every entry (rate, and the daemon's RssAnon above what it held idle)."""
        warmup = max(50, self.page_iterations // 10)
        for key, path in (("k.errors", f"/v1/connections/{SYN_CONNECTION}/errors"),
                          ("k.search", f"/v1/connections/{SYN_CONNECTION}/logs?limit=50&text=T-no-such-ticket")):
            settle()
            g = run_json([self.c["http_load"], "--socket", daemon.sock, "--get", path, "--iterations",
                          max(100, self.page_iterations // 5), "--warmup", warmup // 5])
            q.add(key, g["latency_ms"]["p99"], "ms")
            q.add(key + "50", g["latency_ms"]["p50"], "ms")
        settle()
        idle = proc_status(daemon.pid).get("RssAnon", 0)
        sampler = MemorySampler(daemon.pid, interval=0.05)
        sampler.start()
        start = time.monotonic()
        rc, out = run(["curl", "-s", "--unix-socket", daemon.sock, "-o", "/dev/null", "-w", "%{size_download} %{http_code}",
                       f"http://localhost/v1/connections/{SYN_CONNECTION}/logs/export?format=ndjson"])
        seconds = time.monotonic() - start
        mem = sampler.finish()
        size, code = (out or b"0 0").decode().split()
        if code != "200":
            raise BenchError(f"export answered {code}")
        entries = self.page_levels[-1]
        q.add("k.export_rate", entries / seconds, "entries/s")
        q.add("k.export_rss", max(0, mem["peak_rss_anon"] - idle), "bytes")
        q.add("k.export_bytes", int(size), "bytes")
        log(f"row k: errors p99 {fmt_ms(q.values['k.errors'][-1])}, body search p99 {fmt_ms(q.values['k.search'][-1])}, "
            f"export {entries:,} entries in {seconds:.2f} s ({entries / seconds:,.0f}/s, {int(size):,} bytes), "
            f"RssAnon +{fmt_bytes(q.values['k.export_rss'][-1])} over idle")

    def row_k(self):
        """Row k's lines (measured within row d's runs)."""
        q = self.q
        hi = self.page_levels[-1]
        if not q.has("k.errors"):
            return
        self.add_row("k", f"error groups (GET …/errors) p99 via socket, {hi:,} entries", fmt_ms(q.median("k.errors")),
                     f"p50 {fmt_ms(q.median('k.errors50'))}", None, "<", 5.0, q.noise("k.errors"), value=q.median("k.errors"), unit="ms")
        self.add_row("k", f"body search page p99 via socket (a text no entry holds: {5000:,} entries read), {hi:,} entries",
                     fmt_ms(q.median("k.search")), f"p50 {fmt_ms(q.median('k.search50'))}", None, "<", 50.0, q.noise("k.search"),
                     value=q.median("k.search"), unit="ms")
        self.add_row("k", f"export of {hi:,} entries (NDJSON, no bodies) via socket", fmt_rate(q.median("k.export_rate")),
                     f"{fmt_bytes(q.median('k.export_bytes'))}", None, ">=", 200_000.0, q.noise("k.export_rate"),
                     value=q.median("k.export_rate"), unit="entries/s")
        self.add_row("k", "daemon RssAnon during the export, above idle", fmt_bytes(q.median("k.export_rss")), "", None,
                     "<", float(100 << 20), q.noise("k.export_rss"), value=q.median("k.export_rss"), unit="bytes")

    def rows_d_g(self):
        q = self.q
        levels = self.page_levels
        total = levels[-1]
        page = f"/v1/connections/{SYN_CONNECTION}/logs?limit=50"
        filtered = page + "&resource=orders&method=POST,PATCH&status=2xx"
        for r in range(self.repeats):
            data = os.path.join(self.tmp, f"d{r}")
            shutil.rmtree(data, ignore_errors=True)  # left by an earlier run of a noisy row
            run([self.junction, "init", "--data", data], stdout=subprocess.DEVNULL)
            daemon = Daemon(self, data).start()
            sampler = None
            try:
                daemon.post_ndjson("/v1/events", synthetic_setup())
                sampler = MemorySampler(daemon.pid)
                sampler.start()
                done = 0
                ingest_seconds = 0.0
                for level in levels:
                    chunk = os.path.join(self.tmp, "synthetic.ndjson")
                    synthetic_entries(chunk, done, level - done, total)
                    res = run_json([self.c["http_load"], "--socket", daemon.sock, "--file", chunk, "--batch",
                                    self.ingest_batch, "--clients", self.clients])
                    os.unlink(chunk)
                    ingest_seconds += res["seconds"]
                    done = level
                    st = daemon.wait_caught_up()
                    journal_count = st["journal"]["count"]
                    settle()
                    g = run_json([self.c["http_load"], "--socket", daemon.sock, "--get", page, "--iterations",
                                  self.page_iterations, "--warmup", max(50, self.page_iterations // 10)])
                    q.add(f"d.socket.{level}", g["latency_ms"]["p99"], "ms")
                    q.add(f"d.socket50.{level}", g["latency_ms"]["p50"], "ms")
                    g = run_json([self.c["http_load"], "--socket", daemon.sock, "--get", filtered, "--iterations",
                                  self.page_iterations, "--warmup", max(50, self.page_iterations // 10)])
                    q.add(f"d.filtered.{level}", g["latency_ms"]["p99"], "ms")
                    if level == levels[-1]:
                        self.log_tools(daemon, q)
                    if self.bench:
                        if level == levels[-1]:
                            mem = sampler.finish()
                            sampler = None
                            daemon.stop()
                            target = data
                        else:
                            target = os.path.join(self.tmp, f"d{r}-copy")
                            shutil.copytree(data, target, ignore=shutil.ignore_patterns("*.sock", "LOCK", "lock.mdb"))
                        settle()
                        p = run_json([self.bench, "page", "--data", target, "--connection", SYN_CONNECTION, "--limit", 50,
                                      "--iterations", self.page_iterations])
                        if target != data:
                            shutil.rmtree(target)
                        q.add(f"d.inproc.{level}", p["p99_ms"], "ms")
                        q.add(f"d.inproc50.{level}", p["p50_ms"], "ms")
                        if isinstance(p.get("html_page_ms"), dict):
                            q.add(f"d.html.{level}", p["html_page_ms"]["p99"], "ms")
                            q.add(f"d.html50.{level}", p["html_page_ms"]["p50"], "ms")
                            q.add(f"d.html_filtered.{level}", p["html_filtered_page_ms"]["p99"], "ms")
                            q.add(f"d.html_bytes.{level}", p["html_page_bytes"], "bytes")
                        if isinstance(p.get("html_check_page_ms"), dict):
                            q.add(f"d.html_check.{level}", p["html_check_page_ms"]["p99"], "ms")
                            q.add(f"d.html_check50.{level}", p["html_check_page_ms"]["p50"], "ms")
                        for key, name in (("filtered_ms", "filtered"), ("page_21_ms", "deep"), ("activity_ms", "activity")):
                            if isinstance(p.get(key), dict) and "p99" in p[key]:
                                q.add(f"d.inproc_{name}.{level}", p[key]["p99"], "ms")
                    log(f"row d run {r + 1}, {level:,} entries: socket p50 {fmt_ms(q.values[f'd.socket50.{level}'][-1])} "
                        f"p99 {fmt_ms(q.values[f'd.socket.{level}'][-1])}"
                        + (f", in process p99 {fmt_ms(q.values[f'd.inproc.{level}'][-1])}" if self.bench else ""))
                if sampler:
                    mem = sampler.finish()
                    sampler = None
                q.add("g.peak_anon", mem["peak_rss_anon"], "bytes")
                q.add("g.peak_hwm", mem["peak_vm_hwm"], "bytes")
                q.add("g.children_anon", mem["children_peak_rss_anon"], "bytes")
                q.add("d.ingest_rate", total / ingest_seconds, "entries/s")
                daemon.stop()
                disk = disk_usage(data, journal_count)
                self.details["synthetic_disk"] = disk
                log(f"row g run {r + 1}: daemon peak RssAnon {fmt_bytes(mem['peak_rss_anon'])}, "
                    f"VmHWM {fmt_bytes(mem['peak_vm_hwm'])}; {fmt_bytes(disk['per_event']['total'])}/event on disk")
            finally:
                if sampler:
                    sampler.finish()
                daemon.stop()
                shutil.rmtree(data, ignore_errors=True)
                shutil.rmtree(os.path.join(self.tmp, f"d{r}-copy"), ignore_errors=True)
        for level in levels:
            self.add_row("d", f"logs page (limit 50) p99 via socket, {level:,} entries", fmt_ms(q.median(f"d.socket.{level}")),
                         f"p50 {fmt_ms(q.median(f'd.socket50.{level}'))}", None, "<", 2.0, q.noise(f"d.socket.{level}"),
                         value=q.median(f"d.socket.{level}"), unit="ms")
        lo, hi = levels[0], levels[-1]
        self.add_row("d", f"socket p99 flatness: {hi:,} vs {lo:,} entries", fmt_ms(q.median(f"d.socket.{hi}")),
                     fmt_ms(q.median(f"d.socket.{lo}")), q.median(f"d.socket.{hi}") / q.median(f"d.socket.{lo}"), "<=", 2.0,
                     q.noise(f"d.socket.{hi}") + q.noise(f"d.socket.{lo}"))
        self.add_row("d", f"filtered page p99 via socket (resource, 2 methods, 2xx), {hi:,} entries",
                     fmt_ms(q.median(f"d.filtered.{hi}")), "", None, None, None, q.noise(f"d.filtered.{hi}"))
        for level in levels:
            if self.bench:
                self.add_row("d", f"logs page p99 in process, {level:,} entries", fmt_ms(q.median(f"d.inproc.{level}")),
                             f"p50 {fmt_ms(q.median(f'd.inproc50.{level}'))}", None, "<", 0.2, q.noise(f"d.inproc.{level}"),
                             value=q.median(f"d.inproc.{level}"), unit="ms")
            else:
                self.add_row("d", f"logs page p99 in process, {level:,} entries", NOT_BUILT, "", None, "<", 0.2, None)
        if q.has(f"d.html_check.{hi}"):
            self.add_row("d", f"check page (Vérifier la connexion) HTML p99 in process, {hi:,} entries",
                         fmt_ms(q.median(f"d.html_check.{hi}")), f"p50 {fmt_ms(q.median(f'd.html_check50.{hi}'))}", None, "<", 5.0,
                         q.noise(f"d.html_check.{hi}"), value=q.median(f"d.html_check.{hi}"), unit="ms")
        extras = (("filtered", "filtered logs page"), ("deep", "21st logs page (by cursor)"), ("activity", "30-day activity chart"))
        for name, what in extras:
            if q.has(f"d.inproc_{name}.{hi}"):
                self.add_row("d", f"{what} p99 in process, {hi:,} entries", fmt_ms(q.median(f"d.inproc_{name}.{hi}")), "",
                             None, None, None, q.noise(f"d.inproc_{name}.{hi}"))
        if self.bench:
            self.add_row("d", f"in-process p99 flatness: {hi:,} vs {lo:,} entries", fmt_ms(q.median(f"d.inproc.{hi}")),
                         fmt_ms(q.median(f"d.inproc.{lo}")), q.median(f"d.inproc.{hi}") / q.median(f"d.inproc.{lo}"), "<=", 2.0,
                         q.noise(f"d.inproc.{hi}") + q.noise(f"d.inproc.{lo}"))
        # The back office's logs page (issue 13): query, view model and Mustache rendering of
        # the whole page, as `GET /connections/{id}/logs` answers it without HTTP.
        for level in levels:
            if q.has(f"d.html.{level}"):
                self.add_row("d", f"back office logs page HTML p99 in process, {level:,} entries",
                             fmt_ms(q.median(f"d.html.{level}")),
                             f"p50 {fmt_ms(q.median(f'd.html50.{level}'))}, filtered p99 "
                             f"{fmt_ms(q.median(f'd.html_filtered.{level}'))}", None, "<", 5.0,
                             q.noise(f"d.html.{level}"), value=q.median(f"d.html.{level}"), unit="ms")
        if q.has(f"d.html.{hi}") and q.has(f"d.html.{lo}"):
            self.add_row("d", f"logs page HTML p99 flatness: {hi:,} vs {lo:,} entries", fmt_ms(q.median(f"d.html.{hi}")),
                         fmt_ms(q.median(f"d.html.{lo}")), q.median(f"d.html.{hi}") / q.median(f"d.html.{lo}"), "<=", 2.0,
                         q.noise(f"d.html.{hi}") + q.noise(f"d.html.{lo}"))
            kb = q.median(f"d.html_bytes.{hi}") / 1000
            self.add_row("d", f"logs page weight, {hi:,} entries (KB)", f"{kb:.1f}", "", None, "<", 150.0,
                         q.noise(f"d.html_bytes.{hi}"), value=kb, unit="KB")
        mb = 1 << 20
        self.add_row("g", f"daemon peak RssAnon ingesting {total:,} entries (MiB)", f"{q.median('g.peak_anon') / mb:.1f}",
                     f"VmHWM {fmt_bytes(q.median('g.peak_hwm'))}; projector peak RssAnon {fmt_bytes(q.median('g.children_anon'))}",
                     None, "<", 200.0, q.noise("g.peak_anon"), value=q.median("g.peak_anon") / mb, unit="MiB")
        if q.has("b.peak_anon"):  # row b ran
            self.add_row("g", "daemon peak RssAnon ingesting the loadgen workload (MiB)",
                         f"{q.median('b.peak_anon') / mb:.1f}", "", None, None, None, q.noise("b.peak_anon"))
        for name, disk in (("synthetic ~1 KB entries", self.details.get("synthetic_disk")),
                           ("loadgen workload", self.details.get("loadgen_disk"))):
            if not disk:
                continue
            per = disk["per_event"]
            parts = ", ".join(f"{k} {per[k]:,.0f}" for k in per if k != "total")
            self.add_row("g", f"bytes on disk per event, {name} ({disk['events']:,} events)", f"{per['total']:,.0f} B",
                         parts, None, None, None, 0.0)
