/* lmdb_scan ENV_DIR [--touch all|ends] [--dump RECORDS_FILE]
 *
 * A raw read-only cursor scan of a journal environment's `events` database (MDB_RDONLY):
 * the floor under any replay. Every value is touched in place: `--touch all` (default)
 * sums every byte of every value (so every page is read), `--touch ends` only reads each
 * value's first and last byte. The checksum is printed so the work cannot be optimized away.
 *
 * `--dump FILE` also writes every value in order as a u32 little-endian length + bytes (the
 * records file lmdb_append reads; what `junction-bench records` writes); the scan is then
 * not a measurement.
 *
 * Prints one JSON line: records, bytes, seconds, per_second, bytes_per_second, checksum.
 */
#include "lmdb_common.h"

static uint64_t sum_bytes(const unsigned char *p, size_t n) {
    uint64_t sum = 0;
    size_t i = 0;
    /* Word loads; memcpy keeps it legal for unaligned values. */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        sum += (w & 0x00ff00ff00ff00ffULL) + ((w >> 8) & 0x00ff00ff00ff00ffULL);
    }
    for (; i < n; i++) sum += p[i];
    return sum;
}

int main(int argc, char **argv) {
    const char *dir = NULL, *dump = NULL;
    int touch_all = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--touch") == 0 && i + 1 < argc) {
            const char *m = argv[++i];
            if (strcmp(m, "all") == 0) touch_all = 1;
            else if (strcmp(m, "ends") == 0) touch_all = 0;
            else { fprintf(stderr, "--touch all|ends\n"); return 2; }
        } else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
            dump = argv[++i];
        } else if (argv[i][0] != '-' && !dir) {
            dir = argv[i];
        } else {
            fprintf(stderr, "usage: lmdb_scan ENV_DIR [--touch all|ends] [--dump RECORDS_FILE]\n");
            return 2;
        }
    }
    if (!dir) { fprintf(stderr, "usage: lmdb_scan ENV_DIR [--touch all|ends] [--dump RECORDS_FILE]\n"); return 2; }

    FILE *out = NULL;
    if (dump) {
        out = fopen(dump, "wb");
        if (!out) die(dump);
        setvbuf(out, NULL, _IOFBF, 1 << 20);
    }

    MDB_env *env;
    CHECK(mdb_env_create(&env));
    CHECK(mdb_env_set_maxdbs(env, 4));
    CHECK(mdb_env_set_maxreaders(env, 126));
    CHECK(mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0600));

    double start = now_seconds();
    MDB_txn *txn;
    MDB_dbi events;
    MDB_cursor *cursor;
    CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
    CHECK(mdb_dbi_open(txn, "events", 0, &events));
    CHECK(mdb_cursor_open(txn, events, &cursor));
    MDB_val k, v;
    uint64_t records = 0, bytes = 0, checksum = 0;
    int rc;
    for (rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
        const unsigned char *p = v.mv_data;
        records++;
        bytes += v.mv_size;
        if (touch_all) checksum += sum_bytes(p, v.mv_size);
        else if (v.mv_size) checksum += (uint64_t)(p[0] ^ p[v.mv_size - 1]);
        if (out) {
            unsigned char len[4] = {(unsigned char)v.mv_size, (unsigned char)(v.mv_size >> 8),
                                    (unsigned char)(v.mv_size >> 16), (unsigned char)(v.mv_size >> 24)};
            if (fwrite(len, 1, 4, out) != 4 || fwrite(p, 1, v.mv_size, out) != v.mv_size) die(dump);
        }
    }
    if (rc != MDB_NOTFOUND) { fprintf(stderr, "cursor: %s\n", mdb_strerror(rc)); return 2; }
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
    double seconds = now_seconds() - start;
    mdb_env_close(env);
    if (out && fclose(out) != 0) die(dump);

    printf("{\"records\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"per_second\":%.1f,\"bytes_per_second\":%.1f,"
           "\"touch\":\"%s\",\"checksum\":%llu}\n",
           (unsigned long long)records, (unsigned long long)bytes, seconds,
           seconds > 0 ? (double)records / seconds : 0, seconds > 0 ? (double)bytes / seconds : 0,
           touch_all ? "all" : "ends", (unsigned long long)checksum);
    return 0;
}
