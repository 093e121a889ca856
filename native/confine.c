/* The helper's own processes that a container can see (the reaper that is its PID 1, the bridge
 * of a join) must give it nothing to take: no fds, no capabilities beyond what forwarding signals
 * needs, not dumpable, and a system-call filter that allows only waiting and forwarding. A payload
 * that ptraces such a process gains nothing it does not already have. */
#include "confine.h"
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define CONFINE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CONFINE_ARCH AUDIT_ARCH_AARCH64
#else
#error "the reaper's filter needs this architecture's AUDIT_ARCH"
#endif

static void close_range_or_loop(unsigned from, unsigned to) {
  if (from > to || syscall(SYS_close_range, from, to, 0) == 0) return;
  for (unsigned fd = from; fd <= to && fd < 65536; fd++) close((int)fd);
}

void close_fds_except(const int *keep, size_t n) {
  unsigned from = 0;
  for (size_t i = 0; i < n; i++) {
    if (keep[i] < 0 || (unsigned)keep[i] < from) continue;
    if ((unsigned)keep[i] > from) close_range_or_loop(from, (unsigned)keep[i] - 1);
    from = (unsigned)keep[i] + 1;
  }
  close_range_or_loop(from, ~0u);
}

/* Every other capability leaves the bounding, permitted, effective, inheritable and ambient sets:
 * forwarding signals to a payload that runs as another user needs CAP_KILL, nothing else. */
static int keep_only_cap_kill(void) {
  for (int cap = 0; cap < 64; cap++)
    if (cap != CAP_KILL && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) return -errno;
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) return -errno;
  struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
  uint32_t kill_bit = 1u << CAP_KILL;
  struct __user_cap_data_struct data[2] = { { kill_bit, kill_bit, 0 }, { 0, 0, 0 } };
  return syscall(SYS_capset, &head, data) < 0 ? -errno : 0;
}

#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* What reap() and bridge() call (glibc's waitpid is wait4, sigwaitinfo is rt_sigtimedwait);
 * anything else, or another architecture's calling convention, kills the process. */
static int load_wait_only_filter(void) {
  struct sock_filter insns[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CONFINE_ARCH, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    ALLOW(SYS_rt_sigtimedwait), ALLOW(SYS_wait4), ALLOW(SYS_waitid), ALLOW(SYS_kill), ALLOW(SYS_write),
    ALLOW(SYS_rt_sigprocmask), ALLOW(SYS_rt_sigaction), ALLOW(SYS_getpid), ALLOW(SYS_gettid), ALLOW(SYS_tgkill),
    ALLOW(SYS_close), ALLOW(SYS_rt_sigreturn), ALLOW(SYS_restart_syscall), ALLOW(SYS_exit), ALLOW(SYS_exit_group),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
  };
  struct sock_fprog prog = { (unsigned short)(sizeof insns / sizeof insns[0]), insns };
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0 ? -errno : 0;
}

int confine_waiter(int keep_fd) {
  close_fds_except(&keep_fd, 1);
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) return -errno;
  int ret = keep_only_cap_kill();
  if (ret < 0) return ret;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return -errno;
  return load_wait_only_filter();
}
