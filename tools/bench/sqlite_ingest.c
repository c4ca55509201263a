/* sqlite_ingest ENTRIES_FILE DB_PATH BATCH
 * sqlite_ingest --replay ENTRIES_FILE DB_PATH
 *
 * The SQLite comparison for request-log ingestion. WAL mode, PRAGMA synchronous=FULL (every
 * commit is durable, like Junction's `--durability full`), a 64 MiB page cache.
 *
 * ENTRIES_FILE: per entry 11 fields, each a u32 little-endian length then the bytes, in the
 * order connection_id, time (µs since the epoch), method, resource, url, status,
 * status_class, duration_ms, request_headers (JSON text), request_body, response_body
 * (numbers in ASCII decimal). bench-compare writes it from the same requestLogged lines
 * Junction ingests.
 *
 * Ingest mode: table `logs(seq INTEGER PRIMARY KEY, …)` with the two indexes Junction's logs
 * projection effectively provides — (connection_id, time DESC) and (connection_id, resource,
 * method, status_class, time DESC) — and `activity(connection_id, day, total, c1xx … c5xx)`,
 * per (connection, day) with day = time / 86400e6, kept with one UPSERT per entry. Entries
 * are inserted with prepared statements, BATCH entries per transaction.
 * Prints {"records","bytes","seconds","per_second","bytes_per_second","batch","batches",
 * "latency_ms":{p50,p99,max}} (latency: BEGIN to the end of COMMIT of one batch).
 *
 * Replay mode: the same table without indexes is loaded (not timed), then the time is taken
 * of building what Junction's replay of its three projections builds: CREATE INDEX ×2,
 * activity via INSERT … SELECT … GROUP BY, and a per-connection summary (count, first and
 * last time), in one transaction. Prints {"records","seconds","per_second","steps":{…}}.
 */
#include "common.h"
#include <sqlite3.h>

enum { F_CONN, F_TIME, F_METHOD, F_RESOURCE, F_URL, F_STATUS, F_CLASS, F_DURATION, F_REQH, F_REQB, F_RESB, NFIELDS };

typedef struct {
    const unsigned char *p[NFIELDS];
    uint32_t n[NFIELDS];
} entry_t;

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(2);
    }
}

static void exec(const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
        exit(2);
    }
}

static int64_t num(const entry_t *e, int f) {
    char tmp[32];
    uint32_t n = e->n[f] < sizeof tmp - 1 ? e->n[f] : (uint32_t)sizeof tmp - 1;
    memcpy(tmp, e->p[f], n);
    tmp[n] = 0;
    return strtoll(tmp, NULL, 10);
}

static entry_t *load_entries(const char *path, size_t *count, uint64_t *bytes) {
    size_t size;
    const unsigned char *file = map_file(path, &size);
    size_t cap = 1024, n = 0;
    entry_t *v = malloc(cap * sizeof(entry_t));
    *bytes = 0;
    for (size_t at = 0; at < size;) {
        if (n == cap) { cap *= 2; v = realloc(v, cap * sizeof(entry_t)); }
        for (int f = 0; f < NFIELDS; f++) {
            if (size - at < 4) { fprintf(stderr, "%s: truncated at %zu\n", path, at); exit(2); }
            uint32_t len = read_u32le(file + at);
            if (size - at - 4 < len) { fprintf(stderr, "%s: truncated field at %zu\n", path, at); exit(2); }
            v[n].p[f] = file + at + 4;
            v[n].n[f] = len;
            *bytes += len;
            at += 4 + (size_t)len;
        }
        n++;
    }
    *count = n;
    return v;
}

static void open_db(const char *path) {
    /* A fresh database: remove it and its WAL files first. */
    char tmp[4096];
    unlink(path);
    snprintf(tmp, sizeof tmp, "%s-wal", path);
    unlink(tmp);
    snprintf(tmp, sizeof tmp, "%s-shm", path);
    unlink(tmp);
    if (sqlite3_open(path, &db) != SQLITE_OK) { fprintf(stderr, "%s: cannot open\n", path); exit(2); }
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA cache_size=-65536");
}

static const char *LOGS_TABLE =
    "CREATE TABLE logs(seq INTEGER PRIMARY KEY, connection_id TEXT, time INTEGER, method TEXT, resource TEXT, "
    "url TEXT, status INTEGER, status_class INTEGER, duration_ms INTEGER, request_headers TEXT, request_body TEXT, "
    "response_body TEXT)";
static const char *INDEX_TIME = "CREATE INDEX logs_by_time ON logs(connection_id, time DESC)";
static const char *INDEX_FILTER =
    "CREATE INDEX logs_by_filter ON logs(connection_id, resource, method, status_class, time DESC)";
static const char *ACTIVITY_TABLE =
    "CREATE TABLE activity(connection_id TEXT, day INTEGER, total INTEGER, c1xx INTEGER, c2xx INTEGER, "
    "c3xx INTEGER, c4xx INTEGER, c5xx INTEGER, PRIMARY KEY(connection_id, day)) WITHOUT ROWID";

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *s;
    check(sqlite3_prepare_v2(db, sql, -1, &s, NULL), sql);
    return s;
}

static void bind_log(sqlite3_stmt *ins, const entry_t *e) {
    sqlite3_bind_text(ins, 1, (const char *)e->p[F_CONN], (int)e->n[F_CONN], SQLITE_STATIC);
    sqlite3_bind_int64(ins, 2, num(e, F_TIME));
    sqlite3_bind_text(ins, 3, (const char *)e->p[F_METHOD], (int)e->n[F_METHOD], SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, (const char *)e->p[F_RESOURCE], (int)e->n[F_RESOURCE], SQLITE_STATIC);
    sqlite3_bind_text(ins, 5, (const char *)e->p[F_URL], (int)e->n[F_URL], SQLITE_STATIC);
    sqlite3_bind_int64(ins, 6, num(e, F_STATUS));
    sqlite3_bind_int64(ins, 7, num(e, F_CLASS));
    sqlite3_bind_int64(ins, 8, num(e, F_DURATION));
    sqlite3_bind_text(ins, 9, (const char *)e->p[F_REQH], (int)e->n[F_REQH], SQLITE_STATIC);
    sqlite3_bind_text(ins, 10, (const char *)e->p[F_REQB], (int)e->n[F_REQB], SQLITE_STATIC);
    sqlite3_bind_text(ins, 11, (const char *)e->p[F_RESB], (int)e->n[F_RESB], SQLITE_STATIC);
}

static const char *INSERT_LOG =
    "INSERT INTO logs(connection_id, time, method, resource, url, status, status_class, duration_ms, "
    "request_headers, request_body, response_body) VALUES(?,?,?,?,?,?,?,?,?,?,?)";

static int ingest(const char *entries_path, const char *db_path, long batch) {
    size_t count;
    uint64_t bytes;
    entry_t *entries = load_entries(entries_path, &count, &bytes);
    open_db(db_path);
    exec(LOGS_TABLE);
    exec(INDEX_TIME);
    exec(INDEX_FILTER);
    exec(ACTIVITY_TABLE);
    sqlite3_stmt *ins = prepare(INSERT_LOG);
    sqlite3_stmt *act = prepare(
        "INSERT INTO activity(connection_id, day, total, c1xx, c2xx, c3xx, c4xx, c5xx) VALUES(?1, ?2, 1, ?3=1, ?3=2, "
        "?3=3, ?3=4, ?3=5) ON CONFLICT(connection_id, day) DO UPDATE SET total = total + 1, "
        "c1xx = c1xx + excluded.c1xx, c2xx = c2xx + excluded.c2xx, c3xx = c3xx + excluded.c3xx, "
        "c4xx = c4xx + excluded.c4xx, c5xx = c5xx + excluded.c5xx");
    sqlite3_stmt *begin = prepare("BEGIN");
    sqlite3_stmt *commit = prepare("COMMIT");

    size_t batches = (count + (size_t)batch - 1) / (size_t)batch;
    double *latency = malloc((batches ? batches : 1) * sizeof(double));
    double start = now_seconds();
    for (size_t b = 0; b < batches; b++) {
        double t0 = now_seconds();
        check(sqlite3_step(begin), "BEGIN");
        sqlite3_reset(begin);
        size_t from = b * (size_t)batch, to = from + (size_t)batch;
        if (to > count) to = count;
        for (size_t i = from; i < to; i++) {
            const entry_t *e = &entries[i];
            bind_log(ins, e);
            check(sqlite3_step(ins), "insert log");
            sqlite3_reset(ins);
            int64_t day = num(e, F_TIME) / 86400000000LL;
            sqlite3_bind_text(act, 1, (const char *)e->p[F_CONN], (int)e->n[F_CONN], SQLITE_STATIC);
            sqlite3_bind_int64(act, 2, day);
            sqlite3_bind_int64(act, 3, num(e, F_CLASS));
            check(sqlite3_step(act), "upsert activity");
            sqlite3_reset(act);
        }
        check(sqlite3_step(commit), "COMMIT");
        sqlite3_reset(commit);
        latency[b] = (now_seconds() - t0) * 1000.0;
    }
    double seconds = now_seconds() - start;
    sqlite3_finalize(ins);
    sqlite3_finalize(act);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    sort_doubles(latency, batches);
    printf("{\"records\":%zu,\"bytes\":%llu,\"seconds\":%.6f,\"per_second\":%.1f,\"bytes_per_second\":%.1f,"
           "\"batch\":%ld,\"batches\":%zu,\"latency_ms\":{\"p50\":%.4f,\"p99\":%.4f,\"max\":%.4f},\"sqlite\":\"%s\"}\n",
           count, (unsigned long long)bytes, seconds, seconds > 0 ? (double)count / seconds : 0,
           seconds > 0 ? (double)bytes / seconds : 0, batch, batches, percentile_sorted(latency, batches, 0.5),
           percentile_sorted(latency, batches, 0.99), batches ? latency[batches - 1] : 0, sqlite3_libversion());
    return 0;
}

static double timed_exec(const char *sql) {
    double t0 = now_seconds();
    exec(sql);
    return now_seconds() - t0;
}

static int replay(const char *entries_path, const char *db_path) {
    size_t count;
    uint64_t bytes;
    entry_t *entries = load_entries(entries_path, &count, &bytes);
    open_db(db_path);
    exec(LOGS_TABLE);
    sqlite3_stmt *ins = prepare(INSERT_LOG);
    exec("BEGIN");
    for (size_t i = 0; i < count; i++) {
        bind_log(ins, &entries[i]);
        check(sqlite3_step(ins), "insert log");
        sqlite3_reset(ins);
    }
    exec("COMMIT");
    sqlite3_finalize(ins);
    exec("PRAGMA wal_checkpoint(TRUNCATE)");

    double start = now_seconds();
    exec("BEGIN");
    double t_index_time = timed_exec(INDEX_TIME);
    double t_index_filter = timed_exec(INDEX_FILTER);
    double t_activity = timed_exec(ACTIVITY_TABLE);
    t_activity += timed_exec(
        "INSERT INTO activity SELECT connection_id, time / 86400000000, count(*), sum(status_class = 1), "
        "sum(status_class = 2), sum(status_class = 3), sum(status_class = 4), sum(status_class = 5) "
        "FROM logs GROUP BY connection_id, time / 86400000000");
    double t_connections = timed_exec(
        "CREATE TABLE connections_summary AS SELECT connection_id, count(*) AS request_count, "
        "min(time) AS first_request, max(time) AS last_request FROM logs GROUP BY connection_id");
    double t_commit = now_seconds();
    exec("COMMIT");
    t_commit = now_seconds() - t_commit;
    double seconds = now_seconds() - start;
    sqlite3_close(db);
    printf("{\"records\":%zu,\"bytes\":%llu,\"seconds\":%.6f,\"per_second\":%.1f,"
           "\"steps\":{\"index_time\":%.6f,\"index_filter\":%.6f,\"activity\":%.6f,\"connections\":%.6f,\"commit\":%.6f},"
           "\"sqlite\":\"%s\"}\n",
           count, (unsigned long long)bytes, seconds, seconds > 0 ? (double)count / seconds : 0, t_index_time,
           t_index_filter, t_activity, t_connections, t_commit, sqlite3_libversion());
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "--replay") == 0) return replay(argv[2], argv[3]);
    if (argc == 4 && argv[1][0] != '-') {
        long batch = strtol(argv[3], NULL, 10);
        if (batch < 1) { fprintf(stderr, "BATCH must be >= 1\n"); return 2; }
        return ingest(argv[1], argv[2], batch);
    }
    fprintf(stderr, "usage: sqlite_ingest ENTRIES_FILE DB_PATH BATCH\n       sqlite_ingest --replay ENTRIES_FILE DB_PATH\n");
    return 2;
}
