#ifndef JUNCTION_CLMDB_SHIM_H
#define JUNCTION_CLMDB_SHIM_H
#include <lmdb.h>
#endif
