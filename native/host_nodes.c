#include "host_nodes.h"
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include "kernel.h"
#include <limits.h>
#include <string.h>
#include <sys/file.h>
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

int host_lock_hold(const char *path) {
  if (path[0] != '/') return -EINVAL;
  int ret = host_make_parents(path);
  if (ret < 0) return ret;
  /* A holder's cleanup unlinks the file after its lock is gone: a lock taken on an inode that
   * left its path meanwhile guards nothing, so take the one now at the path. */
  for (int attempt = 0; attempt < 16; attempt++) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return -errno;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
      ret = -errno;
      close(fd);
      return ret;
    }
    struct stat held, now;
    if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_ino == now.st_ino && held.st_dev == now.st_dev) return fd;
    close(fd);
  }
  return -EAGAIN;
}

int host_make_dir(const char *path, int mode) {
  if (path[0] != '/') return -EINVAL;
  int ret = host_make_parents(path);
  if (ret < 0) return ret;
  if (mkdir(path, (mode_t)mode) < 0 && errno != EEXIST) return -errno;
  struct stat st;
  if (lstat(path, &st) < 0) return -errno;
  return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Empties the directory dirfd (on device dev), then closes it. */
static void empty_dir(int dirfd, dev_t dev, int depth) {
  DIR *dir = fdopendir(dirfd);
  if (!dir) {
    close(dirfd);
    return;
  }
  struct dirent *entry;
  while ((entry = readdir(dir))) {
    if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
    struct stat st;
    if (fstatat(dirfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev) continue;
    if (S_ISDIR(st.st_mode)) {
      if (depth >= 64) continue;
      int sub = openat(dirfd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) continue;
      empty_dir(sub, dev, depth + 1);
      unlinkat(dirfd, entry->d_name, AT_REMOVEDIR);
    } else {
      unlinkat(dirfd, entry->d_name, 0);
    }
  }
  closedir(dir);
}

void host_remove_tree(const char *path) {
  char parent[PATH_MAX];
  size_t n = strlen(path);
  const char *slash = strrchr(path, '/');
  if (n >= sizeof parent || !slash || slash[1] == 0) return;
  memcpy(parent, path, (size_t)(slash - path));
  parent[slash == path ? 1 : slash - path] = 0;
  if (slash == path) parent[0] = '/';
  const char *name = slash + 1;
  struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
  int parentfd = k_openat2(AT_FDCWD, parent, &how);
  if (parentfd < 0) return;
  int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0) {
    empty_dir(fd, st.st_dev, 0);
    unlinkat(parentfd, name, AT_REMOVEDIR);
  } else if (fd >= 0) {
    close(fd);
  }
  close(parentfd);
}
