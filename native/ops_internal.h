/* Between ops.c (dispatch, mount ops, root switch) and the op files it dispatches to. */
#pragma once
#include "mountfs.h"
#include "ops.h"

int op_bind(struct op_ctx *c, const struct record *r);
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
