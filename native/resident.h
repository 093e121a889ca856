/* The resident supervisor (`nsbox-helper --resident SOCKET`): one process for every service of a
 * manager. See docs/architecture.md "The resident supervisor". */
#pragma once
#include <stddef.h>
#include <stdint.h>

int resident_main(const char *socket_path);
/* In a launcher the resident forked: sets up the plan's payload as the resident's child
 * (CLONE_PARENT), reports its pid on report_fd and exits (helper.c). */
_Noreturn void launcher_run(const uint8_t *plan_bytes, size_t len, int report_fd, int status_w);
