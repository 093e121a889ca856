#include "process.h"
#include "report.h"
#include "wire_ids.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The record's repeated strings from field `first` on, as a NULL-terminated list. */
static char **str_list(const struct record *r, uint32_t first) {
  char **list = calloc(r->nfields - first + 1, sizeof *list);
  if (!list) return NULL;
  for (uint32_t i = first; i < r->nfields; i++) list[i - first] = (char *)rec_str(r, i);
  return list;
}

int proc_decode(const struct plan *plan, struct proc *p) {
  memset(p, 0, sizeof *p);
  p->pdeathsig = SIGKILL;
  for (size_t i = 0; i < plan->n_process; i++) {
    const struct record *r = &plan->process[i];
    switch (r->tag) {
    case REC_EXECUTABLE: p->executable = rec_str(r, F_EXECUTABLE_PATH); break;
    case REC_ARGV: if (!(p->argv = str_list(r, F_ARGV_ARGV))) return -ENOMEM; break;
    case REC_ENV: if (!(p->envp = str_list(r, F_ENV_ENV))) return -ENOMEM; break;
    case REC_PID_ENV: p->pid_env = rec_str(r, F_PID_ENV_NAME); break;
    case REC_CWD: p->cwd = rec_str(r, F_CWD_PATH); p->cwd_optional = rec_int(r, F_CWD_OPTIONAL) != 0; break;
    case REC_HOSTNAME: p->hostname = rec_str(r, F_HOSTNAME_NAME); break;
    case REC_DOMAINNAME: p->domainname = rec_str(r, F_DOMAINNAME_NAME); break;
    case REC_CREDENTIALS:
      p->has_creds = 1;
      p->uid = (uid_t)rec_int(r, F_CREDENTIALS_UID);
      p->gid = (gid_t)rec_int(r, F_CREDENTIALS_GID);
      p->n_groups = r->nfields - F_CREDENTIALS_GROUPS;
      if (p->n_groups > MAX_GROUPS) return -E2BIG;
      p->groups = calloc(p->n_groups + 1, sizeof *p->groups);
      if (!p->groups) return -ENOMEM;
      for (size_t g = 0; g < p->n_groups; g++) p->groups[g] = (gid_t)rec_int(r, (uint32_t)(F_CREDENTIALS_GROUPS + g));
      break;
    case REC_UMASK: p->has_umask = 1; p->umask = (mode_t)rec_int(r, F_UMASK_MASK) & 0777; break;
    case REC_RLIMIT: {
      int64_t res = rec_int(r, F_RLIMIT_RESOURCE), soft = rec_int(r, F_RLIMIT_SOFT), hard = rec_int(r, F_RLIMIT_HARD);
      if (res < 0 || res >= RLIM_NLIMITS || p->n_rlimits >= RLIM_NLIMITS) return -EINVAL;
      p->rlimits[p->n_rlimits++] = (struct rlimit_setting){
        (int)res, { soft < 0 ? RLIM_INFINITY : (rlim_t)soft, hard < 0 ? RLIM_INFINITY : (rlim_t)hard } };
      break;
    }
    case REC_CAPABILITIES:
      p->has_caps = 1;
      p->bounding = (uint64_t)rec_int(r, F_CAPABILITIES_BOUNDING);
      p->permitted = (uint64_t)rec_int(r, F_CAPABILITIES_PERMITTED);
      p->effective = (uint64_t)rec_int(r, F_CAPABILITIES_EFFECTIVE);
      p->inheritable = (uint64_t)rec_int(r, F_CAPABILITIES_INHERITABLE);
      p->ambient = (uint64_t)rec_int(r, F_CAPABILITIES_AMBIENT);
      break;
    case REC_NO_NEW_PRIVS: p->no_new_privs = 1; break;
    case REC_SECCOMP_EARLY: p->seccomp_early = 1; break;
    case REC_SECCOMP: {
      size_t len = r->fields[F_SECCOMP_PROGRAM].len;
      if (p->n_seccomp >= MAX_SECCOMP_PROGRAMS) return -E2BIG;
      if (len == 0 || len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > BPF_MAXINSNS) return -EINVAL;
      p->seccomp[p->n_seccomp].bpf = r->fields[F_SECCOMP_PROGRAM].data;
      p->seccomp[p->n_seccomp++].len = len;
      break;
    }
    case REC_OOM_SCORE_ADJ: p->has_oom = 1; p->oom_score_adj = (int)rec_int(r, F_OOM_SCORE_ADJ_VALUE); break;
    case REC_NICE: p->has_nice = 1; p->nice = (int)rec_int(r, F_NICE_VALUE); break;
    case REC_PERSONALITY: p->has_personality = 1; p->personality = (unsigned long)rec_int(r, F_PERSONALITY_PERSONA); break;
    case REC_CPU_AFFINITY:
      /* Whole unsigned longs, as sched_setaffinity() reads them. */
      p->cpu_mask_len = r->fields[F_CPU_AFFINITY_MASK].len;
      if (p->cpu_mask_len == 0 || p->cpu_mask_len % sizeof(unsigned long) || p->cpu_mask_len > MAX_CPU_MASK_BYTES) return -EINVAL;
      p->cpu_mask = r->fields[F_CPU_AFFINITY_MASK].data;
      break;
    case REC_TERMINAL:
      p->terminal = (int)rec_int(r, F_TERMINAL_MODE);
      if (p->terminal < TERMINAL_INHERIT || p->terminal > TERMINAL_CONTROLLING_TTY) return -EINVAL;
      break;
    case REC_PDEATHSIG: p->pdeathsig = (int)rec_int(r, F_PDEATHSIG_SIGNAL); break;
    default: return -EINVAL;
    }
  }
  if (!p->executable || !p->argv || !p->argv[0] || !p->envp || !p->cwd) return -EINVAL;
  return 0;
}

#define STEP_FAIL(step) fail(-1, STEP_##step, errno)

static void write_proc_file(const char *path, const char *value, int step) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(-1, step, errno);
  ssize_t n = write(fd, value, strlen(value));
  if (n < 0) fail(-1, step, errno);
  close(fd);
}

void proc_apply_early(const struct proc *p) {
  if (p->has_oom) {
    char v[16];
    snprintf(v, sizeof v, "%d", p->oom_score_adj);
    write_proc_file("/proc/self/oom_score_adj", v, STEP_OOM_SCORE_ADJ);
  }
  if (p->has_nice && setpriority(PRIO_PROCESS, 0, p->nice) < 0) STEP_FAIL(NICE);
}

static int cap_last(void) {
  static int last = -1;
  if (last >= 0) return last;
  /* Probe the bounding set: the first capability the kernel does not know gives EINVAL. */
  for (last = 0; last < 63 && prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0; last++) {}
  return last;
}

static void apply_capabilities_before_setuid(const struct proc *p) {
  if (!p->has_caps) return;
  /* Skipping what is gone already: a join dropped it early, along with CAP_SETPCAP. */
  for (int cap = 0; cap <= cap_last(); cap++)
    if (!(p->bounding & (1ull << cap)) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      STEP_FAIL(CAPABILITIES);
  /* Keep the permitted set across setuid() to a non-root uid; capset() trims it afterwards. */
  if (p->has_creds && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) STEP_FAIL(CAPABILITIES);
}

static void apply_capabilities_after_setuid(const struct proc *p) {
  if (!p->has_caps) return;
  struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = {
    { (uint32_t)p->effective, (uint32_t)p->permitted, (uint32_t)p->inheritable },
    { (uint32_t)(p->effective >> 32), (uint32_t)(p->permitted >> 32), (uint32_t)(p->inheritable >> 32) },
  };
  if (syscall(SYS_capset, &head, data) < 0) STEP_FAIL(CAPABILITIES);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) STEP_FAIL(CAPABILITIES);
  for (int cap = 0; cap <= cap_last(); cap++)
    if ((p->ambient & (1ull << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) STEP_FAIL(CAPABILITIES);
}

void proc_limit_capabilities(const struct proc *p) {
  if (!p->has_caps) return;
  for (int cap = 0; cap <= cap_last(); cap++)
    if (!(p->bounding & (1ull << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) STEP_FAIL(CAPABILITIES);
  struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = {
    { (uint32_t)p->bounding, (uint32_t)p->bounding, 0 },
    { (uint32_t)(p->bounding >> 32), (uint32_t)(p->bounding >> 32), 0 },
  };
  if (syscall(SYS_capset, &head, data) < 0) STEP_FAIL(CAPABILITIES);
}

static void apply_credentials(const struct proc *p) {
  if (!p->has_creds) return;
  if (setgroups(p->n_groups, p->groups) < 0) STEP_FAIL(CREDENTIALS);
  if (setresgid(p->gid, p->gid, p->gid) < 0) STEP_FAIL(CREDENTIALS);
  if (setresuid(p->uid, p->uid, p->uid) < 0) STEP_FAIL(CREDENTIALS);
}

static void load_seccomp(const struct proc *p) {
  for (size_t i = 0; i < p->n_seccomp; i++) {
    struct sock_fprog prog = { (unsigned short)(p->seccomp[i].len / sizeof(struct sock_filter)), (struct sock_filter *)p->seccomp[i].bpf };
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) STEP_FAIL(SECCOMP);
  }
}

static void reset_signals(void) {
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  for (int sig = 1; sig < _NSIG; sig++) sigaction(sig, &dfl, NULL); /* fails harmlessly for KILL/STOP */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

/* NAME=<pid> appended to a copy of the environment, unless it has NAME already (as systemd lets
 * Environment= win over SYSTEMD_EXEC_PID). The pid is known only here, after the fork. */
static char **with_pid_env(const struct proc *p) {
  size_t n = 0, len = strlen(p->pid_env);
  for (; p->envp[n]; n++)
    if (strncmp(p->envp[n], p->pid_env, len) == 0 && p->envp[n][len] == '=') return p->envp;
  char **env = calloc(n + 2, sizeof *env);
  char *entry = malloc(len + 24);
  if (!env || !entry) return NULL;
  memcpy(env, p->envp, n * sizeof *env);
  snprintf(entry, len + 24, "%s=%ld", p->pid_env, (long)getpid());
  env[n] = entry;
  return env;
}

static int console_fd = -1;
static const char *console_path;

void proc_set_console(int slave_fd) { console_fd = slave_fd; }
void proc_set_console_path(const char *path) { console_path = path; }

_Noreturn void proc_exec(const struct proc *p) {
  if (console_fd >= 0 && console_path) {
    /* The same pty through its bind mount; on failure the helper's own fd of it will do. */
    int fd = open(console_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0) {
      close(console_fd);
      console_fd = fd;
    }
  }
  if (console_fd >= 0) {
    for (int fd = 0; fd < 3; fd++)
      if (dup2(console_fd, fd) < 0) STEP_FAIL(TERMINAL);
    if (console_fd > 2) close(console_fd);
  }
  if (p->terminal != TERMINAL_INHERIT && setsid() < 0 && errno != EPERM) STEP_FAIL(TERMINAL);
  if (p->terminal == TERMINAL_CONTROLLING_TTY && ioctl(STDIN_FILENO, TIOCSCTTY, 1) < 0) STEP_FAIL(TERMINAL);
  if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0) STEP_FAIL(HOSTNAME);
  if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0) STEP_FAIL(HOSTNAME);
  for (size_t i = 0; i < p->n_rlimits; i++)
    if (setrlimit(p->rlimits[i].resource, &p->rlimits[i].value) < 0) STEP_FAIL(RLIMIT);
  if (p->has_personality && personality(p->personality) < 0) STEP_FAIL(PERSONALITY);
  /* Before the filters: nspawn's allow list has no sched_setaffinity(). */
  if (p->cpu_mask && sched_setaffinity(0, p->cpu_mask_len, (const cpu_set_t *)p->cpu_mask) < 0) STEP_FAIL(CPU_AFFINITY);
  umask(p->has_umask ? p->umask : 022);

  if (p->seccomp_early) load_seccomp(p);
  apply_capabilities_before_setuid(p);
  apply_credentials(p);
  apply_capabilities_after_setuid(p);
  /* After setuid, so the directory's permissions are checked against the service's user. */
  if (chdir(p->cwd) < 0) {
    if (!p->cwd_optional || chdir("/") < 0) STEP_FAIL(CHDIR);
  }
  if (p->pdeathsig && prctl(PR_SET_PDEATHSIG, p->pdeathsig, 0, 0, 0) < 0) STEP_FAIL(PDEATHSIG);
  if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) STEP_FAIL(NO_NEW_PRIVS);
  reset_signals();
  /* Last before exec: the filter may forbid what the steps above needed. */
  if (!p->seccomp_early) load_seccomp(p);
  char **envp = p->pid_env ? with_pid_env(p) : p->envp;
  if (!envp) STEP_FAIL(EXEC);
  execve(p->executable, p->argv, envp);
  STEP_FAIL(EXEC);
}
