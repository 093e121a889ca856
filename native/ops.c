#include "ops_internal.h"
#include "kernel.h"
#include "remount.h"
#include "resolve.h"
#include "wire_ids.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int mount_fs_at(struct op_ctx *c, const char *target, char create, const char *type, const struct fs_opt *opts,
                       size_t n, uint64_t set) {
  int tfd = in_root_create(c->rootfd, target, create);
  if (tfd < 0) return tfd;
  int mnt = new_fs(type, opts, n, (unsigned)set);
  int ret = mnt < 0 ? mnt : attach(mnt, tfd);
  close_if(mnt);
  close(tfd);
  return ret;
}

static int op_remount(struct op_ctx *c, const struct record *r) {
  int fd = in_root(c->rootfd, rec_str(r, F_REMOUNT_TARGET), O_PATH);
  if (fd < 0) return rec_int(r, F_REMOUNT_OPTIONAL) && fd == -ENOENT ? 0 : fd;
  /* Changing the flags of a path that is not a mount root would change its whole parent mount. */
  int ret = is_mount_root(fd);
  if (ret == 0) ret = -EINVAL;
  uint64_t set = (uint64_t)rec_int(r, F_REMOUNT_SET_FLAGS), clr = (uint64_t)rec_int(r, F_REMOUNT_CLEAR_FLAGS);
  int recursive = rec_int(r, F_REMOUNT_RECURSIVE) != 0;
  if (ret > 0 && recursive && r->nfields > F_REMOUNT_EXCLUDE) ret = remount_excluding(c->rootfd, fd, r, F_REMOUNT_EXCLUDE, set, clr);
  else if (ret > 0) ret = set_attrs(fd, set, clr, recursive);
  close(fd);
  return ret;
}

static int op_tmpfs(struct op_ctx *c, const struct record *r) {
  char mode[16], size[24], inodes[24];
  struct fs_opt opts[3];
  size_t n = 0;
  snprintf(mode, sizeof mode, "%llo", (unsigned long long)rec_int(r, F_TMPFS_MODE));
  opts[n++] = (struct fs_opt){ "mode", mode };
  if (rec_int(r, F_TMPFS_SIZE_BYTES) > 0) {
    snprintf(size, sizeof size, "%lld", (long long)rec_int(r, F_TMPFS_SIZE_BYTES));
    opts[n++] = (struct fs_opt){ "size", size };
  }
  if (rec_int(r, F_TMPFS_NR_INODES) > 0) {
    snprintf(inodes, sizeof inodes, "%lld", (long long)rec_int(r, F_TMPFS_NR_INODES));
    opts[n++] = (struct fs_opt){ "nr_inodes", inodes };
  }
  char create = rec_int(r, F_TMPFS_CREATE) == CREATE_NO ? 0 : 'd';
  return mount_fs_at(c, rec_str(r, F_TMPFS_TARGET), create, "tmpfs", opts, n, (uint64_t)rec_int(r, F_TMPFS_SET_FLAGS));
}

static int op_proc(struct op_ctx *c, const struct record *r) {
  static const char *const hidepid[] = { [HIDEPID_OFF] = NULL, [HIDEPID_NOACCESS] = "noaccess",
                                         [HIDEPID_INVISIBLE] = "invisible", [HIDEPID_PTRACEABLE] = "ptraceable" };
  struct fs_opt opts[2];
  size_t n = 0;
  int64_t h = rec_int(r, F_PROC_HIDEPID);
  if (h < HIDEPID_OFF || h > HIDEPID_PTRACEABLE) return -EINVAL;
  if (hidepid[h]) opts[n++] = (struct fs_opt){ "hidepid", hidepid[h] };
  if (rec_int(r, F_PROC_SUBSET_PID)) opts[n++] = (struct fs_opt){ "subset", "pid" };
  return mount_fs_at(c, rec_str(r, F_PROC_TARGET), 'd', "proc", opts, n, (uint64_t)rec_int(r, F_PROC_SET_FLAGS));
}

/* sysfs, mqueue and cgroup2 records share one layout. */
_Static_assert(F_MQUEUE_TARGET == F_SYSFS_TARGET && F_CGROUP2_TARGET == F_SYSFS_TARGET, "simple fs layouts differ");
_Static_assert(F_MQUEUE_SET_FLAGS == F_SYSFS_SET_FLAGS && F_CGROUP2_SET_FLAGS == F_SYSFS_SET_FLAGS, "simple fs layouts differ");

static int op_simple_fs(struct op_ctx *c, const struct record *r, const char *type) {
  return mount_fs_at(c, rec_str(r, F_SYSFS_TARGET), 'd', type, NULL, 0, (uint64_t)rec_int(r, F_SYSFS_SET_FLAGS));
}

static int op_devpts(struct op_ctx *c, const struct record *r) {
  char ptmx[16], mode[16], gid[24];
  struct fs_opt opts[3];
  size_t n = 0;
  snprintf(ptmx, sizeof ptmx, "%llo", (unsigned long long)rec_int(r, F_DEVPTS_PTMX_MODE));
  snprintf(mode, sizeof mode, "%llo", (unsigned long long)rec_int(r, F_DEVPTS_MODE));
  opts[n++] = (struct fs_opt){ "ptmxmode", ptmx };
  opts[n++] = (struct fs_opt){ "mode", mode };
  if (rec_int(r, F_DEVPTS_GID) >= 0) {
    snprintf(gid, sizeof gid, "%lld", (long long)rec_int(r, F_DEVPTS_GID));
    opts[n++] = (struct fs_opt){ "gid", gid };
  }
  return mount_fs_at(c, rec_str(r, F_DEVPTS_TARGET), 'd', "devpts", opts, n, (uint64_t)rec_int(r, F_DEVPTS_SET_FLAGS));
}

/* Formats a path of the overlay record (fields base and path) as a string the kernel can open. */
static int overlay_path(struct op_ctx *c, const struct record *r, uint32_t base, uint32_t path, char *out, size_t size,
                        int *fd) {
  const char *p = rec_str(r, path);
  *fd = -1;
  if (rec_int(r, base) == PATH_BASE_HOST) {
    if (strlen(p) >= size) return -ENAMETOOLONG;
    strcpy(out, p);
    return 0;
  }
  *fd = in_root(c->rootfd, p, O_PATH | O_DIRECTORY);
  if (*fd < 0) return *fd;
  snprintf(out, size, "/proc/self/fd/%d", *fd);
  return 0;
}

static int op_overlay(struct op_ctx *c, const struct record *r) {
  static char lower[8192];
  char upper[PATH_MAX], work[PATH_MAX], one[PATH_MAX];
  int fds[MAX_OVERLAY_LAYERS + 2], nfds = 0, ret = 0;
  size_t at = 0;
  uint32_t nlower = (r->nfields - F_OVERLAY_LOWER) / W_OVERLAY_LOWER;
  if (nlower == 0 || nlower > MAX_OVERLAY_LAYERS) return -EINVAL;
  for (uint32_t i = 0; i < nlower && ret == 0; i++) {
    uint32_t layer = F_OVERLAY_LOWER + W_OVERLAY_LOWER * i;
    ret = overlay_path(c, r, layer + F_OVERLAY_LOWER_BASE, layer + F_OVERLAY_LOWER_PATH, one, sizeof one, &fds[nfds]);
    if (fds[nfds] >= 0) nfds++;
    if (ret == 0 && (strchr(one, ':') || at + strlen(one) + 2 > sizeof lower)) ret = -EINVAL;
    if (ret == 0) at += (size_t)snprintf(lower + at, sizeof lower - at, "%s%s", i ? ":" : "", one);
  }
  struct fs_opt opts[3] = { { "lowerdir", lower } };
  size_t n = 1;
  if (ret == 0 && rec_str(r, F_OVERLAY_UPPER)[0]) {
    ret = overlay_path(c, r, F_OVERLAY_UPPER_BASE, F_OVERLAY_UPPER, upper, sizeof upper, &fds[nfds]);
    if (fds[nfds] >= 0) nfds++;
    opts[n++] = (struct fs_opt){ "upperdir", upper };
  }
  if (ret == 0 && rec_str(r, F_OVERLAY_WORK)[0]) {
    ret = overlay_path(c, r, F_OVERLAY_WORK_BASE, F_OVERLAY_WORK, work, sizeof work, &fds[nfds]);
    if (fds[nfds] >= 0) nfds++;
    opts[n++] = (struct fs_opt){ "workdir", work };
  }
  if (ret == 0) ret = mount_fs_at(c, rec_str(r, F_OVERLAY_TARGET), 'd', "overlay", opts, n, (uint64_t)rec_int(r, F_OVERLAY_SET_FLAGS));
  while (nfds > 0) close(fds[--nfds]);
  return ret;
}

static int op_propagation(struct op_ctx *c, const struct record *r) {
  static const uint64_t modes[] = { [PROPAGATION_PRIVATE] = MS_PRIVATE, [PROPAGATION_SLAVE] = MS_SLAVE,
                                    [PROPAGATION_SHARED] = MS_SHARED };
  int64_t m = rec_int(r, F_PROPAGATION_MODE);
  if (m < PROPAGATION_PRIVATE || m > PROPAGATION_SHARED) return -EINVAL;
  int fd = in_root(c->rootfd, rec_str(r, F_PROPAGATION_TARGET), O_PATH);
  if (fd < 0) return fd;
  struct k_mount_attr attr = { .propagation = modes[m] };
  int ret = neg(k_mount_setattr(fd, "", AT_EMPTY_PATH | (rec_int(r, F_PROPAGATION_RECURSIVE) ? K_AT_RECURSIVE : 0), &attr));
  close(fd);
  return ret;
}

static int op_switch_root(struct op_ctx *c) {
  if (fchdir(c->rootfd) < 0) return -errno;
  /* pivot_root(".", ".") stacks the old root on the new one; detaching it leaves just the new. */
  /* No MS_MOVE + chroot() fallback where pivot_root() refuses (EINVAL: the caller's root is the
   * initramfs rootfs, or itself a chroot): the old root would stay reachable from inside by the
   * classic chroot escape for anyone keeping CAP_SYS_CHROOT. Fail closed instead. */
  if (k_pivot_root(".", ".") < 0) return -errno;
  if (umount2(".", MNT_DETACH) < 0) return -errno;
  if (chdir("/") < 0) return -errno;
  int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -errno;
  close(c->rootfd);
  c->rootfd = fd;
  c->root_switched = 1;
  return 0;
}

static int op_bind_console(struct op_ctx *c, const struct record *r) {
  if (!c->console_path) return -ENOTTY;
  /* By path, not through the helper's fd: that one belongs to the parent's mount namespace,
   * which open_tree() refuses to clone from. */
  int tree = neg(k_open_tree(AT_FDCWD, c->console_path, K_OPEN_TREE_CLONE | K_OPEN_TREE_CLOEXEC));
  if (tree < 0) return tree;
  int tfd = in_root_create(c->rootfd, rec_str(r, F_BIND_CONSOLE_TARGET), 'f');
  int ret = tfd < 0 ? tfd : attach(tree, tfd);
  close_if(tfd);
  close(tree);
  if (ret == 0) c->console_bound_at = rec_str(r, F_BIND_CONSOLE_TARGET);
  return ret;
}

/* The tree becomes the lower layer of an overlay whose upper layer lives in a tmpfs stacked on
 * the root path. All of it exists only in this mount namespace, so it vanishes with the payload. */
static int ephemeral_root(struct op_ctx *c, const char *root) {
  int lower = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (lower < 0) return -errno;
  struct fs_opt tmpfs_opts[] = { { "mode", "0755" } };
  int tmp = new_fs("tmpfs", tmpfs_opts, 1, 0);
  int ret = tmp < 0 ? tmp : neg(k_move_mount(tmp, "", AT_FDCWD, root, K_MOVE_MOUNT_F_EMPTY_PATH));
  if (ret == 0) ret = neg(mkdirat(tmp, "upper", 0755));
  if (ret == 0) ret = neg(mkdirat(tmp, "work", 0755));
  if (ret == 0) ret = neg(mkdirat(tmp, "root", 0755));
  char lowerdir[64], upperdir[PATH_MAX], workdir[PATH_MAX], merged[PATH_MAX];
  snprintf(lowerdir, sizeof lowerdir, "/proc/self/fd/%d", lower);
  snprintf(upperdir, sizeof upperdir, "%s/upper", root);
  snprintf(workdir, sizeof workdir, "%s/work", root);
  snprintf(merged, sizeof merged, "%s/root", root);
  struct fs_opt opts[] = { { "lowerdir", lowerdir }, { "upperdir", upperdir }, { "workdir", workdir } };
  int ovl = ret == 0 ? new_fs("overlay", opts, 3, 0) : -1;
  if (ret == 0 && ovl < 0) ret = ovl;
  if (ret == 0) ret = neg(k_move_mount(ovl, "", AT_FDCWD, merged, K_MOVE_MOUNT_F_EMPTY_PATH));
  if (ret == 0) c->rootfd = open(merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ret == 0 && c->rootfd < 0) ret = -errno;
  close_if(ovl);
  close_if(tmp);
  close(lower);
  return ret;
}

/* nspawn's --volatile=yes: a fresh tmpfs over the tree's directory, holding only the tree's /usr
 * (resolved inside the tree), bound read-only. The ops build the rest in the tmpfs. */
static int volatile_root(struct op_ctx *c, const char *root, uint64_t size) {
  int tree = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (tree < 0) return -errno;
  int usr = in_root(tree, "/usr", O_PATH | O_DIRECTORY);
  close(tree);
  if (usr < 0) return usr;
  int ret = 0;
  int usr_tree = k_open_tree(usr, "", K_OPEN_TREE_CLONE | K_OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | K_AT_RECURSIVE);
  close(usr);
  if (usr_tree < 0) return -errno;
  ret = set_attrs(usr_tree, K_MOUNT_ATTR_RDONLY, 0, 1);
  char size_text[32];
  snprintf(size_text, sizeof size_text, "%llu", (unsigned long long)size);
  struct fs_opt opts[] = { { "mode", "0755" }, { "size", size_text }, { "nr_inodes", "1048576" } };
  int tmp = ret == 0 ? new_fs("tmpfs", opts, size ? 3 : 1, 0) : -1;
  if (ret == 0 && tmp < 0) ret = tmp;
  if (ret == 0) ret = neg(mkdirat(tmp, "usr", 0755));
  if (ret == 0) ret = neg(k_move_mount(usr_tree, "", tmp, "usr", K_MOVE_MOUNT_F_EMPTY_PATH));
  if (ret == 0) ret = neg(k_move_mount(tmp, "", AT_FDCWD, root, K_MOVE_MOUNT_F_EMPTY_PATH));
  if (ret == 0) c->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ret == 0 && c->rootfd < 0) ret = -errno;
  close_if(tmp);
  close(usr_tree);
  return ret;
}

int root_open(struct op_ctx *c, const char *root, int layer, uint64_t size) {
  if (!root) {
    c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return c->rootfd < 0 ? -errno : 0;
  }
  if (!c->has_mount_ns) return -EINVAL;
  if (layer == ROOT_LAYER_EPHEMERAL) return ephemeral_root(c, root);
  if (layer == ROOT_LAYER_VOLATILE) return volatile_root(c, root, size);
  if (c->idmapped_root >= 0) {
    /* The root as the supervisor cloned it, with the user namespace's id mapping (made outside:
     * only the file system's own namespace may idmap a mount). */
    int ret = k_move_mount(c->idmapped_root, "", AT_FDCWD, root, K_MOVE_MOUNT_F_EMPTY_PATH) < 0 ? -errno : 0;
    close(c->idmapped_root);
    c->idmapped_root = -1;
    if (ret < 0) return ret;
  } else if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0) return -errno;
  c->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return c->rootfd < 0 ? -errno : 0;
}

int op_apply(struct op_ctx *c, const struct record *r) {
  /* Without a mount namespace of its own, every op below would change the host. */
  if (!c->has_mount_ns) return -EINVAL;
  switch (r->tag) {
  case REC_OP_BIND: return op_bind(c, r);
  case REC_OP_MOUNT_POINT: return op_mount_point(c, r);
  case REC_OP_REMOUNT: return op_remount(c, r);
  case REC_OP_TMPFS: return op_tmpfs(c, r);
  case REC_OP_PROC: return op_proc(c, r);
  case REC_OP_SYSFS: return op_simple_fs(c, r, "sysfs");
  case REC_OP_DEVPTS: return op_devpts(c, r);
  case REC_OP_MQUEUE: return op_simple_fs(c, r, "mqueue");
  case REC_OP_CGROUP2: return op_simple_fs(c, r, "cgroup2");
  case REC_OP_INACCESSIBLE: return op_inaccessible(c, r);
  case REC_OP_OVERLAY: return op_overlay(c, r);
  case REC_OP_MKDIR: return op_mkdir(c, r);
  case REC_OP_SYMLINK: return with_parent(c, rec_str(r, F_SYMLINK_PATH), do_symlink, r);
  case REC_OP_WRITE_FILE: return op_write_file(c, r);
  case REC_OP_MKNOD: return with_parent(c, rec_str(r, F_MKNOD_PATH), do_mknod, r);
  case REC_OP_CHMOD: return op_chmod(c, r);
  case REC_OP_PROPAGATION: return op_propagation(c, r);
  case REC_OP_SWITCH_ROOT: return op_switch_root(c);
  case REC_OP_BIND_CONSOLE: return op_bind_console(c, r);
  case REC_OP_BIND_CONTENT: return op_bind_content(c, r);
  default: return -EINVAL;
  }
}
