"""Running things: commands and their JSON answers, the daemon (`junction serve`) and its
Unix-socket HTTP client, memory and CPU sampling, disk usage, free ports."""

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH_SRC = os.path.join(ROOT, "tools", "bench")
T0 = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - T0:7.1f}s] {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ---------------------------------------------------------------- processes

CHILDREN = []  # Popen objects still running, killed on exit
DAEMONS = []  # Daemon objects still running, stopped on exit


def run(cmd, *, stdin=None, stdout=None, timeout=None, check=True, cwd=None, env=None):
    """Runs a command; its stderr goes to ours. Returns (returncode, stdout bytes)."""
    cmd = [str(c) for c in cmd]
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout if stdout is not None else subprocess.PIPE, cwd=cwd, env=env)
    CHILDREN.append(proc)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        CHILDREN.remove(proc)
    if check and proc.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} exited with {proc.returncode}")
    return proc.returncode, out


def run_json(cmd, check=True, timeout=None):
    """Runs a tool that prints one JSON object (its last non-empty line)."""
    rc, out = run(cmd, check=False, timeout=timeout)
    lines = [l for l in (out or b"").decode("utf-8", "replace").splitlines() if l.strip()]
    if not lines:
        raise BenchError(f"{' '.join(map(str, cmd))} printed nothing (exit {rc})")
    try:
        result = json.loads(lines[-1])
    except ValueError:
        raise BenchError(f"{' '.join(map(str, cmd))}: not JSON: {lines[-1][:200]}")
    if check and rc != 0:
        raise BenchError(f"{' '.join(map(str, cmd))} exited with {rc}: {lines[-1][:300]}")
    result["_exit"] = rc
    return result


class UnixHTTPConnection(HTTPConnection):
    def __init__(self, path, timeout=300):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def http(sock, method, path, body=None, content_type=None, timeout=300):
    conn = UnixHTTPConnection(sock, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if content_type else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Daemon:
    """`junction serve` on a data directory, durable, no scheduled compaction."""

    def __init__(self, ctx, data, extra=(), command="serve", prefix=()):
        self.ctx, self.data, self.command = ctx, data, command
        self.prefix = list(prefix)  # e.g. taskset -c 0 (exec'd: the pid stays the daemon's)
        self.sock = os.path.join(data, "junction.sock")
        self.extra = list(extra)
        # Projections left out (--without-projection NAME): not waited for.
        self.left_out = {self.extra[i + 1] for i, a in enumerate(self.extra[:-1]) if a == "--without-projection"}
        self.proc = None

    def start(self):
        logfile = open(self.data + ".serve.log", "ab")
        self.proc = subprocess.Popen(
            self.prefix + [self.ctx.junction, self.command, "--data", self.data, "--socket", self.sock]
            + (["--durability", "full", "--compact-every-hours", "0"] if self.command == "serve" else []) + self.extra,
            stdout=logfile, stderr=logfile)
        logfile.close()
        DAEMONS.append(self)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"junction serve exited with {self.proc.returncode}; see {self.data}.serve.log")
            if os.path.exists(self.sock):
                try:
                    if http(self.sock, "GET", "/health", timeout=5)[0] == 200:
                        return self
                except OSError:
                    pass
            time.sleep(0.05)
        raise BenchError("junction serve did not answer within 60 s")

    @property
    def pid(self):
        return self.proc.pid

    def status(self):
        code, body = http(self.sock, "GET", "/v1/status", timeout=30)
        if code != 200:
            raise BenchError(f"/v1/status answered {code}: {body[:200]!r}")
        return json.loads(body)

    def wait_caught_up(self, timeout=600):
        deadline = time.monotonic() + timeout
        while True:
            st = self.status()
            head = st["journal"]["head"]
            if all(p["checkpoint"] >= head for p in st["projections"] if p["name"] not in self.left_out):
                return st
            if time.monotonic() > deadline:
                raise BenchError(f"projections not caught up after {timeout} s: {st}")
            time.sleep(0.05)

    def post_ndjson(self, path, data):
        code, body = http(self.sock, "POST", path, body=data, content_type="application/x-ndjson")
        if code != 201:
            raise BenchError(f"POST {path} answered {code}: {body[:500]!r}")
        return json.loads(body)

    def stop(self):
        if self.proc is None:
            return
        children = child_pids(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                log(f"daemon {self.proc.pid} did not stop on SIGTERM; killing it")
                self.proc.kill()
                self.proc.wait()
        # Its projectors and notifier follow their parent; make sure of it.
        deadline = time.monotonic() + 10
        for pid in children:
            while pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if pid_alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if self in DAEMONS:
            DAEMONS.remove(self)
        self.proc = None


def child_pids(pid):
    pids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return pids


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def proc_status(pid):
    """VmRSS, RssAnon, VmHWM of a process in bytes (None when gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            text = f.read()
    except OSError:
        return None
    out = {}
    for key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
        m = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
        if m:
            out[key] = int(m.group(1)) * 1024
    return out


class MemorySampler(threading.Thread):
    """Samples the daemon's (and its children's) /proc/PID/status every 100 ms."""

    def __init__(self, pid, interval=0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.stop_event = threading.Event()
        self.peak_anon = self.peak_hwm = self.peak_rss = 0
        self.children_peak_anon = {}
        self.samples = 0

    def run(self):
        while not self.stop_event.is_set():
            st = proc_status(self.pid)
            if st:
                self.samples += 1
                self.peak_anon = max(self.peak_anon, st.get("RssAnon", 0))
                self.peak_hwm = max(self.peak_hwm, st.get("VmHWM", 0))
                self.peak_rss = max(self.peak_rss, st.get("VmRSS", 0))
            for child in child_pids(self.pid):
                cst = proc_status(child)
                if cst:
                    self.children_peak_anon[child] = max(self.children_peak_anon.get(child, 0), cst.get("RssAnon", 0))
            self.stop_event.wait(self.interval)

    def finish(self):
        self.stop_event.set()
        self.join()
        return {"peak_rss_anon": self.peak_anon, "peak_vm_hwm": self.peak_hwm, "peak_vm_rss": self.peak_rss,
                "samples": self.samples, "children_peak_rss_anon": max(self.children_peak_anon.values(), default=0)}


class CompactionLoop(threading.Thread):
    """POST /v1/compact again and again until stopped."""

    def __init__(self, sock, body):
        super().__init__(daemon=True)
        self.sock, self.body = sock, body
        self.stop_event = threading.Event()
        self.runs, self.failures, self.seconds, self.bodies_expired = 0, [], [], 0

    def run(self):
        while not self.stop_event.is_set():
            t = time.monotonic()
            try:
                code, body = http(self.sock, "POST", "/v1/compact", body=self.body, content_type="application/json")
            except OSError as e:
                code, body = 0, str(e).encode()
            if code == 200:
                self.runs += 1
                self.seconds.append(time.monotonic() - t)
                try:
                    self.bodies_expired += json.loads(body).get("bodies_expired", 0)
                except ValueError:
                    pass
            else:
                self.failures.append((code, body[:300].decode("utf-8", "replace")))
                self.stop_event.wait(0.1)

    def finish(self):
        self.stop_event.set()
        self.join()
        return {"runs": self.runs, "failures": len(self.failures), "first_failures": self.failures[:3],
                "run_seconds_median": statistics.median(self.seconds) if self.seconds else None,
                "bodies_expired": self.bodies_expired}


def settle():
    """Before a timed run: write back what earlier steps left dirty (deleted data directories,
    copies), so the kernel's writeback does not land in the middle of the measurement."""
    os.sync()
    time.sleep(0.2)


class CpuAccount:
    """CPU time the whole machine spent (from /proc/stat) against what this run and its
    descendants spent (getrusage): the rest is other processes disturbing the measurements."""

    def __init__(self):
        self.start = self.sample()

    @staticmethod
    def sample():
        import resource
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        tick = os.sysconf("SC_CLK_TCK")
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / tick  # all but idle and iowait
        own = sum(getattr(resource.getrusage(who), k) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                  for k in ("ru_utime", "ru_stime"))
        return time.monotonic(), busy, own

    def report(self):
        t0, busy0, own0 = self.start
        t1, busy1, own1 = self.sample()
        wall, busy, own = t1 - t0, busy1 - busy0, own1 - own0
        other = max(0.0, busy - own)
        cores = os.cpu_count() or 1
        return {"wall": wall, "busy": busy, "own": own, "other": other, "other_share": other / (wall * cores) if wall else 0}


def disk_bytes(path):
    """Bytes allocated on disk under path (like du)."""
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            total += st.st_blocks * 512
    return total


def proc_cpu_seconds(pid):
    """User and system CPU time of a live process, in seconds."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_minor_faults(pid):
    """Minor page faults of a live process so far."""
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[7])


def disk_usage(data, events):
    out = {"journal": disk_bytes(os.path.join(data, "journal"))}
    proj = os.path.join(data, "projections")
    for name in sorted(os.listdir(proj)) if os.path.isdir(proj) else []:
        out[name] = disk_bytes(os.path.join(proj, name))
    out["total"] = sum(out.values())
    out["events"] = events
    out["per_event"] = {k: (v / events if events else 0) for k, v in out.items() if k not in ("events",)}
    return out


# ---------------------------------------------------------------- ports

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise BenchError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise BenchError(f"{what} did not listen on port {port} within {timeout} s")
