#ifndef JUNCTION_CNATS_SHIM_H
#define JUNCTION_CNATS_SHIM_H
#include <nats/nats.h>
#endif
