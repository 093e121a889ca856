#include "console.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define ESCAPE_BYTE 0x1d /* ^] */

void console_resize(const struct console *c) {
  struct winsize ws;
  if (c->master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ioctl(c->master, TIOCSWINSZ, &ws);
}

void console_start(struct console *c, int master, int relay_input) {
  memset(c, 0, sizeof *c);
  c->master = master;
  if (master < 0) return;
  c->read_output = 1;
  c->read_input = relay_input;
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  console_resize(c);
  if (relay_input && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &c->saved) == 0) {
    struct termios raw = c->saved;
    cfmakeraw(&raw);
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) c->raw = 1;
  }
}

int console_pollfds(const struct console *c, struct pollfd *fds) {
  int n = 0;
  if (c->master < 0) return 0;
  if (c->read_input) fds[n++] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
  if (c->read_output) fds[n++] = (struct pollfd){ c->master, POLLIN, 0 };
  return n;
}

/* Writes everything, waiting on a full non-blocking fd; gives up on a closed reader. */
static void write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n > 0) {
      buf += n;
      len -= (size_t)n;
    } else if (n < 0 && errno == EAGAIN) {
      struct pollfd p = { fd, POLLOUT, 0 };
      if (poll(&p, 1, 1000) <= 0) return;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

static double seconds_between(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Three ^] within one second, as systemd-nspawn does it. */
static int escape_pressed(struct console *c, const char *buf, ssize_t len) {
  for (ssize_t i = 0; i < len; i++) {
    if (buf[i] != ESCAPE_BYTE) continue;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (c->n_escapes == 2 && seconds_between(&c->escapes[0], &now) <= 1.0) return 1;
    if (c->n_escapes == 2) {
      c->escapes[0] = c->escapes[1];
      c->escapes[1] = now;
    } else {
      c->escapes[c->n_escapes++] = now;
    }
  }
  return 0;
}

static void relay_output(struct console *c) {
  char buf[16384];
  for (;;) {
    ssize_t n = read(c->master, buf, sizeof buf);
    if (n > 0) {
      write_all(STDOUT_FILENO, buf, (size_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    /* EIO: every writer closed the slave. EAGAIN: nothing more for now. */
    if (n == 0 || errno != EAGAIN) c->read_output = 0;
    return;
  }
}

int console_handle(struct console *c, const struct pollfd *fds, int n) {
  for (int i = 0; i < n; i++) {
    if (!fds[i].revents) continue;
    if (fds[i].fd == c->master) {
      relay_output(c);
      continue;
    }
    char buf[4096];
    ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
    if (got <= 0) {
      if (got == 0 || (errno != EINTR && errno != EAGAIN)) c->read_input = 0;
      continue;
    }
    if (escape_pressed(c, buf, got)) return CONSOLE_ESCAPED;
    write_all(c->master, buf, (size_t)got);
  }
  return CONSOLE_OK;
}

void console_finish(struct console *c) {
  if (c->master < 0) return;
  if (c->read_output) relay_output(c);
  if (c->raw) tcsetattr(STDIN_FILENO, TCSANOW, &c->saved);
  c->raw = 0;
}
