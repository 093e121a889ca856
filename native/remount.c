/* Recursive flag changes with exclusions, walking this process's mountinfo. */
#include "remount.h"
#include "kernel.h"
#include "resolve.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path of an fd as this process sees it (mountinfo uses the same view). */
static int fd_path(int fd, char *out, size_t size) {
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(self, out, size - 1);
  if (n < 0) return -errno;
  if ((size_t)n >= size - 1) return -ENAMETOOLONG;
  out[n] = 0;
  return 0;
}

static int path_below(const char *path, const char *top) {
  size_t n = strlen(top);
  if (n == 1) return 1; /* "/" */
  return !strncmp(path, top, n) && (path[n] == 0 || path[n] == '/');
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s) {
  char *out = s;
  for (; *s; s++) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
      *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 3;
    } else {
      *out++ = *s;
    }
  }
  *out = 0;
}

/* A recursive flag change that leaves some submounts (and what is below them) alone, as systemd's
 * deny list does: each mount at or below the target, one at a time, except the excluded. */
int remount_excluding(int rootfd, int topfd, const struct record *r, uint32_t first_exclude, uint64_t set,
                             uint64_t clr) {
  static char top[PATH_MAX], excluded[MAX_REMOUNT_EXCLUSIONS][PATH_MAX];
  uint32_t n_excluded = 0;
  int ret = fd_path(topfd, top, sizeof top);
  for (uint32_t i = first_exclude; i < r->nfields && ret == 0; i++) {
    if (n_excluded >= MAX_REMOUNT_EXCLUSIONS) return -E2BIG;
    int efd = in_root(rootfd, rec_str(r, i), O_PATH);
    if (efd == -ENOENT) continue;
    if (efd < 0) return efd;
    ret = fd_path(efd, excluded[n_excluded++], PATH_MAX);
    close(efd);
  }
  if (ret < 0) return ret;
  FILE *mi = fopen("/proc/self/mountinfo", "re");
  if (!mi) return -errno;
  char *line = NULL;
  size_t cap = 0;
  while (ret == 0 && getline(&line, &cap, mi) > 0) {
    char point[PATH_MAX];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1) continue;
    unescape(point);
    if (!path_below(point, top)) continue;
    int skip = 0;
    for (uint32_t i = 0; i < n_excluded && !skip; i++) skip = path_below(point, excluded[i]);
    if (skip) continue;
    /* Mount points are real directories: refusing symlinks keeps a planted link from redirecting. */
    struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
    int mfd = k_openat2(AT_FDCWD, point, &how);
    if (mfd < 0) {
      if (errno != ENOENT) ret = -errno; /* overmounted away: nothing to change */
      continue;
    }
    struct k_mount_attr attr = { .attr_set = set, .attr_clr = clr };
    if (k_mount_setattr(mfd, "", AT_EMPTY_PATH, &attr) < 0) ret = -errno;
    close(mfd);
  }
  free(line);
  fclose(mi);
  return ret;
}

