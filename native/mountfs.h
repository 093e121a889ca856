/* Small pieces every op file shares: errno results, mount flags, attaching a detached mount, and
 * making a new file system instance (new mount API, through fds only). */
#pragma once
#include "kernel.h"
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

/* The wire's mount-flag bits are the kernel's MOUNT_ATTR_* bits (RDONLY, NOSUID, NODEV, NOEXEC). */
#define ATTR_MASK (K_MOUNT_ATTR_RDONLY | K_MOUNT_ATTR_NOSUID | K_MOUNT_ATTR_NODEV | K_MOUNT_ATTR_NOEXEC)
#define SEALED (K_MOUNT_ATTR_RDONLY | K_MOUNT_ATTR_NOSUID | K_MOUNT_ATTR_NODEV | K_MOUNT_ATTR_NOEXEC)

static inline int neg(int ret) { return ret < 0 ? -errno : ret; }

static inline void close_if(int fd) {
  if (fd >= 0) close(fd);
}

static inline int set_attrs(int fd, uint64_t set, uint64_t clr, int recursive) {
  if (!set && !clr) return 0;
  struct k_mount_attr attr = { .attr_set = set & ATTR_MASK, .attr_clr = clr & ATTR_MASK };
  return neg(k_mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? K_AT_RECURSIVE : 0), &attr));
}

static inline int attach(int mntfd, int targetfd) {
  return neg(k_move_mount(mntfd, "", targetfd, "", K_MOVE_MOUNT_F_EMPTY_PATH | K_MOVE_MOUNT_T_EMPTY_PATH));
}

struct fs_opt {
  const char *key;
  const char *value; /* NULL: a flag */
};

/* Creates a detached mount of a new file system instance; returns its fd or -errno. */
int new_fs(const char *type, const struct fs_opt *opts, size_t n, unsigned attrs);

/* 1 when fd is the root of a mount, 0 when not, or -errno. */
int is_mount_root(int fd);
