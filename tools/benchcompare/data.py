"""The workloads' files: the loadgen output split for the daemon, sqlite_ingest's entries,
binary records cut short, and the synthetic ~1 KB entries of rows d and g."""

import base64
import datetime
import hashlib
import json
import struct

LOADGEN_END = datetime.datetime(2026, 11, 29, tzinfo=datetime.timezone.utc)  # junction-loadgen's default --end


def split_loadgen(src, setup_path, logs_path, tail_path):
    """Setup events (registrations, connections…), the requestLogged lines, and the
    disconnections, which go last so that no request of a connection is refused."""
    counts = {"setup": 0, "logs": 0, "tail": 0}
    with open(src, "rb") as f, open(setup_path, "wb") as setup, open(logs_path, "wb") as logs, open(tail_path, "wb") as tail:
        for line in f:
            if not line.strip():
                continue
            head = line[:64]
            if head.startswith(b'{"event":"requestLogged"'):
                logs.write(line)
                counts["logs"] += 1
            elif head.startswith(b'{"event":"connectionDisconnected"'):
                tail.write(line)
                counts["tail"] += 1
            else:
                setup.write(line)
                counts["setup"] += 1
    return counts


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def micros(text):
    d = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    delta = d - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def body_bytes(o, name):
    v = o.get(name)
    if v is not None:
        return v.encode() if isinstance(v, str) else json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode()
    b = o.get(name + "_base64")
    return base64.b64decode(b) if b else b""


def write_entries(logs_path, out_path):
    """sqlite_ingest's entries file from requestLogged lines (see tools/bench/sqlite_ingest.c)."""
    pack = struct.Struct("<I").pack
    n = 0
    with open(logs_path, "rb") as f, open(out_path, "wb") as out:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            status = int(o["status"])
            fields = [
                o["connection_id"].encode(), str(micros(o["time"])).encode(), o["method"].upper().encode(),
                o["resource"].encode(), o["url"].encode(), str(status).encode(), str(status // 100).encode(),
                str((o.get("duration_us") or 0) // 1000).encode(),
                json.dumps(o.get("request_headers") or [], separators=(",", ":"), ensure_ascii=False).encode(),
                body_bytes(o, "request_body"), body_bytes(o, "response_body"),
            ]
            out.write(b"".join(pack(len(x)) + x for x in fields))
            n += 1
    return n


def truncate_records(src, dst, count):
    with open(src, "rb") as f, open(dst, "wb") as out:
        for _ in range(count):
            head = f.read(4)
            if len(head) < 4:
                break
            (n,) = struct.unpack("<I", head)
            out.write(head + f.read(n))


SYN_CONNECTION = "benchc1"
SYN_RES = ["orders", "catalogs", "customers", "inventory"]
SYN_METHODS = ["GET", "POST", "PATCH", "GET", "PUT"]
SYN_STATUS = [200, 201, 200, 204, 404, 200, 429, 500, 200, 400, 200]
SYN_NOTE = "n" * 80
SYN_REQ = ('{\\"ref\\":\\"%08d\\",\\"items\\":[{\\"sku\\":\\"MAI-%d\\",\\"name\\":\\"Margherita pizza with extra basil\\",'
           '\\"quantity\\":%d,\\"price\\":\\"12.50 EUR\\"},{\\"sku\\":\\"DRK-%d\\",\\"name\\":\\"Sparkling water 50cl\\",'
           '\\"quantity\\":1,\\"price\\":\\"3.00 EUR\\"}],\\"customer\\":{\\"first_name\\":\\"Giulia\\",\\"last_name\\":\\"Rossi\\",'
           '\\"phone\\":\\"+39 06 5550 %04d\\"},\\"note\\":\\"%s\\"}')
SYN_RESP = '{\\"id\\":\\"ord_%08d\\",\\"status\\":\\"accepted\\",\\"estimated_ready\\":\\"%s\\",\\"total\\":\\"28.00 EUR\\"}'
SYN_LINE = ('{"event":"requestLogged","time":"%s","connection_id":"%s","request_id":"req_%016x","method":"%s","resource":"%s",'
            '"url":"/v1/locations/bencha-1/%s/%d?page=%d","status":%d,"duration_us":%d,'
            '"request_headers":[["Content-Type","application/json"],["User-Agent","BenchPOS/3.1 (linux)"],["X-Access-Token","[REDACTED]"]],'
            '"request_body":"%s","response_headers":[["Content-Type","application/json"],["X-Request-Id","req_%016x"]],'
            '"response_body":"%s"}\n')
SYN_STEP_US = 200


def synthetic_setup():
    t = "2026-10-01T00:00:00.000000Z"
    digest = hashlib.sha256(b"bench-token-" + SYN_CONNECTION.encode()).hexdigest()
    lines = [
        '{"event":"accountRegistered","time":"%s","account_id":"bencha","name":"Bench Trattoria","time_zone":"Europe/Paris"}' % t,
        '{"event":"locationRegistered","time":"%s","location_id":"bencha-1","account_id":"bencha","name":"Bench Trattoria 1",'
        '"time_zone":"Europe/Paris"}' % t,
        '{"event":"appRegistered","time":"%s","app_id":"benchapp","name":"Bench POS","level":"location",'
        '"scope":"location[orders.write,catalog.read]"}' % t,
        '{"event":"connectionCreated","time":"%s","connection_id":"%s","app_id":"benchapp","account_id":"bencha",'
        '"location_id":"bencha-1","scope":"location[orders.write,catalog.read]","token_digest":"%s","token_hint":"%s"}'
        % (t, SYN_CONNECTION, digest, digest[-4:]),
    ]
    return ("\n".join(lines) + "\n").encode()


def synthetic_entries(path, first, count, total):
    """Entries first … first+count-1 of a `total`-entry history of one connection: ~1 KB
    requestLogged lines, 200 µs apart, ending at loadgen's end, varied resource/method/status."""
    base = int(LOADGEN_END.timestamp() * 1_000_000) - total * SYN_STEP_US
    seconds_text = {}
    with open(path, "w") as out:
        buf = []
        for i in range(first, first + count):
            s, us = divmod(base + i * SYN_STEP_US, 1_000_000)
            text = seconds_text.get(s)
            if text is None:
                seconds_text.clear()
                text = seconds_text[s] = datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            when = "%s.%06dZ" % (text, us)
            resource = SYN_RES[i % 4]
            buf.append(SYN_LINE % (
                when, SYN_CONNECTION, i, SYN_METHODS[i % 5], resource, resource, i, i % 7, SYN_STATUS[i % 11],
                1000 + i % 90000, SYN_REQ % (i, i % 97, i % 5 + 1, i % 31, i % 10000, SYN_NOTE), i, SYN_RESP % (i, when)))
            if len(buf) >= 20000:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
