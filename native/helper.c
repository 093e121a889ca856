/* nsbox-helper: reads a plan on fd 3, reports on fd 4, builds the sandbox and execs the payload.
 * It knows nothing of units or containers; see docs/architecture.md for the steps. */
#include "ops.h"
#include "plan.h"
#include "process.h"
#include "report.h"
#include "supervise.h"
#include "kernel.h"
#include "notify.h"
#include "host_nodes.h"
#include "confine.h"
#include "resident.h"
#include "wire_ids.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLAN_FD 3
#define FIRST_EXTRA_FD 5

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t n = write(fd, text, strlen(text));
  int ret = n < 0 ? -errno : 0;
  close(fd);
  return ret;
}

static int write_id_map(pid_t pid, const char *which, const struct id_map *maps, size_t n) {
  char path[64], text[MAX_ID_MAPS * 64];
  size_t at = 0;
  for (size_t i = 0; i < n; i++)
    at += (size_t)snprintf(text + at, sizeof text - at, "%llu %llu %llu\n", (unsigned long long)maps[i].inside,
                           (unsigned long long)maps[i].outside, (unsigned long long)maps[i].count);
  snprintf(path, sizeof path, "/proc/%d/%s", pid, which);
  return n ? write_file(path, text) : 0;
}

/* Written from the parent namespace: a process inside a new user namespace may not map ranges. */
static int write_user_maps(pid_t pid, const struct plan *plan) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
  int ret = write_file(path, plan->setgroups_allow ? "allow" : "deny");
  if (ret == 0) ret = write_id_map(pid, "gid_map", plan->gid_maps, plan->n_gid_maps);
  if (ret == 0) ret = write_id_map(pid, "uid_map", plan->uid_maps, plan->n_uid_maps);
  return ret;
}

/* The host id that id 0 inside maps to, or -1 when 0 is not mapped. */
static long long root_outside(const struct id_map *maps, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (maps[i].inside == 0 && maps[i].count > 0) return (long long)maps[i].outside;
  return -1;
}

/* The console pty is the host's (allocated before the namespaces exist): its slave belongs to
 * the container's root, as a pty made inside would, so an init can chown and chmod its console
 * (agetty does). */
static int give_console(int slave, const struct plan *plan) {
  long long uid = root_outside(plan->uid_maps, plan->n_uid_maps), gid = root_outside(plan->gid_maps, plan->n_gid_maps);
  if (slave < 0 || uid < 0 || gid < 0) return 0;
  return fchown(slave, (uid_t)uid, (gid_t)gid) < 0 ? -errno : 0;
}

/* A directory the supervisor makes for an overlay's upper layer is written by the container's
 * root: under a user namespace that is the range's first id, not the host's root. */
static int give_to_root(const char *path, const struct plan *plan) {
  long long uid = root_outside(plan->uid_maps, plan->n_uid_maps), gid = root_outside(plan->gid_maps, plan->n_gid_maps);
  if (uid < 0 || gid < 0) return 0;
  return lchown(path, (uid_t)uid, (gid_t)gid) < 0 ? -errno : 0;
}

static int join_cgroups(pid_t pid, const struct plan *plan) {
  char path[4096], text[16];
  snprintf(text, sizeof text, "%d", pid);
  for (size_t i = 0; i < plan->n_cgroups; i++) {
    if ((size_t)snprintf(path, sizeof path, "%s/cgroup.procs", plan->cgroups[i]) >= sizeof path) return -ENAMETOOLONG;
    int ret = write_file(path, text);
    if (ret < 0) return ret;
  }
  return 0;
}

/* A new network namespace starts with lo down; services and containers expect it up. */
static int loopback_up(void) {
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return -errno;
  struct ifreq ifr = { 0 };
  strcpy(ifr.ifr_name, "lo");
  int ret = ioctl(sock, SIOCGIFFLAGS, &ifr) < 0 ? -errno : 0;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ret == 0 && ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) ret = -errno;
  close(sock);
  return ret;
}

static int n_extra_fds;

/* Extra fds arrive at 5.. and the payload expects them at 3..; everything else is closed on exec. */
static void arrange_fds(void) {
  for (int i = 0; i < n_extra_fds; i++)
    if (dup2(FIRST_EXTRA_FD + i, 3 + i) < 0) fail(-1, STEP_EXEC, errno);
  if (syscall(SYS_close_range, 3 + n_extra_fds, ~0u, 4 /* CLOSE_RANGE_CLOEXEC */) < 0) {
    for (int fd = 3 + n_extra_fds; fd < 1024; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

struct console_pty {
  int master, slave; /* -1 when the plan has no console */
  char name[64];
};

static struct console_pty open_console(const struct plan *plan) {
  struct console_pty pty = { -1, -1, "" };
  if (plan->console == CONSOLE_INHERIT) return pty;
  pty.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (pty.master < 0 || grantpt(pty.master) < 0 || unlockpt(pty.master) < 0) fail(-1, STEP_TERMINAL, errno);
  const char *name = ptsname(pty.master);
  if (!name || strlen(name) >= sizeof pty.name) fail(-1, STEP_TERMINAL, errno ? errno : ENAMETOOLONG);
  strcpy(pty.name, name);
  pty.slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (pty.slave < 0) fail(-1, STEP_TERMINAL, errno);
  return pty;
}

static const struct plan *the_plan;
static sigset_t waited; /* every forwarded signal, blocked from the start of setup */
/* Set in a resident's launcher: the payload is the resident's child and must outlive the
 * launcher, so it gets no parent-death signal (a plan's own PDEATHSIG still applies). */
static int resident_launch;

/* The go byte, and an fd passed along with it (the idmapped root), if any. */
static ssize_t recv_go(int sock, char *byte, int *fd) {
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec io = { byte, 1 };
  struct msghdr msg = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  struct cmsghdr *h = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(h), sizeof(int));
  return n;
}

static int send_go(int sock, int fd) {
  char control[CMSG_SPACE(sizeof(int))] = { 0 };
  char byte = '1';
  struct iovec io = { &byte, 1 };
  struct msghdr msg = { .msg_iov = &io, .msg_iovlen = 1 };
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &fd, sizeof(int));
  }
  return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

/* A detached clone of the root whose ids go through the child's user namespace: on-disk 0 is
 * root inside, and the tree on disk stays as it is. Returns the tree fd or -errno. */
static int idmap_root(pid_t child, const char *root) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/user", child);
  int userns = open(path, O_RDONLY | O_CLOEXEC);
  if (userns < 0) return -errno;
  int tree = k_open_tree(AT_FDCWD, root, K_OPEN_TREE_CLONE | K_OPEN_TREE_CLOEXEC);
  int ret = tree < 0 ? -errno : 0;
  struct k_mount_attr attr = { .attr_set = K_MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
  if (ret == 0 && k_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0) ret = -errno;
  close(userns);
  if (ret < 0) {
    if (tree >= 0) close(tree);
    return ret;
  }
  return tree;
}

static void cleanup_on_fail(void) { run_cleanup(&the_plan->supervisor); }

/* A join: this child enters the target's namespaces itself (the supervisor stays in the host's,
 * so the cgroup, map and cleanup paths it writes are never resolved in a mount namespace the
 * container controls), makes the plan's own namespaces below them, and forks where a PID
 * namespace changes, since setns()/unshare() of one moves only the caller's future children.
 * Returns in the process that goes on to build and exec the payload. */
static void enter_joined(const struct plan *plan, const struct proc *proc, int join_fd, const sigset_t *waited) {
  /* Until its exec, the process that appears inside is a privileged stranger there: not dumpable,
   * and with no capability the payload would not get anyway. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail(-1, STEP_JOIN, errno);
  if (setns(join_fd, (int)plan->join_flags) < 0) fail(-1, STEP_JOIN, errno);
  close(join_fd);
  proc_limit_capabilities(proc);
  unsigned long own = plan->ns_flags & ~(unsigned long)(CLONE_NEWCGROUP | CLONE_NEWUSER);
  if (plan->pid_mode != PID_MODE_NONE) own |= CLONE_NEWPID;
  if (own && unshare((int)own) < 0) fail(-1, STEP_CLONE, errno);
  if (!((plan->join_flags | own) & CLONE_NEWPID)) return;
  pid_t inner = fork();
  if (inner < 0) fail(-1, STEP_FORK, errno);
  if (inner == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    return;
  }
  report_close();
  close_fds_except(NULL, 0);
  bridge(inner, waited);
}

static _Noreturn void child_main(const struct plan *plan, const struct proc *proc, int go_fd, int status_fd,
                                 const sigset_t *waited, struct console_pty pty, int join_fd) {
  report_on_fail(NULL); /* cleanup is the supervisor's, not this process's */
  if (pty.master >= 0) close(pty.master);
  proc_set_console(pty.slave);
  if (!resident_launch) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  int ret;
  char go;
  /* The parent writes one byte once maps and cgroups are in place; EOF means it gave up. */
  int idmapped_root = -1;
  if (recv_go(go_fd, &go, &idmapped_root) != 1) _exit(HELPER_EXIT_SETUP_FAILED);
  close(go_fd);
  if (join_fd >= 0) enter_joined(plan, proc, join_fd, waited);
  /* Become the namespace's root (the id mapped to 0), where one is mapped: until then this
   * process still carries the host's ids, which the new namespace shows as the overflow id. */
  if (plan->has_user && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) && errno != EINVAL) fail(-1, STEP_USERNS_MAP, errno);
  if ((plan->ns_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) fail(-1, STEP_CLONE, errno);
  if ((plan->ns_flags & CLONE_NEWNET) && (ret = loopback_up()) < 0) fail(-1, STEP_LOOPBACK, -ret);
  proc_apply_early(proc);

  struct op_ctx ctx = { .rootfd = -1, .has_mount_ns = (plan->ns_flags & CLONE_NEWNS) || (plan->join_flags & CLONE_NEWNS),
                        .console_path = pty.slave >= 0 ? pty.name : NULL, .idmapped_root = idmapped_root };
  if (plan->ns_flags & CLONE_NEWNS) {
    /* Before anything is mounted: nothing below may propagate back to the host. */
    unsigned long prop = plan->host_propagation == PROPAGATION_PRIVATE ? MS_PRIVATE : MS_SLAVE;
    if (mount(NULL, "/", NULL, MS_REC | prop, NULL) < 0) fail(-1, STEP_OPEN_ROOT, errno);
  }
  ret = root_open(&ctx, plan->root, plan->root_layer, plan->root_layer_size);
  if (ret < 0) fail(-1, STEP_OPEN_ROOT, -ret);
  if ((ret = bind_sources_clone(ctx.rootfd, plan->ops, plan->n_ops)) < 0) fail(-1, STEP_OPEN_ROOT, -ret);
  for (size_t i = 0; i < plan->n_ops; i++)
    if ((ret = op_apply(&ctx, &plan->ops[i])) < 0) fail((int)i, STEP_OP, -ret);
  /* Only where the payload's "/" is the root the ops saw: else the path would name a host file. */
  if (!plan->root || ctx.root_switched) proc_set_console_path(ctx.console_bound_at);
  close(ctx.rootfd);

  if (plan->pid_mode == PID_MODE_REAPER) {
    pid_t payload = fork();
    if (payload < 0) fail(-1, STEP_FORK, errno);
    if (payload == 0) {
      close(status_fd);
      arrange_fds();
      proc_exec(proc);
    }
    /* The reaper keeps no stdio or report fd (the payload's end is the end of its output), and
     * nothing a payload that ptraces its PID 1 could use: see confine.c. */
    report_close();
    if (confine_waiter(status_fd) < 0) _exit(HELPER_EXIT_SETUP_FAILED); /* takes the payload along */
    reap(payload, status_fd, waited);
  }
  close(status_fd);
  arrange_fds();
  proc_exec(proc);
}

struct started {
  pid_t child;
  int status_fd; /* where a reaper writes the payload's status */
  struct console_pty pty;
  int notify_fd;
};

/* The setup path shared by the helper and the resident's launchers: host nodes, the clone with
 * every namespace, maps, cgroups, the pid report and the go byte. With CLONE_PARENT in
 * extra_flags the payload becomes the caller's parent's child (the resident's). bind_notify: the
 * caller has not bound the notify socket (the resident binds it itself, to keep it). status_w:
 * the write end of a status pipe the caller reads (a reaper's report), or -1 to make one here. */
static struct started start_payload(const struct plan *plan, const struct proc *proc, unsigned long extra_flags, int bind_notify,
                                    int status_w) {
  int ret;
  umask(0); /* ops create nodes with exact modes; the payload's umask is set before exec */
  struct console_pty pty = open_console(plan);

  /* Before the namespaces: the socket lives in the host's file system, where the supervisor reads
   * it; an op binds its file into the tree. */
  int notify_fd = -1;
  if (bind_notify && plan->supervisor.notify_path && (notify_fd = notify_bind(plan->supervisor.notify_path)) < 0) fail(-1, STEP_NOTIFY, -notify_fd);
  /* Held by the supervisor until it exits; never read. */
  int fifo_fds[MAX_HOST_FIFOS];
  for (size_t i = 0; i < plan->supervisor.n_host_fifos; i++)
    if ((fifo_fds[i] = host_fifo_hold(plan->supervisor.host_fifos[i])) < 0) fail(-1, STEP_HOST_FIFO, -fifo_fds[i]);
  /* Held by the supervisor until it exits, however it ends: a uid range stays taken exactly as
   * long as a container uses it. */
  int lock_fds[MAX_HOST_LOCKS];
  for (size_t i = 0; i < plan->supervisor.n_host_locks; i++)
    if ((lock_fds[i] = host_lock_hold(plan->supervisor.host_locks[i])) < 0) fail(-1, STEP_HOST_LOCK, -lock_fds[i]);
  for (size_t i = 0; i < plan->supervisor.n_host_dirs; i++)
    if ((ret = host_make_dir(plan->supervisor.host_dirs[i].path, plan->supervisor.host_dirs[i].mode)) < 0 ||
        (plan->has_user && (ret = give_to_root(plan->supervisor.host_dirs[i].path, plan)) < 0))
      fail(-1, STEP_HOST_DIR, -ret);

  signals_block(&waited);
  int go[2], status[2] = { -1, status_w };
  /* go is a socket: it may carry the idmapped root (SCM_RIGHTS) along with the go byte. */
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) < 0 || (status_w < 0 && pipe2(status, O_CLOEXEC) < 0)) fail(-1, STEP_CLONE, errno);

  /* Opened here, where the pid means the host's process; the child joins (enter_joined). A new
   * user namespace below a joined one would need maps written from inside it: not offered. */
  int join_fd = -1;
  if (plan->join_pid > 0 && (plan->has_user || (join_fd = k_pidfd_open(plan->join_pid)) < 0)) fail(-1, STEP_JOIN, plan->has_user ? EINVAL : errno);
  unsigned long flags = (plan->ns_flags & ~(unsigned long)CLONE_NEWCGROUP) | SIGCHLD | extra_flags;
  if (plan->pid_mode != PID_MODE_NONE) flags |= CLONE_NEWPID;
  if (join_fd >= 0) flags = SIGCHLD | extra_flags;
  pid_t child = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
  if (child < 0) fail(-1, STEP_CLONE, errno);
  if (child == 0) {
    close(go[1]);
    if (status[0] >= 0) close(status[0]);
    if (notify_fd >= 0) close(notify_fd);
    for (size_t i = 0; i < plan->supervisor.n_host_fifos; i++) close(fifo_fds[i]);
    for (size_t i = 0; i < plan->supervisor.n_host_locks; i++) close(lock_fds[i]);
    child_main(plan, proc, go[0], status[1], &waited, pty, join_fd);
  }
  close(go[0]);
  if (status[1] >= 0) close(status[1]);
  if (join_fd >= 0) close(join_fd);
  /* The supervisor keeps every privilege and the host's view: nobody it supervises may ptrace it
   * or open its /proc/PID files (fds, root, memory) without CAP_SYS_PTRACE. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (plan->has_user && (ret = write_user_maps(child, plan)) < 0) {
    kill(child, SIGKILL);
    fail(-1, STEP_USERNS_MAP, -ret);
  }
  if (plan->has_user && (ret = give_console(pty.slave, plan)) < 0) {
    kill(child, SIGKILL);
    fail(-1, STEP_TERMINAL, -ret);
  }
  if ((ret = join_cgroups(child, plan)) < 0) {
    kill(child, SIGKILL);
    fail(-1, STEP_CGROUP, -ret);
  }
  int idmapped = -1;
  if (plan->has_user && plan->root_idmap && plan->root && (idmapped = idmap_root(child, plan->root)) < 0) {
    kill(child, SIGKILL);
    fail(-1, STEP_OPEN_ROOT, -idmapped);
  }
  report_pid(child);
  if ((ret = send_go(go[1], idmapped)) < 0) fail(-1, STEP_CLONE, -ret);
  if (idmapped >= 0) close(idmapped);
  close(go[1]);
  return (struct started){ child, status[0], pty, notify_fd };
}

_Noreturn void launcher_run(const uint8_t *plan_bytes, size_t len, int report_fd, int status_w) {
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  for (int sig = 1; sig < _NSIG; sig++) sigaction(sig, &dfl, NULL);
  report_init(report_fd);
  static struct plan plan;
  struct proc proc;
  int ret = plan_parse(plan_bytes, len, &plan);
  if (ret == 0) ret = proc_decode(&plan, &proc);
  if (ret < 0) fail(-1, STEP_READ_PLAN, -ret);
  the_plan = &plan;
  report_on_fail(cleanup_on_fail);
  resident_launch = 1;
  start_payload(&plan, &proc, CLONE_PARENT, 0, status_w);
  _exit(0);
}

static int report_fd_arg = -1;
static int notify_relay_fd_arg = -1;

static int parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "--extra-fds=", 12)) {
      n_extra_fds = atoi(argv[i] + 12);
      if (n_extra_fds < 0 || n_extra_fds > 64) return -1;
    } else if (!strcmp(argv[i], "--legacy-mount-clone")) {
      ops_legacy_clone = 1;
    } else if (!strncmp(argv[i], "--notify-relay-fd=", 18)) {
      notify_relay_fd_arg = atoi(argv[i] + 18);
      if (notify_relay_fd_arg < 3) return -1;
    } else if (!strncmp(argv[i], "--report-fd=", 12)) {
      report_fd_arg = atoi(argv[i] + 12);
      if (report_fd_arg < 3) return -1;
    } else {
      return -1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--resident")) {
    if (argc == 4 && strcmp(argv[3], "--legacy-mount-clone")) return 2;
    ops_legacy_clone = argc == 4;
    return resident_main(argv[2]);
  }
  if (parse_args(argc, argv) < 0) {
    fputs("nsbox-helper: this program is run by nsbox; usage: nsbox-helper [--extra-fds=N] [--report-fd=N] [--notify-relay-fd=N] 3<plan\n", stderr);
    return 2;
  }
  /* A process handed over by Node arrives with Node's ignored signals (SIGPIPE): start clean. */
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  for (int sig = 1; sig < _NSIG; sig++) sigaction(sig, &dfl, NULL);
  int report_fd = -1;
  if (report_fd_arg >= 0) {
    /* Keep the report fd out of the range the payload's extra fds are moved into. */
    report_fd = fcntl(report_fd_arg, F_DUPFD_CLOEXEC, 100);
    if (report_fd < 0) return 2;
    close(report_fd_arg);
    report_init(report_fd);
  }
  int notify_relay_fd = -1;
  if (notify_relay_fd_arg >= 0) {
    /* Above the report fd's 100, the supervisor's own: never the payload's. */
    notify_relay_fd = fcntl(notify_relay_fd_arg, F_DUPFD_CLOEXEC, 110);
    if (notify_relay_fd < 0 || fcntl(notify_relay_fd, F_SETFL, O_NONBLOCK) < 0) return 2;
    close(notify_relay_fd_arg);
  }
  /* Whatever else the caller left open (a shell's `200</etc`, a leaky parent) would stay open in
   * the supervisor and the reaper, where a payload could reach it through /proc/PID/fd. */
  int keep[3 + 64 + 2] = { 0, 1, 2, PLAN_FD };
  size_t n_keep = 4;
  for (int i = 0; i < n_extra_fds; i++) keep[n_keep++] = FIRST_EXTRA_FD + i;
  keep[n_keep++] = report_fd; /* >= 100: above the extra fds, so keep stays ascending */
  keep[n_keep++] = notify_relay_fd; /* >= 110 */
  close_fds_except(keep, n_keep);

  static struct plan plan;
  struct proc proc;
  int ret = plan_read(PLAN_FD, &plan);
  close(PLAN_FD);
  if (ret == 0) ret = proc_decode(&plan, &proc);
  if (ret < 0) {
    if (report_fd_arg < 0) dprintf(STDERR_FILENO, "nsbox-helper: cannot read the plan: %s\n", strerror(-ret));
    fail(-1, STEP_READ_PLAN, -ret);
  }
  if (report_fd_arg < 0) report_init_text(&plan);
  the_plan = &plan;
  report_on_fail(cleanup_on_fail);
  struct started st = start_payload(&plan, &proc, 0, 1, -1);
  report_close();
  struct console_pty pty = st.pty;
  int notify_fd = st.notify_fd;
  pid_t child = st.child;
  int relay = plan.console == CONSOLE_PTY || plan.console == CONSOLE_PTY_READ_ONLY;
  /* The supervisor keeps a slave open: a booting init closes /dev/console and opens it again
   * later, and with no slave open the master reads EIO and its buffered output is lost. */
  if (!relay && pty.slave >= 0) close(pty.slave);
  /* Without a relay the helper keeps no copy of the payload's stdio: its streams end when the
   * payload's do. With one, the helper's stdio is the user's side of the console. */
  if (!relay) {
    for (int fd = 0; fd < 3; fd++) close(fd);
  }
  for (int i = 0; i < n_extra_fds; i++) close(FIRST_EXTRA_FD + i);
  struct supervision s = {
    .child = child, .status_fd = st.status_fd, .pty_master = relay ? pty.master : -1,
    .relay_input = plan.console == CONSOLE_PTY, .notify_fd = notify_fd,
    .notify_relay_fd = notify_relay_fd, .settings = &plan.supervisor,
  };
  supervise(&s, &waited);
}
