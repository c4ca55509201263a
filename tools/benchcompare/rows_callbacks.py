"""Row j, the hub's callbacks: events published on the socket, fanned out by the connections
projection to 1,000 connections of which 10 % listen, and delivered by the notifier to a local
receiver (tools/benchcompare/receiver.py): deliveries per second at full load, p99 from
publish to the receiver's first byte at half that rate, and row b's ingestion with
deliveries running."""

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request

from .report import fmt_ms, fmt_rate
from .runner import CHILDREN, BenchError, Daemon, free_port, http, log, run, settle

LOCATIONS = 10
PER_LOCATION = 100  # connections
LISTENING = 10      # of them, per location, with an active callback: 10 %


class CallbackWorld:
    """An account with 10 locations of 100 connections each, 10 of each location's with an
    active callback (order.create) to the receiver; the receiver process."""

    def __init__(self, tmp):
        self.port = free_port()
        log_file = open(os.path.join(tmp, "receiver.log"), "ab")
        self.receiver = subprocess.Popen(["python3", os.path.join(os.path.dirname(__file__), "receiver.py"), str(self.port)],
                                         stdout=log_file, stderr=log_file)
        log_file.close()
        CHILDREN.append(self.receiver)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.stats()
                break
            except OSError:
                time.sleep(0.05)
        self.published = {}  # order id -> wall time of its publish

    def setup(self, daemon):
        t = "2026-12-01T00:00:00Z"
        lines = [{"event": "accountRegistered", "time": t, "account_id": "hubcb", "name": "Hub callbacks", "time_zone": "Europe/Paris"},
                 {"event": "appRegistered", "time": t, "app_id": "hubcbpos", "name": "POS", "level": "location",
                  "scope": "location[orders.read]", "redirect_uris": ["https://pos.example/oauth"]}]
        for l in range(1, LOCATIONS + 1):
            lines.append({"event": "locationRegistered", "time": t, "location_id": f"hubcb-{l}", "account_id": "hubcb",
                          "name": f"L{l}", "time_zone": "Europe/Paris"})
            for c in range(PER_LOCATION):
                cid = f"hcb{l}x{c}"
                lines.append({"event": "connectionCreated", "time": t, "connection_id": cid, "app_id": "hubcbpos",
                              "account_id": "hubcb", "location_id": f"hubcb-{l}", "device_id": f"d{c}",
                              "scope": "location[orders.read]", "token_digest": f"{l:02x}{c:02x}" + "ab" * 30, "token_hint": "abcd"})
                if c < LISTENING:
                    lines.append({"event": "callbackSet", "time": t, "connection_id": cid,
                                  "url": f"http://127.0.0.1:{self.port}/cb/{cid}", "events": ["order.create"]})
        daemon.post_ndjson("/v1/events", ("\n".join(json.dumps(x) for x in lines) + "\n").encode())

    def stats(self, arrivals=False):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stats" + ("?arrivals=1" if arrivals else ""), timeout=30) as r:
            return json.loads(r.read())

    def publish(self, daemon, orders):
        lines = []
        now = time.time()
        for n in orders:
            self.published[f"o{n}"] = now
            lines.append(json.dumps({"resource_type": "order", "event_type": "create", "location_id": f"hubcb-{n % LOCATIONS + 1}",
                                     "order_id": f"o{n}", "new_state": {"status": "new", "total": "12.50 EUR"}}))
        code, body = http(daemon.sock, "POST", "/v1/hub-events", body=("\n".join(lines) + "\n").encode(),
                          content_type="application/x-ndjson")
        if code != 201:
            raise BenchError(f"POST /v1/hub-events answered {code}: {body[:300]!r}")

    def wait_for(self, count, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stats()["count"] >= count:
                return True
            time.sleep(0.02)
        return False

    def stop(self):
        self.receiver.kill()
        self.receiver.wait()
        CHILDREN.remove(self.receiver)


class PacedPublisher:
    """Publishes one event at a time at `rate` events/s in a thread, while row b's
    ingestion runs (ingest_run's `during`)."""

    def __init__(self, world, rate):
        self.world, self.rate = world, rate
        self.stop_flag = threading.Event()
        self.sent = 0

    def start(self, daemon):
        self.world.setup(daemon)
        self.thread = threading.Thread(target=self.loop, args=(daemon,), daemon=True)
        self.thread.start()

    def loop(self, daemon):
        start = time.monotonic()
        n = 10_000_000
        while not self.stop_flag.is_set():
            due = start + self.sent / self.rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.world.publish(daemon, [n + self.sent])
            self.sent += 1

    def finish(self):
        self.stop_flag.set()
        self.thread.join(timeout=30)


class CallbackRows:
    """Row j (a mixin of bench.Bench: the state is the Bench's)."""

    def row_j(self):
        q = self.q
        data = os.path.join(self.tmp, "j")
        shutil.rmtree(data, ignore_errors=True)
        run([self.junction, "init", "--data", data], stdout=subprocess.DEVNULL)
        world = CallbackWorld(self.tmp)
        daemon = Daemon(self, data, ["--allow-private-callbacks", "--callback-timeout-ms", "20000"]).start()
        events = 300 if self.args.quick else 2000
        fan = LISTENING  # each event reaches the 10 listening connections of its location
        next_order = 0
        try:
            world.setup(daemon)
            daemon.wait_caught_up()
            for r in range(self.repeats):
                settle()
                before = world.stats()["count"]
                started = time.monotonic()
                for first in range(0, events, 200):
                    world.publish(daemon, range(next_order + first, next_order + min(first + 200, events)))
                next_order += events
                if not world.wait_for(before + events * fan, timeout=600):
                    raise BenchError(f"row j: {world.stats()['count'] - before} of {events * fan} deliveries after 600 s")
                rate = events * fan / (time.monotonic() - started)
                q.add("j.rate", rate, "deliveries/s")
                log(f"row j run {r + 1}: {fmt_rate(rate)} deliveries ({events} events × {fan})")
            # Half that rate, one event per publish, paced: publish to first byte.
            half = q.median("j.rate") / 2 / fan
            seconds = 3 if self.args.quick else 6
            for r in range(self.repeats):
                settle()
                before = world.stats()["count"]
                count = max(10, int(half * seconds))
                start = time.monotonic()
                orders = range(next_order, next_order + count)
                for i, n in enumerate(orders):
                    wait = start + i / half - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                    world.publish(daemon, [n])
                next_order += count
                if not world.wait_for(before + count * fan, timeout=300):
                    raise BenchError("row j half load: deliveries missing")
                wanted = {f"o{n}" for n in orders}
                latencies = sorted((t - world.published[o]) * 1000 for t, _, o in world.stats(arrivals=True)["arrivals"] if o in wanted)
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
                q.add("j.half.p99", p99, "ms")
                log(f"row j half load run {r + 1}: {fmt_rate(half * fan)} deliveries offered, p99 {fmt_ms(p99)}")
        finally:
            daemon.stop()
        # Row b's ingestion, once more with deliveries running beside it (half the full
        # delivery rate), against row b's own runs, or plain ones when b did not run.
        if not q.values.get("b.rate"):
            for r in range(self.repeats):
                q.add("b.rate", self.ingest_run(f"jb{r}")["http"]["per_second"], "entries/s")
        for r in range(self.repeats):
            publisher = PacedPublisher(world, max(1.0, q.median("j.rate") / 2 / fan))
            res = self.ingest_run(f"jd{r}", during=publisher)
            q.add("j.ingest", res["http"]["per_second"], "entries/s")
            log(f"row j ingestion with deliveries run {r + 1}: {fmt_rate(res['http']['per_second'])} "
                f"({publisher.sent} events published meanwhile)")
        world.stop()
        m = q.median
        self.add_row("j", f"hub events fanned out and delivered to a local receiver ({LOCATIONS * PER_LOCATION:,} connections, "
                     f"10 % listening, {fan} deliveries an event)", fmt_rate(m("j.rate")), "", None, None, None, q.noise("j.rate"))
        self.add_row("j", f"p99 from publish to the receiver's first byte at half that rate ({fmt_rate(half * fan)})",
                     fmt_ms(m("j.half.p99")), "", None, "<", 50.0, q.noise("j.half.p99"), value=m("j.half.p99"), unit="ms")
        self.add_row("j", "row b's ingestion with deliveries running vs without", fmt_rate(m("j.ingest")), fmt_rate(m("b.rate")),
                     m("j.ingest") / m("b.rate"), ">=", 0.85, q.noise("j.ingest") + q.noise("b.rate"))
