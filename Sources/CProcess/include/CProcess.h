#ifndef JUNCTION_CPROCESS_H
#define JUNCTION_CPROCESS_H

/// Asks the kernel to send `signal` to this process when its parent dies (Linux
/// PR_SET_PDEATHSIG; a no-op returning -1 elsewhere). prctl is variadic, which Swift
/// cannot call directly.
int junction_set_parent_death_signal(int signal);

#endif
