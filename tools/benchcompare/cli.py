"""main(): the command line of tools/bench-compare (its --help is the package's docstring)."""

import argparse
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time

from . import __doc__ as DESCRIPTION
from .bench import Bench
from .report import NOISY, NOISY_ATTEMPTS
from .runner import CHILDREN, DAEMONS, ROOT, BenchError, CpuAccount, log


def main():
    parser = argparse.ArgumentParser(description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true", help="use the binaries already built (.build/release)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run (does not write docs/benchmarks.md "
                        "unless --markdown is given)")
    parser.add_argument("--events", type=int, help="loadgen events (default 100000; 6000 with --quick)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each measurement (at least 3)")
    parser.add_argument("--batch", type=int, default=500, help="entries per POST /v1/logs (default 500)")
    parser.add_argument("--clients", type=int, default=8, help="http_load clients (default 8)")
    parser.add_argument("--page-levels", help="entries of the synthetic connection, comma-separated "
                        "(default 10000,100000,1000000)")
    parser.add_argument("--only", help="rows to run, e.g. a,c (b is added when c, e or f need it)")
    parser.add_argument("--markdown", help="where to write the report (default docs/benchmarks.md)")
    parser.add_argument("--bin", help="directory of junction, junction-loadgen, junction-replay")
    parser.add_argument("--junction-bench", help="path of junction-bench")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--attempts", type=int, default=NOISY_ATTEMPTS,
                        help=f"runs of a row at most while one of its goals is noisier than {NOISY * 100:.0f}%% "
                        f"(default {NOISY_ATTEMPTS}; 1 never repeats)")
    args = parser.parse_args()

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    started = time.monotonic()
    cpu = CpuAccount()
    bench = Bench(args)
    bench.tmp = tempfile.mkdtemp(prefix="bench-compare.")
    log(f"temporary directory {bench.tmp}")
    try:
        bench.build()
        bench.machine()
        if not args.only or set(args.only.split(",")) - {"h"}:
            bench.workload()  # row h needs none of it
        bench.run_rows()
    except BenchError as e:
        log(f"failed: {e}")
        return 2
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        for d in list(DAEMONS):
            d.stop()
        if getattr(bench, "pg", None):
            bench.pg.stop()
        for p in list(CHILDREN):
            p.kill()
        if args.keep:
            log(f"kept {bench.tmp}")
        else:
            shutil.rmtree(bench.tmp, ignore_errors=True)

    seconds = time.monotonic() - started
    c = cpu.report()
    bench.facts["other processes' CPU during the run"] = (
        f"{c['other']:.0f} core-seconds of {c['wall'] * (os.cpu_count() or 1):.0f} ({c['other_share'] * 100:.0f}% of the "
        f"machine; this run used {c['own']:.0f})")
    if c["other_share"] > 0.05:
        bench.notes.append(f"Other processes used {c['other_share'] * 100:.0f}% of the machine's CPU during this run: "
                           "the numbers (and their noise) include that disturbance.")
    log(f"other processes used {c['other']:.0f} core-seconds ({c['other_share'] * 100:.0f}% of the machine) during the run")
    table = bench.render()
    print(table)
    command = "tools/bench-compare " + " ".join(sys.argv[1:]) if len(sys.argv) > 1 else "tools/bench-compare"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    path = args.markdown or (None if args.quick else os.path.join(ROOT, "docs", "benchmarks.md"))
    if path:
        with open(path, "w") as f:
            f.write(bench.markdown(command, date, seconds))
        log(f"wrote {path}")
    missed = [r for r in bench.table if r["result"].startswith("MISSED")]
    unknown = [r for r in bench.table if r["result"].startswith("unknown")]
    log(f"done in {seconds / 60:.1f} min: {len(missed)} goal(s) missed, {len(unknown)} unknown (noisy)" + (f", {len(bench.failed)} row(s) failed" if bench.failed else ""))
    if bench.failed:
        return 2
    return 1 if missed else 0
