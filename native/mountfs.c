#include "mountfs.h"

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
