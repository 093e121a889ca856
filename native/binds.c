/* Bind ops. A service's bind sources come from the view before any op ran, as systemd takes
 * them from the untouched host view while it assembles the new root elsewhere: otherwise an
 * earlier op (PrivateDevices='s tmpfs on /dev, ProtectHome=tmpfs, TemporaryFileSystem=) would hide
 * the source a later bind names. Such sources are cloned up front and kept as detached trees until
 * their op runs; a clone is a copy, so nothing mounted afterwards shows in it. Binds that name
 * what an earlier op made on purpose (nspawn's /proc/sys self-bind) look in the current view. */
#include "ops_internal.h"
#include "resolve.h"
#include "wire_ids.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

/* One bind op whose source was cloned before the ops: the tree's fd, or -errno for its op. */
struct early_source {
  const struct record *op;
  int tree;
};

static struct early_source *early;
static size_t n_early;

/* A detached copy of the bind's source (its submounts too when recursive), or -errno. */
static int clone_source(int rootfd, const struct record *r) {
  const char *src = rec_str(r, F_BIND_SOURCE);
  int srcfd = rec_int(r, F_BIND_SOURCE_BASE) == PATH_BASE_ROOT ? in_root(rootfd, src, O_PATH) : neg(open(src, O_PATH | O_CLOEXEC));
  if (srcfd < 0) return srcfd;
  int recursive = rec_int(r, F_BIND_RECURSIVE) != 0;
  int tree = neg(k_open_tree(srcfd, "", K_OPEN_TREE_CLONE | K_OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? K_AT_RECURSIVE : 0)));
  close(srcfd);
  return tree;
}

int bind_sources_clone(int rootfd, const struct record *ops, size_t n) {
  size_t wanted = 0;
  for (size_t i = 0; i < n; i++)
    if (ops[i].tag == REC_OP_BIND && rec_int(&ops[i], F_BIND_SOURCE_VIEW) == SOURCE_VIEW_ORIGINAL) wanted++;
  if (wanted == 0) return 0;
  early = calloc(wanted, sizeof *early);
  if (!early) return -ENOMEM;
  for (size_t i = 0; i < n; i++) {
    if (ops[i].tag != REC_OP_BIND || rec_int(&ops[i], F_BIND_SOURCE_VIEW) != SOURCE_VIEW_ORIGINAL) continue;
    /* A missing source is its op's failure (or nothing, for an optional one), not the plan's. */
    early[n_early++] = (struct early_source){ &ops[i], clone_source(rootfd, &ops[i]) };
  }
  return 0;
}

/* The source for this op: the tree cloned before the ops, or one cloned now. */
static int take_source(int rootfd, const struct record *r) {
  for (size_t i = 0; i < n_early; i++) {
    if (early[i].op != r) continue;
    int tree = early[i].tree;
    early[i].tree = -EBADF; /* an op runs once; a second use would be a bug, not a reuse */
    return tree;
  }
  return clone_source(rootfd, r);
}

static char create_kind(int64_t create, int srcfd) {
  struct stat st;
  switch (create) {
  case CREATE_DIR: return 'd';
  case CREATE_FILE: return 'f';
  case CREATE_LIKE_SOURCE: return fstat(srcfd, &st) == 0 && S_ISDIR(st.st_mode) ? 'd' : 'f';
  default: return 0;
  }
}

int attach_tree(struct op_ctx *c, int tree, uint64_t set, uint64_t clr, int recursive, const char *target, char create) {
  int ret = set_attrs(tree, set, clr, recursive);
  int tfd = ret >= 0 ? in_root_create(c->rootfd, target, create) : -1;
  if (ret >= 0 && tfd < 0) ret = tfd;
  if (ret >= 0) ret = attach(tree, tfd);
  close_if(tfd);
  close(tree);
  return ret;
}

int op_bind(struct op_ctx *c, const struct record *r) {
  int recursive = rec_int(r, F_BIND_RECURSIVE) != 0, optional = rec_int(r, F_BIND_OPTIONAL) != 0;
  int tree = take_source(c->rootfd, r);
  if (tree < 0) return optional && tree == -ENOENT ? 0 : tree;
  return attach_tree(c, tree, (uint64_t)rec_int(r, F_BIND_SET_FLAGS), (uint64_t)rec_int(r, F_BIND_CLEAR_FLAGS), recursive,
                     rec_str(r, F_BIND_TARGET), create_kind(rec_int(r, F_BIND_CREATE), tree));
}

int op_mount_point(struct op_ctx *c, const struct record *r) {
  int fd = in_root(c->rootfd, rec_str(r, F_MOUNT_POINT_TARGET), O_PATH);
  if (fd < 0) return rec_int(r, F_MOUNT_POINT_OPTIONAL) && fd == -ENOENT ? 0 : fd;
  /* A mount point already stays as it is: stacking a copy would leave the original listed (and
   * writable) beneath it. The remount rounds then change it, and its submounts, in place. */
  int ret = is_mount_root(fd);
  if (ret == 0) {
    int tree = neg(k_open_tree(fd, "", K_OPEN_TREE_CLONE | K_OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | K_AT_RECURSIVE));
    ret = tree < 0 ? tree : attach(tree, fd);
    close_if(tree);
  } else if (ret > 0) {
    ret = 0;
  }
  close(fd);
  return ret;
}
