"""The PostgreSQL baseline of rows b and c: a temporary cluster, its table and indexes,
and the entries as COPY scripts."""

import glob
import os
import shutil
import struct
import subprocess
import tempfile
import time

from .runner import BenchError, run


class PostgresServer:
    """Debian's PostgreSQL on a temporary cluster, reachable only on a Unix socket in it,
    durable commits (fsync on, synchronous_commit on: the defaults, set explicitly)."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
        if not found:
            raise BenchError("PostgreSQL is not installed (tools/setup --bench installs it)")
        self.bin = os.path.dirname(found[-1])
        # The server refuses to run as root: as root, it runs as Debian's `postgres` user, in
        # a directory of that user's own (the run's temporary directory is root's, 0700).
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.base = tempfile.mkdtemp(prefix="bench-compare-pg.")
        if self.as_user:
            import pwd
            pw = pwd.getpwnam("postgres")
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
        self.data = os.path.join(self.base, "data")
        run(self.as_user + [os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "bench", "--auth=trust",
                            "-E", "UTF8", "--no-instructions"], stdout=subprocess.DEVNULL)
        conf = (f"listen_addresses = ''\nunix_socket_directories = '{self.base}'\nfsync = on\n"
                "synchronous_commit = on\nshared_buffers = 512MB\nmax_wal_size = 4GB\nmax_connections = 40\n")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(conf)
        run(self.as_user + [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.base, "log"),
                            "-w", "-t", "60", "start"], stdout=subprocess.DEVNULL)
        self.version = self.psql_text("SHOW server_version").strip()

    def psql_args(self):
        return self.as_user + ["env", "PGOPTIONS=-c client_min_messages=warning", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.base, "-U", "bench",
                               "-d", "postgres"]

    def psql_text(self, sql):
        return run(self.psql_args() + ["-A", "-t", "-c", sql])[1].decode()

    def psql_file(self, path):
        """Runs a SQL script (read by us, fed on standard input); returns its wall time."""
        with open(path, "rb") as f:
            t = time.monotonic()
            run(self.psql_args(), stdin=f, stdout=subprocess.DEVNULL)
            return time.monotonic() - t

    def stop(self):
        run(self.as_user + [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL, check=False)
        shutil.rmtree(self.base, ignore_errors=True)


PG_TABLE = ("CREATE TABLE logs (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, connection_id text NOT NULL, "
            "time bigint NOT NULL, method text NOT NULL, resource text NOT NULL, url text NOT NULL, status int NOT NULL, "
            "status_class int NOT NULL, duration_ms bigint NOT NULL, request_headers text NOT NULL, "
            "request_body bytea NOT NULL, response_body bytea NOT NULL)")
PG_INDEXES = ("CREATE INDEX logs_by_time ON logs (connection_id, time DESC)",
              "CREATE INDEX logs_by_filter ON logs (connection_id, resource, method, status_class, time DESC)")
PG_COLUMNS = ("connection_id, time, method, resource, url, status, status_class, duration_ms, request_headers, "
              "request_body, response_body")


def copy_text_field(value, binary):
    """One field in COPY's text format: bytea as hex, text with its specials escaped."""
    if binary:
        return b"\\\\x" + value.hex().encode()
    return (value.replace(b"\\", b"\\\\").replace(b"\t", b"\\t").replace(b"\n", b"\\n").replace(b"\r", b"\\r"))


def write_pg_copy_scripts(entries_path, out_prefix, batch, sessions):
    """Splits sqlite_ingest's entries file into `sessions` psql scripts, batches dealt round
    robin, each batch one `COPY … FROM STDIN` (one transaction, one durable commit)."""
    data = open(entries_path, "rb").read()
    rows, at = [], 0
    while at < len(data):
        fields = []
        for i in range(11):
            (n,) = struct.unpack_from("<I", data, at)
            fields.append(copy_text_field(data[at + 4:at + 4 + n], binary=i >= 9))
            at += 4 + n
        rows.append(b"\t".join(fields) + b"\n")
    paths = [f"{out_prefix}.{k}.sql" for k in range(sessions)]
    files = [open(p, "wb") for p in paths]
    head = f"COPY logs ({PG_COLUMNS}) FROM STDIN;\n".encode()
    for k, start in enumerate(range(0, len(rows), batch)):
        f = files[k % sessions]
        f.write(head)
        f.writelines(rows[start:start + batch])
        f.write(b"\\.\n")
    for f in files:
        f.close()
    return paths, len(rows)
