/* Locking down the helper's processes that live inside a container's PID namespace. */
#pragma once

#include <stddef.h>

/* Closes every fd not in keep (ascending; negative entries are ignored). */
void close_fds_except(const int *keep, size_t n);
/* For a process that from now on only waits and forwards signals: no fds but keep_fd, only
 * CAP_KILL, not dumpable, no_new_privs, a wait-and-forward-only seccomp filter. -errno on failure. */
int confine_waiter(int keep_fd);
