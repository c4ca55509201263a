/* LMDB for the C baselines: the library and a check that exits with its message. */
#ifndef BENCH_LMDB_COMMON_H
#define BENCH_LMDB_COMMON_H
#include "common.h"
#include <lmdb.h>

#define CHECK(call)                                                                     \
    do {                                                                                \
        int rc_ = (call);                                                               \
        if (rc_ != MDB_SUCCESS) {                                                       \
            fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #call, mdb_strerror(rc_)); \
            exit(2);                                                                    \
        }                                                                               \
    } while (0)

#endif
