#include "notify.h"
#include "host_nodes.h"
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/uio.h>
#include <stdint.h>
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
  int on = 1; /* the sender's pid arrives with each datagram, for NotifyAccess= */
  if (bind(fd, (struct sockaddr *)&addr, len) < 0 || chmod(path, 0755) < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0) {
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

/* One record on the relay: u32 length, i32 sender pid (0 if unknown), the datagram's bytes. Best
 * effort and never blocking: a reader that stopped reading must not stall the supervisor. */
static void relay(int relay_fd, const char *msg, size_t n, pid_t sender) {
  struct { uint32_t len; int32_t pid; } head = { (uint32_t)n, (int32_t)sender };
  struct iovec iov[2] = { { &head, sizeof head }, { (void *)msg, n } };
  ssize_t ret;
  do ret = writev(relay_fd, iov, 2); while (ret < 0 && errno == EINTR);
}

ssize_t notify_recv(int fd, char *msg, size_t cap, int32_t *sender) {
  union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))]; } control;
  for (;;) {
    struct iovec iov = { msg, cap };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    *sender = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        struct ucred cred;
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
        *sender = cred.pid;
      } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        /* sd_pid_notify_with_fds(): nobody here keeps fds; close what arrived. */
        int *fds = (int *)CMSG_DATA(c);
        for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) close(fds[i]);
      }
    }
    return n;
  }
}

int notify_drain(int fd, int relay_fd) {
  char msg[4096];
  int ready = 0;
  int32_t sender;
  for (ssize_t n; (n = notify_recv(fd, msg, sizeof msg, &sender)) >= 0;) {
    if (n > 0 && says_ready(msg, (size_t)n)) ready = 1;
    if (n > 0 && relay_fd >= 0) relay(relay_fd, msg, (size_t)n, sender);
  }
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
