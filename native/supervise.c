#include "supervise.h"
#include "console.h"
#include "notify.h"
#include "host_nodes.h"
#include "wire_ids.h"
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <string.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

void signals_block(sigset_t *waited) {
  sigfillset(waited);
  /* Faults are about the helper itself and must keep their default action. */
  sigdelset(waited, SIGSEGV);
  sigdelset(waited, SIGBUS);
  sigdelset(waited, SIGFPE);
  sigdelset(waited, SIGILL);
  sigdelset(waited, SIGTRAP);
  sigdelset(waited, SIGSYS);
  sigprocmask(SIG_BLOCK, waited, NULL);
}

/* Cgroup directories hold only kernel files, so rmdir works once every child cgroup is gone and
 * the last member has died; a payload just killed may take a moment to leave. */
static void rmdir_cgroup_tree(int parentfd, const char *name, int depth) {
  if (depth > 64) return;
  int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  DIR *dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return;
  }
  struct dirent *entry;
  while ((entry = readdir(dir)))
    if (entry->d_type == DT_DIR && strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
      rmdir_cgroup_tree(dirfd(dir), entry->d_name, depth + 1);
  closedir(dir);
  for (int attempt = 0; attempt < 50 && unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno == EBUSY; attempt++)
    usleep(20000);
}

void run_cleanup(const struct supervisor *settings) { run_cleanup_steps(settings->cleanup, settings->n_cleanup); }

void run_cleanup_steps(const struct cleanup_step *steps, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const struct cleanup_step *step = &steps[i];
    if (step->kind == CLEANUP_UNLINK) unlink(step->path);
    else if (step->kind == CLEANUP_RMDIR) rmdir(step->path);
    else if (step->kind == CLEANUP_REMOVE_TREE) host_remove_tree(step->path);
    else rmdir_cgroup_tree(AT_FDCWD, step->path, 0);
  }
}

/* Dies the way the payload died, so whoever waits for the helper sees the payload's own status. */
static _Noreturn void exit_like(int status, const struct supervisor *settings) {
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  int sig = WTERMSIG(status);
  for (size_t i = 0; i < settings->n_exit_codes; i++)
    if (settings->exit_codes[i].from == sig || settings->exit_codes[i].from == 0) _exit(settings->exit_codes[i].to);
  struct rlimit no_core = { 0, 0 };
  setrlimit(RLIMIT_CORE, &no_core);
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  sigaction(sig, &dfl, NULL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigprocmask(SIG_UNBLOCK, &only, NULL);
  raise(sig);
  _exit(128 + sig); /* signals whose default is to be ignored */
}

static int translated(const struct supervisor *settings, int sig) {
  for (size_t i = 0; i < settings->n_translate; i++)
    if (settings->translate[i].from == sig) return settings->translate[i].to;
  return sig;
}

static int is_termination(int sig) { return sig == SIGTERM || sig == SIGINT || sig == SIGHUP; }

/* Returns 1 once the child has ended, with its (or the reaper-reported payload's) status. */
static int child_ended(const struct supervision *s, int *status) {
  if (waitpid(s->child, status, WNOHANG) != s->child) return 0;
  if (s->status_fd >= 0) {
    int32_t payload_status;
    fcntl(s->status_fd, F_SETFL, O_NONBLOCK);
    if (read(s->status_fd, &payload_status, sizeof payload_status) == sizeof payload_status) *status = payload_status;
  }
  return 1;
}

_Noreturn void supervise(const struct supervision *s, const sigset_t *waited) {
  int sfd = signalfd(-1, waited, SFD_CLOEXEC | SFD_NONBLOCK);
  struct console console;
  console_start(&console, s->pty_master, s->relay_input);
  int terminations = 0, status = 0;
  const struct supervisor *settings = s->settings;
  int ready_passed = 0;
  if (s->notify_fd >= 0 && settings->notify_ready == NOTIFY_READY_ON_START) {
    notify_outer_ready();
    ready_passed = 1;
  }
  for (;;) {
    struct pollfd fds[4] = { { sfd, POLLIN, 0 }, { s->notify_fd, POLLIN, 0 } };
    nfds_t n = 2 + console_pollfds(&console, fds + 2);
    if (poll(fds, n, -1) < 0 && errno != EINTR) continue;
    if (n > 2 && console_handle(&console, fds + 2, n - 2) == CONSOLE_ESCAPED) kill(s->child, SIGKILL);
    /* Read even when readiness was passed on already: a full socket would block the payload. */
    if ((fds[1].revents & POLLIN) && notify_drain(s->notify_fd, s->notify_relay_fd) && !ready_passed) {
      notify_outer_ready();
      ready_passed = 1;
    }
    struct signalfd_siginfo info;
    while (read(sfd, &info, sizeof info) == sizeof info) {
      int sig = (int)info.ssi_signo;
      if (sig == SIGCHLD) {
        if (!child_ended(s, &status)) continue;
        console_finish(&console);
        run_cleanup(s->settings);
        exit_like(status, s->settings);
      }
      if (sig == SIGWINCH && console.master >= 0) {
        console_resize(&console);
        continue;
      }
      if (is_termination(sig) && s->settings->kill_on_count > 0 && ++terminations >= s->settings->kill_on_count) {
        kill(s->child, SIGKILL);
        continue;
      }
      kill(s->child, translated(s->settings, sig));
    }
  }
}

_Noreturn void reap(pid_t payload, int status_fd, const sigset_t *waited) {
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(waited, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      kill(payload, sig);
      continue;
    }
    int status;
    pid_t got;
    while ((got = waitpid(-1, &status, WNOHANG)) > 0) {
      if (got != payload) continue;
      int32_t st = status;
      ssize_t n;
      do n = write(status_fd, &st, sizeof st); while (n < 0 && errno == EINTR);
      _exit(0);
    }
  }
}

_Noreturn void bridge(pid_t inner, const sigset_t *waited) {
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(waited, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      kill(inner, sig);
      continue;
    }
    int status;
    if (waitpid(inner, &status, WNOHANG) != inner) continue;
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    /* Not dumpable: dying of the same signal dumps no core of the bridge. */
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigaction(WTERMSIG(status), &dfl, NULL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, WTERMSIG(status));
    sigprocmask(SIG_UNBLOCK, &only, NULL);
    kill(getpid(), WTERMSIG(status));
    _exit(128 + WTERMSIG(status));
  }
}
