/* Process settings: decoded from the plan's process records, applied just before exec. */
#pragma once
#include "plan.h"
#include <sys/resource.h>

/* Bytes of a CPU affinity mask: 8192 CPUs. */

struct rlimit_setting {
  int resource;
  struct rlimit value;
};

struct proc {
  const char *executable;
  char **argv;
  char **envp;
  const char *pid_env; /* NAME to set to getpid() before exec, unless envp has it */
  const char *cwd;
  int cwd_optional;
  const char *hostname, *domainname;
  int has_creds;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t n_groups;
  int has_umask;
  mode_t umask;
  struct rlimit_setting rlimits[RLIM_NLIMITS];
  size_t n_rlimits;
  int has_caps;
  uint64_t bounding, permitted, effective, inheritable, ambient;
  int no_new_privs;
  int seccomp_early; /* load the filters before credentials change */
  struct { const uint8_t *bpf; size_t len; } seccomp[MAX_SECCOMP_PROGRAMS];
  size_t n_seccomp;
  int has_oom;
  int oom_score_adj;
  int has_nice;
  int nice;
  int has_personality;
  unsigned long personality;
  const uint8_t *cpu_mask; /* NULL: keep the helper's affinity */
  size_t cpu_mask_len;
  int terminal;
  int pdeathsig;
};

int proc_decode(const struct plan *plan, struct proc *proc);
/* Steps that touch host-visible state of this process: run before the ops (/proc is the host's). */
void proc_apply_early(const struct proc *p);
/* Limits the bounding, permitted and effective sets to the payload's bounding set now, before
 * the process becomes visible inside someone else's container (a join). */
void proc_limit_capabilities(const struct proc *p);
/* Names, credentials, capabilities, seccomp; then exec. Reports the failed step and exits. */
_Noreturn void proc_exec(const struct proc *p);
/* The payload's stdio becomes this pty slave (console mode); -1 keeps the inherited stdio. */
void proc_set_console(int slave_fd);
/* Where the console was bound inside the root: stdio is opened from there after the root switch,
 * so the payload's terminal is /dev/console, as under systemd-nspawn, not a host pts path. */
void proc_set_console_path(const char *path);
