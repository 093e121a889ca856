/* Waiting and signal forwarding: the helper's supervisor loop and the in-namespace reaper. */
#pragma once
#include <signal.h>
#include <sys/types.h>

/* Blocks every signal that is forwarded (all but the synchronous faults); fills the set waited on. */
void signals_block(sigset_t *waited);
/* Forwards signals to child until it ends; exits as the payload did (code, or the same signal).
 * status_fd, when >= 0, may carry the payload's wait status written by a reaper. */
_Noreturn void supervise(pid_t child, int status_fd, const sigset_t *waited);
/* PID 1 of the namespace: reaps orphans, forwards signals to payload, writes its wait status to
 * status_fd and exits when it ends (which takes every other process of the namespace with it). */
_Noreturn void reap(pid_t payload, int status_fd, const sigset_t *waited);
