/* Kernel interfaces glibc may lack (new mount API, openat2, pidfd): raw syscalls, own names. */
#pragma once
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#define SYS_move_mount 429
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

#define K_OPEN_TREE_CLONE 1
#define K_OPEN_TREE_CLOEXEC 02000000
#define K_MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define K_MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#define K_FSOPEN_CLOEXEC 0x00000001
#define K_FSMOUNT_CLOEXEC 0x00000001
#define K_FSCONFIG_SET_FLAG 0
#define K_FSCONFIG_SET_STRING 1
#define K_FSCONFIG_CMD_CREATE 6
#define K_MOUNT_ATTR_RDONLY 0x00000001
#define K_MOUNT_ATTR_NOSUID 0x00000002
#define K_MOUNT_ATTR_NODEV 0x00000004
#define K_MOUNT_ATTR_NOEXEC 0x00000008
#define K_AT_RECURSIVE 0x8000
#define K_MOUNT_ATTR_IDMAP 0x00100000

struct k_mount_attr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

static inline int k_open_tree(int dfd, const char *path, unsigned flags) {
  return (int)syscall(SYS_open_tree, dfd, path, flags);
}
static inline int k_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) {
  return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}
static inline int k_fsopen(const char *fs, unsigned flags) { return (int)syscall(SYS_fsopen, fs, flags); }
static inline int k_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux) {
  return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}
static inline int k_fsmount(int fd, unsigned flags, unsigned attrs) { return (int)syscall(SYS_fsmount, fd, flags, attrs); }
static inline int k_mount_setattr(int dfd, const char *path, unsigned flags, struct k_mount_attr *attr) {
  return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof *attr);
}
static inline int k_openat2(int dfd, const char *path, struct open_how *how) {
  return (int)syscall(SYS_openat2, dfd, path, how, sizeof *how);
}
static inline int k_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
static inline int k_pivot_root(const char *new_root, const char *put_old) {
  return (int)syscall(SYS_pivot_root, new_root, put_old);
}
