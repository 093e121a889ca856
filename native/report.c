#include "report.h"
#include "wire_ids.h"
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

static int report_fd = -1;

void report_init(int fd) { report_fd = fd; }

static void put(uint32_t type, uint32_t a, uint32_t b, int32_t c) {
  if (report_fd < 0) return;
  uint32_t rec[4] = { type, a, b, (uint32_t)c };
  ssize_t n;
  do n = write(report_fd, rec, sizeof rec); while (n < 0 && errno == EINTR);
}

void report_pid(pid_t pid) { put(REPORT_PID, (uint32_t)pid, 0, 0); }

void report_error(int op_index, int step, int err) { put(REPORT_ERROR, (uint32_t)op_index, (uint32_t)step, err); }

void report_close(void) {
  if (report_fd >= 0) close(report_fd);
  report_fd = -1;
}

_Noreturn void fail(int op_index, int step, int err) {
  report_error(op_index, step, err > 0 ? err : -err);
  _exit(HELPER_EXIT_SETUP_FAILED);
}
