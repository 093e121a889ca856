#include "notify.h"
#include "host_nodes.h"
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_address(struct sockaddr_un *addr, socklen_t *len, const char *path) {
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof addr->sun_path) return -ENAMETOOLONG;
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  memcpy(addr->sun_path, path, n);
  /* "@name" is the abstract namespace, as sd_notify(3) reads NOTIFY_SOCKET. */
  if (path[0] == '@') addr->sun_path[0] = 0;
  *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
  return 0;
}

int notify_bind(const char *path) {
  struct sockaddr_un addr;
  socklen_t len;
  int ret = fill_address(&addr, &len, path);
  if (ret < 0) return ret;
  if (path[0] != '/') return -EINVAL;
  if ((ret = host_make_parents(path)) < 0) return ret;
  if (unlink(path) < 0 && errno != ENOENT) return -errno;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -errno;
  /* Only root may send, as with nspawn's socket (srwxr-xr-x). */
  if (bind(fd, (struct sockaddr *)&addr, len) < 0 || chmod(path, 0755) < 0) {
    ret = -errno;
    close(fd);
    return ret;
  }
  return fd;
}

static int says_ready(const char *msg, size_t n) {
  /* Newline-separated assignments; READY=1 may be any of them. */
  for (size_t at = 0; at < n;) {
    const char *end = memchr(msg + at, '\n', n - at);
    size_t line = end ? (size_t)(end - (msg + at)) : n - at;
    if (line == 7 && !memcmp(msg + at, "READY=1", 7)) return 1;
    at += line + 1;
  }
  return 0;
}

int notify_drain(int fd) {
  char msg[4096];
  int ready = 0;
  ssize_t n;
  while ((n = recv(fd, msg, sizeof msg, MSG_DONTWAIT)) >= 0 || errno == EINTR)
    if (n > 0 && says_ready(msg, (size_t)n)) ready = 1;
  return ready;
}

void notify_outer_ready(void) {
  const char *path = getenv("NOTIFY_SOCKET");
  struct sockaddr_un addr;
  socklen_t len;
  if (!path || fill_address(&addr, &len, path) < 0) return;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  static const char ready[] = "READY=1";
  /* Best effort, as sd_notify(3): a manager that went away is no reason to stop the container. */
  (void)sendto(fd, ready, sizeof ready - 1, MSG_NOSIGNAL, (struct sockaddr *)&addr, len);
  close(fd);
}
