/* Every path inside the new root goes through here: openat2(RESOLVE_IN_ROOT), so symlinks and ".."
 * in a hostile tree resolve inside the tree, never on the host. All return fds or -errno. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* Opens path (absolute, as seen from inside) relative to rootfd; flags are open(2) flags. */
int in_root(int rootfd, const char *path, int flags);
/* Opens the parent directory of path inside the root; copies the last component into name. */
int in_root_parent(int rootfd, const char *path, char *name, size_t name_size);
/* mkdir -p inside the root; returns an O_PATH fd of the final directory. */
int mkdir_p_in_root(int rootfd, const char *path, mode_t mode);
/* Resolves path; when missing and kind is 'd' or 'f', creates a directory or empty file there
 * (parents included) first. kind 0 creates nothing. Returns an O_PATH fd. */
int in_root_create(int rootfd, const char *path, char kind);
