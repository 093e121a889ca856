/* Between ops.c (dispatch, mount ops, root switch) and the op files it dispatches to. */
#pragma once
#include "mountfs.h"
#include "ops.h"

int op_bind(struct op_ctx *c, const struct record *r);
/* Sets flags on a detached tree and attaches it at target (made if missing, as `create` says:
 * 'd', 'f' or 0); closes the tree either way. 0 or -errno. */
int attach_tree(struct op_ctx *c, int tree, uint64_t set, uint64_t clr, int recursive, const char *target, char create);
int op_mount_point(struct op_ctx *c, const struct record *r);
int op_bind_content(struct op_ctx *c, const struct record *r);
int op_inaccessible(struct op_ctx *c, const struct record *r);
int op_mkdir(struct op_ctx *c, const struct record *r);
int op_write_file(struct op_ctx *c, const struct record *r);
int op_chmod(struct op_ctx *c, const struct record *r);
int with_parent(struct op_ctx *c, const char *path, int (*fn)(int pfd, const char *name, const struct record *r),
                const struct record *r);
int do_symlink(int pfd, const char *name, const struct record *r);
int do_mknod(int pfd, const char *name, const struct record *r);
