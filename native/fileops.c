/* Ops that make or change a file inside the root (no mounts): mkdir, symlink, mknod, write, chmod. */
#include "ops_internal.h"
#include "resolve.h"
#include "wire_ids.h"
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int op_mkdir(struct op_ctx *c, const struct record *r) {
  const char *path = rec_str(r, F_MKDIR_PATH);
  mode_t mode = (mode_t)rec_int(r, F_MKDIR_MODE);
  int fd;
  if (rec_int(r, F_MKDIR_PARENTS)) {
    fd = mkdir_p_in_root(c->rootfd, path, mode);
  } else {
    char name[NAME_MAX + 1];
    int pfd = in_root_parent(c->rootfd, path, name, sizeof name);
    if (pfd < 0) return pfd;
    fd = neg(mkdirat(pfd, name, mode));
    close(pfd);
  }
  if (fd > 0) close(fd);
  return fd < 0 ? fd : 0;
}

int with_parent(struct op_ctx *c, const char *path, int (*fn)(int pfd, const char *name, const struct record *r),
                       const struct record *r) {
  char name[NAME_MAX + 1];
  int pfd = in_root_parent(c->rootfd, path, name, sizeof name);
  if (pfd < 0) return pfd;
  int ret = fn(pfd, name, r);
  close(pfd);
  return ret;
}

int do_symlink(int pfd, const char *name, const struct record *r) { return neg(symlinkat(rec_str(r, F_SYMLINK_LINK_TARGET), pfd, name)); }

int do_mknod(int pfd, const char *name, const struct record *r) {
  static const mode_t types[] = { [NODE_CHAR] = S_IFCHR, [NODE_BLOCK] = S_IFBLK, [NODE_FIFO] = S_IFIFO };
  int64_t t = rec_int(r, F_MKNOD_TYPE);
  if (t < NODE_CHAR || t > NODE_FIFO) return -EINVAL;
  mode_t mode = types[t] | ((mode_t)rec_int(r, F_MKNOD_MODE) & 07777);
  int ret = neg(mknodat(pfd, name, mode, makedev((unsigned)rec_int(r, F_MKNOD_MAJOR), (unsigned)rec_int(r, F_MKNOD_MINOR))));
  /* mknod ignores the umask only when it is 0; make the mode exact */
  if (ret == 0) ret = neg(fchmodat(pfd, name, mode & 07777, 0));
  return ret;
}

/* Opens a regular file for writing, creating it if missing. A tree may put a FIFO (the open would
 * block) or a device node (say, of a host disk) where a file is expected: only a regular file is
 * ever opened for writing, and O_NONBLOCK keeps a node swapped in meanwhile from blocking. */
static int open_regular_for_write(int rootfd, const char *path) {
  int fd = in_root(rootfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY);
  if (fd != -EEXIST) return fd;
  int probe = in_root(rootfd, path, O_PATH);
  if (probe < 0) return probe;
  struct stat st;
  int ret = fstat(probe, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
  close(probe);
  if (ret < 0) return ret;
  fd = in_root(rootfd, path, O_WRONLY | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return fd;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -EINVAL;
  }
  if (ftruncate(fd, 0) < 0 || fcntl(fd, F_SETFL, 0) < 0) {
    ret = -errno;
    close(fd);
    return ret;
  }
  return fd;
}

int op_write_file(struct op_ctx *c, const struct record *r) {
  int fd = open_regular_for_write(c->rootfd, rec_str(r, F_WRITE_FILE_PATH));
  if (fd < 0) return fd;
  const struct field *content = &r->fields[F_WRITE_FILE_CONTENT];
  int ret = 0;
  for (uint32_t at = 0; at < content->len && ret == 0;) {
    ssize_t n = write(fd, content->data + at, content->len - at);
    if (n < 0 && errno != EINTR) ret = -errno;
    if (n > 0) at += (uint32_t)n;
  }
  if (ret == 0) ret = neg(fchmod(fd, (mode_t)rec_int(r, F_WRITE_FILE_MODE) & 07777));
  close(fd);
  return ret;
}

int op_chmod(struct op_ctx *c, const struct record *r) {
  int fd = in_root(c->rootfd, rec_str(r, F_CHMOD_PATH), O_PATH);
  if (fd < 0) return fd;
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  int ret = neg(chmod(self, (mode_t)rec_int(r, F_CHMOD_MODE) & 07777));
  close(fd);
  return ret;
}
