/* Waiting and signal forwarding: the helper's supervisor loop and the in-namespace reaper. */
#pragma once
#include "plan.h"
#include <signal.h>
#include <sys/types.h>

/* Blocks every signal that is forwarded (all but the synchronous faults); fills the set waited on. */
void signals_block(sigset_t *waited);

struct supervision {
  pid_t child;
  int status_fd;   /* may carry the payload's wait status, written by a reaper; or -1 */
  int pty_master;  /* relayed to stdio when >= 0 */
  int relay_input; /* stdin -> pty too (not for a read-only console) */
  int notify_fd;   /* the payload's sd_notify socket, or -1 */
  int notify_relay_fd; /* where its datagrams are relayed to the caller (spawn()), or -1 */
  const struct supervisor *settings;
};

/* Until the child ends: forwards (or translates) signals, relays the console; then runs the
 * cleanup steps and exits as the payload did (its code, a mapped code, or the same signal). */
_Noreturn void supervise(const struct supervision *s, const sigset_t *waited);
/* The plan's cleanup steps; also run when setup fails in the supervising process. */
void run_cleanup(const struct supervisor *settings);
void run_cleanup_steps(const struct cleanup_step *steps, size_t n);
/* PID 1 of the namespace: reaps orphans, forwards signals to payload, writes its wait status to
 * status_fd and exits when it ends (which takes every other process of the namespace with it). */
_Noreturn void reap(pid_t payload, int status_fd, const sigset_t *waited);
/* Between the supervisor and a process that had to fork to enter a PID namespace it joined:
 * forwards signals to it and exits as it did. Holds no fds. */
_Noreturn void bridge(pid_t inner, const sigset_t *waited);
