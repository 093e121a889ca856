#include "mountfs.h"
#include <sys/stat.h>

int new_fs(const char *type, const struct fs_opt *opts, size_t n, unsigned attrs) {
  int fs = k_fsopen(type, K_FSOPEN_CLOEXEC);
  if (fs < 0) return -errno;
  /* The source shows in mountinfo; name it after the file system, as mount(8) users expect. */
  int ret = neg(k_fsconfig(fs, K_FSCONFIG_SET_STRING, "source", type, 0));
  for (size_t i = 0; i < n && ret == 0; i++)
    ret = neg(k_fsconfig(fs, opts[i].value ? K_FSCONFIG_SET_STRING : K_FSCONFIG_SET_FLAG, opts[i].key, opts[i].value, 0));
  if (ret == 0) ret = neg(k_fsconfig(fs, K_FSCONFIG_CMD_CREATE, NULL, NULL, 0));
  int mnt = ret == 0 ? k_fsmount(fs, K_FSMOUNT_CLOEXEC, attrs & ATTR_MASK) : -1;
  if (ret == 0 && mnt < 0) ret = -errno;
  close(fs);
  return ret < 0 ? ret : mnt;
}

int is_mount_root(int fd) {
  struct statx stx;
  if (statx(fd, "", AT_EMPTY_PATH, 0, &stx) < 0) return -errno;
  if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) return 1; /* kernel < 5.8: trust the plan */
  return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}
