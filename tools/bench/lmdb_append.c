/* lmdb_append RECORDS_FILE ENV_DIR BATCH
 *
 * The physical limit of Junction's durable append: a fresh LMDB environment laid out like
 * the journal (named dbs `events` and `meta`, docs/journal-format.md), default flags (every
 * commit fsyncs data and meta page, like `--durability full`), records appended with
 * MDB_APPEND under 8-byte big-endian keys from 1, `meta` "head" rewritten in every
 * transaction, one write transaction and commit per BATCH records.
 *
 * RECORDS_FILE: per record a u32 little-endian length, then that many bytes
 * (`junction-bench records` or `lmdb_scan --dump` write it).
 *
 * Prints one JSON line: records, bytes, seconds, per_second, bytes_per_second, batch,
 * batches, latency_ms {p50, p99, max} (per batch: begin of the write transaction to the end
 * of its commit), commit_ms {p50, p99} (mdb_txn_commit alone).
 */
#include "lmdb_common.h"

static void put_be64(unsigned char *out, uint64_t v) {
    for (int i = 7; i >= 0; i--) { out[i] = (unsigned char)(v & 0xff); v >>= 8; }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: lmdb_append RECORDS_FILE ENV_DIR BATCH\n");
        return 2;
    }
    const char *records_path = argv[1], *dir = argv[2];
    long batch = strtol(argv[3], NULL, 10);
    if (batch < 1) { fprintf(stderr, "BATCH must be >= 1\n"); return 2; }

    size_t size;
    const unsigned char *file = map_file(records_path, &size);

    /* Index the records first (not timed). */
    size_t count = 0, cap = 1024;
    size_t *offsets = malloc(cap * sizeof(size_t));
    uint64_t total_bytes = 0;
    for (size_t at = 0; at < size;) {
        if (size - at < 4) { fprintf(stderr, "%s: truncated length at %zu\n", records_path, at); return 2; }
        uint32_t len = read_u32le(file + at);
        if (len == 0 || size - at - 4 < len) { fprintf(stderr, "%s: bad record at %zu\n", records_path, at); return 2; }
        if (count == cap) { cap *= 2; offsets = realloc(offsets, cap * sizeof(size_t)); }
        offsets[count++] = at;
        total_bytes += len;
        at += 4 + (size_t)len;
    }

    if (mkdir(dir, 0700) != 0 && errno != EEXIST) die(dir);
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/data.mdb", dir);
    if (access(probe, F_OK) == 0) { fprintf(stderr, "%s already holds an environment\n", dir); return 2; }

    MDB_env *env;
    CHECK(mdb_env_create(&env));
    CHECK(mdb_env_set_mapsize(env, (size_t)64 << 30));
    CHECK(mdb_env_set_maxdbs(env, 4));
    CHECK(mdb_env_set_maxreaders(env, 126));
    CHECK(mdb_env_open(env, dir, MDB_NOTLS, 0600));

    /* Create the databases and the journal's meta keys, as `junction init` does (not timed). */
    MDB_txn *txn;
    MDB_dbi events, meta;
    CHECK(mdb_txn_begin(env, NULL, 0, &txn));
    CHECK(mdb_dbi_open(txn, "events", MDB_CREATE, &events));
    CHECK(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta));
    {
        MDB_val k = {6, "format"}, v = {1, "1"};
        CHECK(mdb_put(txn, meta, &k, &v, 0));
        MDB_val ik = {10, "journal-id"}, iv = {36, "00000000-0000-4000-8000-000000000000"};
        CHECK(mdb_put(txn, meta, &ik, &iv, 0));
        unsigned char zero[8] = {0};
        MDB_val hk = {4, "head"}, hv = {8, zero};
        CHECK(mdb_put(txn, meta, &hk, &hv, 0));
    }
    CHECK(mdb_txn_commit(txn));

    size_t batches = (count + (size_t)batch - 1) / (size_t)batch;
    double *latency = malloc((batches ? batches : 1) * sizeof(double));
    double *commit = malloc((batches ? batches : 1) * sizeof(double));
    unsigned char key[8], head[8];
    uint64_t seq = 0;

    double start = now_seconds();
    for (size_t b = 0; b < batches; b++) {
        double t0 = now_seconds();
        CHECK(mdb_txn_begin(env, NULL, 0, &txn));
        MDB_cursor *cursor;
        CHECK(mdb_cursor_open(txn, events, &cursor));
        size_t from = b * (size_t)batch, to = from + (size_t)batch;
        if (to > count) to = count;
        for (size_t i = from; i < to; i++) {
            seq++;
            put_be64(key, seq);
            MDB_val k = {8, key};
            MDB_val v = {read_u32le(file + offsets[i]), (void *)(file + offsets[i] + 4)};
            CHECK(mdb_cursor_put(cursor, &k, &v, MDB_APPEND));
        }
        mdb_cursor_close(cursor);
        put_be64(head, seq);
        MDB_val hk = {4, "head"}, hv = {8, head};
        CHECK(mdb_put(txn, meta, &hk, &hv, 0));
        double t1 = now_seconds();
        CHECK(mdb_txn_commit(txn));
        double t2 = now_seconds();
        latency[b] = (t2 - t0) * 1000.0;
        commit[b] = (t2 - t1) * 1000.0;
    }
    double seconds = now_seconds() - start;
    mdb_env_close(env);

    sort_doubles(latency, batches);
    sort_doubles(commit, batches);
    printf("{\"records\":%zu,\"bytes\":%llu,\"seconds\":%.6f,\"per_second\":%.1f,\"bytes_per_second\":%.1f,"
           "\"batch\":%ld,\"batches\":%zu,"
           "\"latency_ms\":{\"p50\":%.4f,\"p99\":%.4f,\"max\":%.4f},"
           "\"commit_ms\":{\"p50\":%.4f,\"p99\":%.4f}}\n",
           count, (unsigned long long)total_bytes, seconds, seconds > 0 ? (double)count / seconds : 0,
           seconds > 0 ? (double)total_bytes / seconds : 0, batch, batches,
           percentile_sorted(latency, batches, 0.50), percentile_sorted(latency, batches, 0.99),
           batches ? latency[batches - 1] : 0,
           percentile_sorted(commit, batches, 0.50), percentile_sorted(commit, batches, 0.99));
    return 0;
}
