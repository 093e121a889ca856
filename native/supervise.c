#include "supervise.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/resource.h>
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

/* Dies the way the payload died, so whoever waits for the helper sees the payload's own status. */
static _Noreturn void exit_like(int status) {
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  int sig = WTERMSIG(status);
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

_Noreturn void supervise(pid_t child, int status_fd, const sigset_t *waited) {
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(waited, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      kill(child, sig);
      continue;
    }
    int status;
    pid_t got = waitpid(child, &status, WNOHANG);
    if (got != child) continue;
    if (status_fd >= 0) {
      int32_t payload_status;
      fcntl(status_fd, F_SETFL, O_NONBLOCK);
      if (read(status_fd, &payload_status, sizeof payload_status) == sizeof payload_status) status = payload_status;
    }
    exit_like(status);
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
      int32_t s = status;
      ssize_t n;
      do n = write(status_fd, &s, sizeof s); while (n < 0 && errno == EINTR);
      _exit(0);
    }
  }
}
