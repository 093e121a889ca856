#include "host_nodes.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int host_make_parents(const char *path) {
  char dir[PATH_MAX];
  size_t n = strlen(path);
  if (n >= sizeof dir) return -ENAMETOOLONG;
  memcpy(dir, path, n + 1);
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) return -errno;
    *p = '/';
  }
  return 0;
}

int host_fifo_hold(const char *path) {
  if (path[0] != '/') return -EINVAL;
  int ret = host_make_parents(path);
  if (ret < 0) return ret;
  if (unlink(path) < 0 && errno != ENOENT) return -errno;
  if (mkfifo(path, 0600) < 0) return -errno;
  int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
  return fd < 0 ? -errno : fd;
}
