#!/usr/bin/env python3
"""Read a Junction journal without Swift, following docs/journal-format.md only.

Runs `mdb_dump -s events <data>/journal` (lmdb-utils), decodes every record and prints
one JSON object per line in the canonical NDJSON form that `junction tail` prints:
the output of the two is meant to be byte-identical for the same journal.

    python3 tools/read-journal.py --data DIR [--from SEQ] [--show-unknown]

Events of kinds this reader does not know are skipped (with --show-unknown they are
printed as {"seq":..,"event":"unknown","time":..,"kind":..,"payload_base64":..}, the
form NDJSONEventCodec writes for them). A record that cannot be decoded stops the reader
with a message naming its sequence number and exit status 1, as `junction tail` does.
No dependencies beyond Python 3 and the `mdb_dump` program.
"""

import argparse
import base64
import os
import subprocess
import sys

FORMAT_VERSION = 1

KIND_NAMES = {
    1: "accountRegistered",
    2: "locationRegistered",
    3: "appRegistered",
    4: "connectionCreated",
    5: "connectionReconnected",
    6: "connectionBlocked",
    7: "connectionUnblocked",
    8: "connectionDisconnected",
    9: "requestLogged",
    10: "callbackAttempted",
    11: "callbackResendRequested",
    12: "requestBodiesExpired",
    13: "requestsRolledUp",
    14: "connectionTombstoned",
    15: "retentionApplied",
    16: "userRegistered",
    17: "userPasswordChanged",
    18: "userRemoved",
    19: "authorizationCodeIssued",
    20: "authorizationCodeRedeemed",
    21: "catalogRegistered",
    22: "customerListRegistered",
    23: "callbackSet",
    24: "callbackDeleted",
    25: "hubEventPublished",
    26: "callbackDelivered",
    27: "callbackEventAcknowledged",
    28: "callbackEventDropped",
    29: "callbackEventResent",
    30: "alertRaised",
    31: "alertResolved",
    32: "alertSettingsChanged",
    33: "alertNotified",
}

USER_ROLES = {1: "owner", 2: "operator"}

ALERT_CONDITIONS = {1: "failing", 2: "quiet", 3: "degraded"}
ALERT_PHASES = {1: "raised", 2: "resolved"}
ALERT_CHANNELS = {1: "email", 2: "webhook"}

CONNECTION_LEVELS = {0: "account", 1: "location", 2: "either"}
HTTP_METHODS = {1: "GET", 2: "POST", 3: "PUT", 4: "PATCH", 5: "DELETE", 6: "HEAD", 7: "OPTIONS"}


class DecodeError(Exception):
    pass


# ---------------------------------------------------------------------------
# Primitive encodings (docs/journal-format.md, "Primitive encodings")


class Reader:
    """Reads the fields of one record, checking every length against its end."""

    def __init__(self, data: bytes):
        self.data = data
        self.offset = 0

    def byte(self) -> int:
        if self.offset >= len(self.data):
            raise DecodeError(f"truncated at byte {self.offset}")
        b = self.data[self.offset]
        self.offset += 1
        return b

    def uvarint(self) -> int:
        """Unsigned LEB128, at most 10 bytes, value below 2**64."""
        start = self.offset
        result = 0
        shift = 0
        while True:
            b = self.byte()
            if shift >= 64 or (shift == 63 and b > 1):
                raise DecodeError(f"varint too long at byte {start}")
            result |= (b & 0x7F) << shift
            if b & 0x80 == 0:
                return result
            shift += 7

    def int64le(self) -> int:
        if len(self.data) - self.offset < 8:
            raise DecodeError(f"truncated at byte {len(self.data)}")
        v = int.from_bytes(self.data[self.offset:self.offset + 8], "little", signed=True)
        self.offset += 8
        return v

    def u16le(self) -> int:
        if len(self.data) - self.offset < 2:
            raise DecodeError(f"truncated at byte {len(self.data)}")
        v = int.from_bytes(self.data[self.offset:self.offset + 2], "little")
        self.offset += 2
        return v

    def bytes_(self) -> bytes:
        at = self.offset
        n = self.uvarint()
        if n > len(self.data) - self.offset:
            raise DecodeError(f"truncated at byte {at}")
        v = self.data[self.offset:self.offset + n]
        self.offset += n
        return v

    def string(self) -> str:
        at = self.offset
        raw = self.bytes_()
        try:
            return raw.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise DecodeError(f"invalid UTF-8 at byte {at}") from None

    def optional_string(self):
        at = self.offset
        flag = self.byte()
        if flag == 0:
            return None
        if flag == 1:
            return self.string()
        raise DecodeError(f"invalid optional flag {flag} at byte {at}")

    def presence(self) -> bool:
        at = self.offset
        flag = self.byte()
        if flag in (0, 1):
            return flag == 1
        raise DecodeError(f"invalid optional flag {flag} at byte {at}")

    def headers(self):
        at = self.offset
        count = self.uvarint()
        # Every header takes at least two bytes (two empty strings).
        if count > (len(self.data) - self.offset) // 2:
            raise DecodeError(f"truncated at byte {at}")
        return [(self.string(), self.string()) for _ in range(count)]

    def enum_u8(self, values: dict, what: str) -> str:
        at = self.offset
        b = self.byte()
        if b not in values:
            raise DecodeError(f"invalid {what} {b} at byte {at}")
        return values[b]

    def remaining(self) -> bytes:
        return self.data[self.offset:]


# ---------------------------------------------------------------------------
# Canonical NDJSON text (docs/journal-format.md, "The NDJSON canonical form")

_SHORT_ESCAPES = {0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"}


def json_string(s: str) -> str:
    """A JSON string literal escaping only '"', '\\' and U+0000..U+001F, as Junction does."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if c < 0x20 or c == 0x22 or c == 0x5C:
            out.append(_SHORT_ESCAPES.get(c) or "\\u00%02x" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _digits(value: int, width: int) -> str:
    """`width` decimal digits of value, the way Junction's writer makes them: the low
    digits only, and for a negative value, characters below '0' (see the spec's note on
    times outside the years 0000-9999)."""
    out = []
    v = value
    for _ in range(width):
        r = abs(v) % 10
        if v < 0:
            r = -r  # truncated remainder, as in C and Swift
        out.append(chr(48 + r))
        v = -(-v // 10) if v < 0 else v // 10  # truncating division
    return "".join(reversed(out))


def civil_from_days(days: int):
    """Proleptic Gregorian (year, month, day) of a day count from 1970-01-01."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (1 if m <= 2 else 0), m, d


def rfc3339(micros: int) -> str:
    """YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC."""
    secs = micros // 1_000_000  # floor
    frac = micros - secs * 1_000_000
    days = secs // 86400
    sod = secs - days * 86400
    y, m, d = civil_from_days(days)
    return "%s-%02d-%02dT%02d:%02d:%02d.%06dZ" % (
        _digits(y, 4), m, d, sod // 3600, sod // 60 % 60, sod % 60, frac)


class Obj:
    """Builds one JSON object with members in the order they are given."""

    def __init__(self):
        self.parts = []

    def raw(self, key: str, text: str):
        self.parts.append(json_string(key) + ":" + text)

    def string(self, key: str, value):
        if value is not None:
            self.raw(key, json_string(value))

    def integer(self, key: str, value: int):
        self.raw(key, str(value))

    def headers(self, key: str, headers):
        self.raw(key, "[" + ",".join("[" + json_string(n) + "," + json_string(v) + "]" for n, v in headers) + "]")

    def body(self, key: str, body: bytes):
        try:
            self.string(key, body.decode("utf-8", errors="strict"))
        except UnicodeDecodeError:
            self.string(key + "_base64", base64.b64encode(body).decode("ascii"))

    def text(self) -> str:
        return "{" + ",".join(self.parts) + "}"


# ---------------------------------------------------------------------------
# Records (docs/journal-format.md, "Record layout" and "Event kinds")


def request_head(o, r):
    """Fields 1-8 of requestLogged and requestBodiesExpired, which share them."""
    o.string("connection_id", r.string())
    o.string("request_id", r.optional_string())
    o.string("method", r.enum_u8(HTTP_METHODS, "HTTP method"))
    o.string("resource", r.string())
    o.string("url", r.string())
    o.integer("status", r.u16le())
    o.integer("duration_us", r.uvarint())
    o.headers("request_headers", r.headers())


def decode_record(seq: int, value: bytes, show_unknown: bool):
    """The NDJSON line of one record, or None for a kind to skip."""
    r = Reader(value)
    version = r.byte()
    if version != FORMAT_VERSION:
        raise DecodeError(f"unsupported format version {version}")
    at = r.offset
    kind = r.uvarint()
    if kind > 0xFFFFFFFF:
        raise DecodeError(f"invalid event kind at byte {at}")
    time = r.int64le()

    o = Obj()
    o.integer("seq", seq)
    name = KIND_NAMES.get(kind)
    if name is None:
        if not show_unknown:
            return None
        o.string("event", "unknown")
        o.string("time", rfc3339(time))
        o.integer("kind", kind)
        o.string("payload_base64", base64.b64encode(r.remaining()).decode("ascii"))
        return o.text()

    o.string("event", name)
    o.string("time", rfc3339(time))
    if kind == 1:  # accountRegistered
        o.string("account_id", r.string())
        o.string("name", r.string())
        o.string("time_zone", r.string())
    elif kind == 2:  # locationRegistered
        o.string("location_id", r.string())
        o.string("account_id", r.string())
        o.string("name", r.string())
        o.string("time_zone", r.string())
    elif kind == 3:  # appRegistered
        o.string("app_id", r.string())
        o.string("name", r.string())
        o.string("level", r.enum_u8(CONNECTION_LEVELS, "connection level"))
        o.string("scope", r.string())
        o.string("open_url", r.optional_string())
        o.string("disconnect_callback_url", r.optional_string())
        if r.offset < len(r.data):  # field 7, added by a minor revision
            uris = [r.string() for _ in range(r.uvarint())]
            if uris:
                o.raw("redirect_uris", "[" + ",".join(json_string(u) for u in uris) + "]")
        if r.offset < len(r.data):  # field 8, a later minor revision
            if r.enum_u8({0: "false", 1: "true"}, "public flag") == "true":
                o.raw("public", "true")
        if r.offset < len(r.data):  # field 9, a later minor revision still
            o.string("install_url", r.string())
    elif kind == 4:  # connectionCreated
        o.string("connection_id", r.string())
        o.string("app_id", r.string())
        o.string("account_id", r.string())
        o.string("location_id", r.optional_string())
        o.string("device_id", r.optional_string())
        o.string("scope", r.string())
        o.string("customer_list_id", r.optional_string())
        o.string("catalog_id", r.optional_string())
        o.string("token_digest", r.bytes_().hex())
        o.string("token_hint", r.string())
    elif kind == 5:  # connectionReconnected
        o.string("connection_id", r.string())
        o.string("customer_list_id", r.optional_string())
        o.string("catalog_id", r.optional_string())
    elif kind in (6, 7, 8):  # connectionBlocked, connectionUnblocked, connectionDisconnected
        o.string("connection_id", r.string())
        o.string("actor", r.string())
        o.string("reason", r.optional_string())
    elif kind == 9:  # requestLogged
        request_head(o, r)
        o.body("request_body", r.bytes_())
        o.headers("response_headers", r.headers())
        o.body("response_body", r.bytes_())
    elif kind == 10:  # callbackAttempted
        o.string("connection_id", r.string())
        o.string("delivery_id", r.string())
        o.integer("attempt", r.uvarint())
        o.string("url", r.string())
        status = r.u16le() if r.presence() else None
        if status is not None:
            o.integer("status", status)
        o.string("error", r.optional_string())
        if r.presence():
            o.string("next_attempt_at", rfc3339(r.int64le()))
    elif kind == 11:  # callbackResendRequested
        o.string("connection_id", r.string())
        o.string("delivery_id", r.string())
        o.string("actor", r.string())
    elif kind == 12:  # requestBodiesExpired
        request_head(o, r)
        o.integer("request_body_length", r.uvarint())
        o.headers("response_headers", r.headers())
        o.integer("response_body_length", r.uvarint())
        if r.offset < len(r.data):  # field 12, added by a minor revision
            o.string("error_summary", r.optional_string())
    elif kind == 13:  # requestsRolledUp
        o.string("connection_id", r.string())
        o.integer("day", r.int64le())
        o.integer("total", r.uvarint())
        o.raw("by_class", "[" + ",".join(str(r.uvarint()) for _ in range(5)) + "]")
        o.string("first_time", rfc3339(r.int64le()))
        o.string("last_time", rfc3339(r.int64le()))
    elif kind == 14:  # connectionTombstoned
        o.string("connection_id", r.string())
        o.string("app_id", r.string())
        o.string("account_id", r.string())
        o.string("location_id", r.optional_string())
        o.string("disconnected_at", rfc3339(r.int64le()))
        o.integer("request_count", r.uvarint())
    elif kind == 15:  # retentionApplied
        for name in ("bodies_before", "logs_before", "disconnected_before", "tombstones_before"):
            o.string(name, rfc3339(r.int64le()))
        if r.offset < len(r.data):  # fields 5 and 6, added by a minor revision
            o.integer("limit", r.uvarint())
            o.integer("scanned_through", r.uvarint())
    elif kind == 16:  # userRegistered
        o.string("email", r.string())
        o.string("account_id", r.optional_string())
        role = r.byte()
        if role not in USER_ROLES:
            raise DecodeError(f"invalid user role {role}")
        o.string("role", USER_ROLES[role])
        o.string("password_hash", r.string())
        o.string("actor", r.string())
        if r.offset < len(r.data):  # field 6, added by a minor revision
            o.string("language", r.string())
    elif kind == 17:  # userPasswordChanged
        o.string("email", r.string())
        o.string("password_hash", r.string())
        o.string("actor", r.string())
    elif kind == 18:  # userRemoved
        o.string("email", r.string())
        o.string("actor", r.string())
    elif kind == 19:  # authorizationCodeIssued
        o.string("code_digest", r.bytes_().hex())
        o.string("app_id", r.string())
        o.string("redirect_uri", r.string())
        o.string("account_id", r.string())
        o.string("location_id", r.optional_string())
        o.string("device_id", r.optional_string())
        o.string("code_challenge", r.optional_string())
        o.string("approved_by", r.string())
        o.string("expires_at", rfc3339(r.int64le()))
        if r.offset < len(r.data):  # fields 10 and 11, a minor revision
            o.string("catalog_id", r.optional_string())
            o.string("customer_list_id", r.optional_string())
    elif kind == 20:  # authorizationCodeRedeemed
        o.string("code_digest", r.bytes_().hex())
    elif kind in (21, 22):  # catalogRegistered, customerListRegistered
        o.string("catalog_id" if kind == 21 else "customer_list_id", r.string())
        o.string("account_id", r.string())
        o.string("location_id", r.optional_string())
        o.string("name", r.string())
    elif kind == 23:  # callbackSet
        o.string("connection_id", r.string())
        url = r.optional_string()
        o.raw("url", json_string(url) if url is not None else "null")
        o.raw("events", "[" + ",".join(json_string(r.string()) for _ in range(r.uvarint())) + "]")
    elif kind == 24:  # callbackDeleted
        o.string("connection_id", r.string())
    elif kind == 25:  # hubEventPublished
        for key in ("event_id", "resource_type", "event_type", "account_id", "location_id"):
            o.string(key, r.string())
        ids = [(r.string(), r.string()) for _ in range(r.uvarint())]
        o.raw("ids", "{" + ",".join(json_string(k) + ":" + json_string(v) for k, v in ids) + "}")
        for key in ("new_state", "previous_state", "state_change"):
            state = r.optional_string()
            if state is not None:
                o.raw(key, state)  # compact JSON text, written as it is
        o.string("caused_by", r.optional_string())
    elif kind == 26:  # callbackDelivered
        o.string("connection_id", r.string())
        o.string("event_id", r.string())
        o.integer("attempt", r.uvarint())
        o.string("url", r.string())
        if r.presence():
            o.integer("status", r.u16le())
        o.integer("duration_us", r.int64le())
        o.string("error", r.optional_string())
        if r.presence():
            o.string("next_attempt_at", rfc3339(r.int64le()))
        o.string("answer", r.optional_string())
    elif kind == 27:  # callbackEventAcknowledged
        o.string("connection_id", r.string())
        o.string("event_id", r.string())
    elif kind == 28:  # callbackEventDropped
        o.string("connection_id", r.string())
        o.string("event_id", r.string())
        o.string("reason", r.string())
    elif kind == 29:  # callbackEventResent
        o.string("connection_id", r.string())
        o.string("event_id", r.string())
        o.string("actor", r.string())
    elif kind == 30:  # alertRaised
        o.string("alert_id", r.string())
        o.string("connection_id", r.string())
        o.string("account_id", r.string())
        o.string("condition", r.enum_u8(ALERT_CONDITIONS, "alert condition"))
        o.string("reason", r.string())
        if r.presence():
            o.integer("last_error_seq", r.uvarint())
    elif kind == 31:  # alertResolved
        o.string("alert_id", r.string())
        o.string("connection_id", r.string())
        o.string("state", r.string())
    elif kind == 32:  # alertSettingsChanged
        o.string("connection_id", r.string())
        o.raw("muted", "true" if r.presence() else "false")
        o.raw("degraded", "true" if r.presence() else "false")
        o.string("actor", r.string())
    elif kind == 33:  # alertNotified
        o.string("alert_id", r.string())
        o.string("connection_id", r.string())
        o.string("phase", r.enum_u8(ALERT_PHASES, "alert phase"))
        o.string("channel", r.enum_u8(ALERT_CHANNELS, "alert channel"))
        o.string("address", r.string())
        at = r.offset
        attempt = r.uvarint()
        if not 1 <= attempt <= 0xFFFFFFFF:
            raise DecodeError(f"invalid attempt {attempt} at byte {at}")
        o.integer("attempt", attempt)
        o.raw("delivered", "true" if r.presence() else "false")
        o.string("error", r.optional_string())
        if r.presence():
            o.string("next_attempt_at", rfc3339(r.int64le()))
    # Bytes left after the known fields were appended by a later minor revision: ignored.
    return o.text()


# ---------------------------------------------------------------------------
# mdb_dump


def dump_events(journal: str):
    """Yields (key, value) byte pairs of the `events` database, in key order."""
    proc = subprocess.Popen(
        ["mdb_dump", "-s", "events", journal], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    in_data = False
    key = None
    try:
        for line in proc.stdout:
            line = line.rstrip(b"\n")
            if not in_data:
                if line == b"HEADER=END":
                    in_data = True
                elif line.startswith(b"format=") and line != b"format=bytevalue":
                    raise SystemExit(f"read-journal: unexpected mdb_dump {line.decode()}")
                continue
            if line == b"DATA=END":
                in_data = False
                continue
            if not line.startswith(b" "):
                raise SystemExit(f"read-journal: unexpected mdb_dump line {line[:40]!r}")
            item = bytes.fromhex(line[1:].decode("ascii"))
            if key is None:
                key = item
            else:
                yield key, item
                key = None
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        rc = proc.wait()
    if rc != 0:
        raise SystemExit(f"read-journal: mdb_dump failed ({rc}): {err.strip()}")


def main():
    parser = argparse.ArgumentParser(description="Print a Junction journal as NDJSON, without Swift.")
    parser.add_argument("--data", required=True, metavar="DIR", help="the data directory (holds journal/)")
    parser.add_argument("--from", dest="start", type=int, default=1, metavar="SEQ",
                        help="the first sequence number to print")
    parser.add_argument("--show-unknown", action="store_true",
                        help="print events of unknown kinds instead of skipping them")
    args = parser.parse_args()

    journal = os.path.join(args.data, "journal")
    if not os.path.exists(os.path.join(journal, "data.mdb")):
        raise SystemExit(f"read-journal: no journal at {journal}")
    out = sys.stdout.buffer
    for key, value in dump_events(journal):
        if len(key) != 8:
            raise SystemExit(f"read-journal: key {key.hex()} is not an 8-byte sequence number")
        seq = int.from_bytes(key, "big")
        if seq < args.start:
            continue
        try:
            line = decode_record(seq, value, args.show_unknown)
        except DecodeError as e:
            out.flush()
            raise SystemExit(f"read-journal: event {seq} cannot be decoded: {e}")
        if line is not None:
            out.write(line.encode("utf-8") + b"\n")
    out.flush()


if __name__ == "__main__":
    main()
