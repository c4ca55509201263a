#ifndef JUNCTION_CPREFETCH_SHIM_H
#define JUNCTION_CPREFETCH_SHIM_H
// A hint to start loading memory into the cache before it is read: Swift has no spelling
// for the compiler's prefetch builtin. It never faults, so any address may be given.
static inline void junction_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
