/* The only writer to the report fd: fixed 16-byte records {type, a, b, c} (see wire_ids.h). */
#pragma once
#include <sys/types.h>

void report_init(int fd);
void report_pid(pid_t pid);
void report_error(int op_index, int step, int err);
/* Closes this process's copy of the report fd (exec closes it too: O_CLOEXEC). */
void report_close(void);
/* Reports {op_index, step, err} and exits: the caller turns it into a typed error. */
_Noreturn void fail(int op_index, int step, int err);

#define HELPER_EXIT_SETUP_FAILED 127
