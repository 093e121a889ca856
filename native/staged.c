/* Bind sources made on the fly: an empty mode-000 node of any type (inaccessible paths) or a small
 * file with given content, each in a private tmpfs, so nothing is written to the tree or host. */
#include "ops_internal.h"
#include "resolve.h"
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* A node of the given type in a fresh mode-000 tmpfs, cloned as a bind source. Kernels before
 * 6.15 refuse to clone from a detached mount, so the tmpfs is briefly stacked on the root (inside
 * our own mount namespace) and taken off again; the clone outlives it. */
int ops_legacy_clone; /* tests: take the pre-6.15 path even where cloning detached mounts works */

/* A clone of the node "node" of the detached mount mnt, usable as a bind source. */
static int clone_staged(struct op_ctx *c, int mnt, int *ret) {
  int tree = ops_legacy_clone ? -1 : k_open_tree(mnt, "node", K_OPEN_TREE_CLONE | K_OPEN_TREE_CLOEXEC);
  if (ops_legacy_clone) errno = EINVAL;
  if (tree < 0 && errno == EINVAL && attach(mnt, c->rootfd) == 0) {
    tree = k_open_tree(mnt, "node", K_OPEN_TREE_CLONE | K_OPEN_TREE_CLOEXEC);
    int saved = errno;
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", mnt);
    if (umount2(self, MNT_DETACH) < 0) *ret = -errno;
    errno = saved;
  }
  if (tree < 0 && *ret == 0) *ret = -errno;
  return tree;
}

/* When ret is 0, clones mnt's "node" as a bind source; closes mnt either way. The clone or -errno. */
static int finish_staged(struct op_ctx *c, int mnt, int ret) {
  int tree = ret == 0 ? clone_staged(c, mnt, &ret) : -1;
  close(mnt);
  if (ret < 0) {
    close_if(tree);
    return ret;
  }
  return tree;
}

/* A small regular file with the given content and mode in a fresh tmpfs, cloned as a bind
 * source: how a file can be put over another one without writing anything to the tree or host. */
static int content_node(struct op_ctx *c, const struct field *content, mode_t mode) {
  struct fs_opt opts[] = { { "mode", "0755" }, { "size", "64k" } };
  int mnt = new_fs("tmpfs", opts, 2, 0);
  if (mnt < 0) return mnt;
  int ret = 0;
  int f = openat(mnt, "node", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
  if (f < 0) ret = -errno;
  for (uint32_t at = 0; ret == 0 && at < content->len;) {
    ssize_t n = write(f, content->data + at, content->len - at);
    if (n < 0 && errno != EINTR) ret = -errno;
    if (n > 0) at += (uint32_t)n;
  }
  if (ret == 0) ret = neg(fchmod(f, mode & 07777));
  close_if(f);
  return finish_staged(c, mnt, ret);
}

static int inaccessible_node(struct op_ctx *c, mode_t type) {
  struct fs_opt opts[] = { { "mode", "0" }, { "size", "4k" } };
  int mnt = new_fs("tmpfs", opts, 2, 0);
  if (mnt < 0) return mnt;
  int ret;
  if (S_ISCHR(type) || S_ISBLK(type)) {
    ret = neg(mknodat(mnt, "node", type | 0, makedev(0, 0)));
    if (ret == -EPERM) ret = neg(mknodat(mnt, "node", S_IFREG, 0)); /* no CAP_MKNOD: a file will do */
  } else if (S_ISFIFO(type) || S_ISSOCK(type)) {
    ret = neg(mknodat(mnt, "node", type | 0, 0));
  } else {
    int f = openat(mnt, "node", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    ret = f < 0 ? -errno : 0;
    close_if(f);
  }
  return finish_staged(c, mnt, ret);
}

int op_bind_content(struct op_ctx *c, const struct record *r) {
  int tree = content_node(c, &r->fields[F_BIND_CONTENT_CONTENT], (mode_t)rec_int(r, F_BIND_CONTENT_MODE));
  if (tree < 0) return tree;
  return attach_tree(c, tree, (uint64_t)rec_int(r, F_BIND_CONTENT_SET_FLAGS), (uint64_t)rec_int(r, F_BIND_CONTENT_CLEAR_FLAGS), 0,
                     rec_str(r, F_BIND_CONTENT_TARGET), 'f');
}

int op_inaccessible(struct op_ctx *c, const struct record *r) {
  int fd = in_root(c->rootfd, rec_str(r, F_INACCESSIBLE_TARGET), O_PATH);
  if (fd < 0) return rec_int(r, F_INACCESSIBLE_OPTIONAL) && fd == -ENOENT ? 0 : fd;
  struct stat st;
  int ret = neg(fstat(fd, &st));
  int src = -1;
  if (ret == 0) {
    if (S_ISDIR(st.st_mode)) {
      struct fs_opt opts[] = { { "mode", "0" }, { "size", "4k" }, { "nr_inodes", "1" } };
      src = new_fs("tmpfs", opts, 3, SEALED);
    } else {
      src = inaccessible_node(c, st.st_mode & S_IFMT);
      if (src >= 0) ret = set_attrs(src, SEALED, 0, 0);
    }
    if (src < 0) ret = src;
  }
  if (ret == 0) ret = attach(src, fd);
  close_if(src);
  close(fd);
  return ret;
}
