"""Row l (issue 39): the live tail's latency, from a POST /v1/logs's acknowledgement to the
tail client's event, while row b's loadgen ingests at half row b's rate."""

import json
import socket
import threading
import time

from .data import SYN_CONNECTION, synthetic_setup
from .report import fmt_ms
from .runner import http, log


class TailProbe:
    """ingest_run's `during`: a client of the probe connection's stream in one thread, and a
    prober in another that logs one entry on that connection every 20 ms and notes when each
    was acknowledged; the latency of an entry is its event's arrival minus its
    acknowledgement (0 when the event came first: the daemon announces a commit before its
    answer reaches the client)."""

    def __init__(self):
        self.acks = {}
        self.arrivals = {}
        self.stop_flag = threading.Event()
        self.errors = 0

    def start(self, daemon):
        daemon.post_ndjson("/v1/events", synthetic_setup())
        self.sock = daemon.sock
        # The stream answers 404 until the connections projection knows the connection.
        deadline = time.monotonic() + 30
        while http(daemon.sock, "GET", f"/v1/connections/{SYN_CONNECTION}", timeout=5)[0] != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("row l: the probe connection never showed in the connections projection")
            time.sleep(0.05)
        self.client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.client.connect(daemon.sock)
        self.client.sendall(f"GET /v1/connections/{SYN_CONNECTION}/logs/stream HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        self.client.settimeout(10.0)
        head = self.client.recv(4096)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"row l: the stream answered {head[:200]!r}")
        self.first = head
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        time.sleep(0.3)
        self.prober = threading.Thread(target=self.probe, daemon=True)
        self.prober.start()

    def read(self):
        pending = self.first.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in self.first else b""
        self.client.settimeout(1.0)
        while not self.stop_flag.is_set():
            try:
                chunk = self.client.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not chunk:
                return
            now = time.monotonic()
            pending += chunk
            # Chunked transfer framing lines are not "id: " lines: reading ids is enough.
            while b"\n\n" in pending:
                event, pending = pending.split(b"\n\n", 1)
                for line in event.split(b"\n"):
                    if line.startswith(b"id: "):
                        try:
                            self.arrivals.setdefault(int(line[4:]), now)
                        except ValueError:
                            pass

    def probe(self):
        n = 0
        while not self.stop_flag.is_set():
            line = json.dumps({"connection_id": SYN_CONNECTION, "time": "2026-10-01T00:00:00Z", "method": "GET",
                               "url": f"/probe/{n}", "status": 200})
            try:
                code, body = http(self.sock, "POST", "/v1/logs", body=(line + "\n").encode(),
                                  content_type="application/x-ndjson", timeout=30)
                acked = time.monotonic()
                if code == 201:
                    self.acks[json.loads(body)["first_seq"]] = acked
                else:
                    self.errors += 1
            except OSError:
                self.errors += 1
            n += 1
            self.stop_flag.wait(0.02)

    def finish(self):
        if self.stop_flag.is_set():
            return
        time.sleep(0.5)  # the last events' way to the client
        self.stop_flag.set()
        self.prober.join(timeout=30)
        try:
            self.client.close()
        except OSError:
            pass
        self.reader.join(timeout=5)

    def latencies(self):
        return sorted(max(0.0, self.arrivals[s] - t) * 1000 for s, t in self.acks.items() if s in self.arrivals)


def percentile(values, p):
    if not values:
        return None
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class TailRows:
    """Row l (a mixin of bench.Bench: the state is the Bench's)."""

    def row_l(self):
        q = self.q
        rate = q.median("b.rate") / 2
        for r in range(self.repeats):
            probe = TailProbe()
            res = self.ingest_run(f"l{r}", rate=rate, during=probe)
            lat = probe.latencies()
            missing = len([s for s in probe.acks if s not in probe.arrivals])
            q.add("l.p99", percentile(lat, 99), "ms")
            q.add("l.p50", percentile(lat, 50), "ms")
            q.add("l.missing", missing, "events")
            log(f"row l run {r + 1}: at {res['http']['per_second']:,.0f} entries/s, {len(lat)} probes, tail p50 "
                f"{fmt_ms(percentile(lat, 50))} p99 {fmt_ms(percentile(lat, 99))}, {missing} never arrived, {probe.errors} errors")
        self.add_row("l", f"live tail p99, acknowledgement to the client's event, at {rate:,.0f} entries/s (half of row b)",
                     fmt_ms(q.median("l.p99")), f"p50 {fmt_ms(q.median('l.p50'))}; {q.median('l.missing'):.0f} missed",
                     None, "<", 100.0, q.noise("l.p99"), value=q.median("l.p99"), unit="ms")
