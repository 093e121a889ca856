#include "resolve.h"
#include "kernel.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int in_root(int rootfd, const char *path, int flags) {
  struct open_how how = {
    .flags = (uint64_t)(flags | O_CLOEXEC),
    .mode = 0,
    /* Magic links (/proc/self/fd/...) inside a tree could point anywhere: refuse them. */
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  if (flags & O_CREAT) how.mode = 0644;
  while (*path == '/') path++;
  int fd;
  do fd = k_openat2(rootfd, *path ? path : ".", &how);
  while (fd < 0 && errno == EAGAIN); /* a concurrent rename made the kernel give up: retry */
  return fd < 0 ? -errno : fd;
}

/* Copies path into buf (PATH_MAX bytes) without its trailing slashes (but a lone "/"). */
static int copy_trimmed(char *buf, const char *path) {
  size_t len = strlen(path);
  if (len >= PATH_MAX) return -ENAMETOOLONG;
  memcpy(buf, path, len + 1);
  while (len > 1 && buf[len - 1] == '/') buf[--len] = 0;
  return 0;
}

int in_root_parent(int rootfd, const char *path, char *name, size_t name_size) {
  char buf[PATH_MAX];
  if (copy_trimmed(buf, path) < 0) return -ENAMETOOLONG;
  char *slash = strrchr(buf, '/');
  const char *last = slash ? slash + 1 : buf;
  if (!*last || !strcmp(last, ".") || !strcmp(last, "..")) return -EINVAL;
  if (strlen(last) >= name_size) return -ENAMETOOLONG;
  strcpy(name, last);
  if (slash) *slash = 0; else buf[0] = 0;
  return in_root(rootfd, buf, O_PATH | O_DIRECTORY);
}

int mkdir_p_in_root(int rootfd, const char *path, mode_t mode) {
  int fd = in_root(rootfd, path, O_PATH | O_DIRECTORY);
  if (fd != -ENOENT) return fd;
  char parent[PATH_MAX], name[NAME_MAX + 1];
  if (copy_trimmed(parent, path) < 0) return -ENAMETOOLONG;
  char *slash = strrchr(parent, '/');
  if (!slash) return -EINVAL;
  *slash = 0;
  int pfd = mkdir_p_in_root(rootfd, *parent ? parent : "/", mode);
  if (pfd < 0) return pfd;
  int ret = in_root_parent(rootfd, path, name, sizeof name);
  if (ret < 0) { close(pfd); return ret; }
  close(ret);
  /* mkdirat on a single name never follows a symlink: a dangling link there gives EEXIST. */
  if (mkdirat(pfd, name, mode) < 0 && errno != EEXIST) { ret = -errno; close(pfd); return ret; }
  close(pfd);
  return in_root(rootfd, path, O_PATH | O_DIRECTORY);
}

int in_root_create(int rootfd, const char *path, char kind) {
  int fd = in_root(rootfd, path, O_PATH);
  if (fd != -ENOENT || kind == 0) return fd;
  char name[NAME_MAX + 1];
  if (kind == 'd') return mkdir_p_in_root(rootfd, path, 0755);
  int pfd = in_root_parent(rootfd, path, name, sizeof name);
  if (pfd == -ENOENT) {
    /* Parents are created like mkdir -p; then try again. */
    char parent[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof parent) return -ENAMETOOLONG;
    memcpy(parent, path, len + 1);
    char *slash = strrchr(parent, '/');
    if (!slash) return -EINVAL;
    *slash = 0;
    int dfd = mkdir_p_in_root(rootfd, *parent ? parent : "/", 0755);
    if (dfd < 0) return dfd;
    close(dfd);
    pfd = in_root_parent(rootfd, path, name, sizeof name);
  }
  if (pfd < 0) return pfd;
  /* O_EXCL|O_NOFOLLOW: a symlink planted at the name fails instead of being followed out. */
  int f = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  int err = f < 0 ? errno : 0;
  close(pfd);
  if (f >= 0) close(f);
  else if (err != EEXIST) return -err;
  return in_root(rootfd, path, O_PATH);
}
