#ifndef JUNCTION_CMALLOC_SHIM_H
#define JUNCTION_CMALLOC_SHIM_H
// glibc's allocator settings (mallopt): the Swift Glibc module leaves malloc.h out.
#include <malloc.h>
#endif
