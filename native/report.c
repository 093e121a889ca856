#include "report.h"
#include "wire_ids.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int report_fd = -1;
static const struct plan *text_plan;
static void (*fail_hook)(void);
static int failure_exit = HELPER_EXIT_SETUP_FAILED;

void report_init(int fd) { report_fd = fd; }

void report_init_text(const struct plan *plan) {
  text_plan = plan;
  failure_exit = plan->failure_exit;
}

void report_on_fail(void (*hook)(void)) { fail_hook = hook; }

static void put(uint32_t type, uint32_t a, uint32_t b, int32_t c) {
  if (report_fd < 0) return;
  uint32_t rec[4] = { type, a, b, (uint32_t)c };
  ssize_t n;
  do n = write(report_fd, rec, sizeof rec); while (n < 0 && errno == EINTR);
}

static const char *label(int op_index, int step) {
  const struct record *r = op_index >= 0 ? text_plan->op_labels : text_plan->step_labels;
  uint32_t i = op_index >= 0 ? F_OP_LABELS_LABELS + (uint32_t)op_index : F_STEP_LABELS_LABELS + (uint32_t)step;
  return r && i < r->nfields ? rec_str(r, i) : "nsbox: setup";
}

void report_pid(pid_t pid) { put(REPORT_PID, (uint32_t)pid, 0, 0); }

void report_error(int op_index, int step, int err) {
  if (text_plan) {
    dprintf(STDERR_FILENO, "%s: %s\n", label(op_index, step), strerror(err));
    return;
  }
  put(REPORT_ERROR, (uint32_t)op_index, (uint32_t)step, err);
}

void report_close(void) {
  if (report_fd >= 0) close(report_fd);
  report_fd = -1;
}

_Noreturn void fail(int op_index, int step, int err) {
  report_error(op_index, step, err > 0 ? err : -err);
  if (fail_hook) fail_hook();
  _exit(failure_exit);
}
