/* One function per op kind; each returns 0 or -errno and never prints. */
#pragma once
#include "plan.h"

struct op_ctx {
  int rootfd; /* O_PATH fd of the new root (or of "/"); replaced by switch-root */
  int has_mount_ns;
  const char *console_path; /* the pty slave's path for bind-console, or NULL */
  const char *console_bound_at; /* where bind-console put it, as seen from inside; or NULL */
  int root_switched; /* paths as seen from inside are now this process's own */
  int idmapped_root; /* a detached idmapped clone of the root the supervisor made, or -1 */
};

int op_apply(struct op_ctx *ctx, const struct record *op);
/* Set by --legacy-mount-clone (tests): take the path kernels before 6.15 need. */
extern int ops_legacy_clone;
/* Binds the plan's root onto itself (pivot_root needs a mount point) and opens it. */
int root_open(struct op_ctx *ctx, const char *root, int layer, uint64_t size);
/* Clones, before the first op, the source of every bind op that asks for the original view
 * (binds.c); each op takes its clone when it runs. 0 or -errno. */
int bind_sources_clone(int rootfd, const struct record *ops, size_t n);
