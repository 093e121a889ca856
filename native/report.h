/* The only writer of failure reports. Binary mode: fixed 16-byte records {type, a, b, c} on the
 * report fd (see wire_ids.h). Text mode (no report fd, after Node handed its process over): one
 * line "<label>: <strerror>" on stderr, with labels the plan carries. */
#pragma once
#include "plan.h"
#include <sys/types.h>

void report_init(int fd);
/* Text mode: labels and exit code come from the plan. */
void report_init_text(const struct plan *plan);
void report_pid(pid_t pid);
void report_error(int op_index, int step, int err);
/* Closes this process's copy of the report fd (exec closes it too: O_CLOEXEC). */
void report_close(void);
/* Runs before fail() exits in the supervising process (removes what it registered). */
void report_on_fail(void (*hook)(void));
/* Reports {op_index, step, err} and exits: the caller turns it into a typed error. */
_Noreturn void fail(int op_index, int step, int err);

#define HELPER_EXIT_SETUP_FAILED 127
