/* The decoded plan: generic records, validated against a per-tag signature when read. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "wire_ids.h" /* the limits (MAX_*) and field indices (F_*), generated from src/plan/wire-layout.ts */

struct field {
  uint32_t len;
  const uint8_t *data;
};

struct record {
  uint32_t tag;
  uint32_t nfields;
  const struct field *fields;
};

struct id_map {
  uint64_t inside, outside, count;
};

struct signal_rule {
  int from, to; /* translate: from -> to; exit code: signal -> code */
};

struct cleanup_step {
  int kind; /* CLEANUP_* */
  const char *path;
};

struct supervisor {
  struct signal_rule translate[MAX_SIGNAL_RULES];
  size_t n_translate;
  int kill_on_count; /* 0: never */
  struct signal_rule exit_codes[MAX_SIGNAL_RULES];
  size_t n_exit_codes;
  struct cleanup_step cleanup[MAX_CLEANUP];
  size_t n_cleanup;
  const char *notify_path; /* NULL: no notify socket */
  int notify_ready;        /* NOTIFY_READY_* */
  const char *host_fifos[MAX_HOST_FIFOS];
  size_t n_host_fifos;
  struct host_dir {
    const char *path;
    int mode;
  } host_dirs[MAX_HOST_DIRS];
  size_t n_host_dirs;
  const char *host_locks[MAX_HOST_LOCKS];
  size_t n_host_locks;
};

struct plan {
  uint64_t ns_flags;
  int pid_mode;
  size_t n_uid_maps, n_gid_maps;
  struct id_map uid_maps[MAX_ID_MAPS], gid_maps[MAX_ID_MAPS];
  int has_user;
  int setgroups_allow;
  pid_t join_pid;
  uint64_t join_flags;
  const char *cgroups[MAX_CGROUPS];
  size_t n_cgroups;
  int host_propagation; /* PROPAGATION_* */
  const char *root;     /* NULL: the current root */
  int root_layer;          /* 0: the root itself, else ROOT_LAYER_* */
  int root_idmap;          /* the root is an idmapped mount for the user namespace */
  uint64_t root_layer_size; /* bytes, for a volatile root */
  int console;          /* CONSOLE_* */
  struct supervisor supervisor;
  const struct record *op_labels, *step_labels; /* NULL unless errors are printed as text */
  int failure_exit;
  const struct record *ops; /* op records, in order */
  size_t n_ops;
  const struct record *process; /* process records, after the ops */
  size_t n_process;
};

/* Integer field i of r (validated by plan_read: 8 bytes). */
int64_t rec_int(const struct record *r, uint32_t i);
/* String field i of r (validated: NUL-terminated, no inner NUL). */
const char *rec_str(const struct record *r, uint32_t i);

/* Reads and validates the whole plan from fd; returns 0 or -errno. */
int plan_read(int fd, struct plan *plan);
/* The same from bytes in memory, which must outlive the plan. */
int plan_parse(const uint8_t *buf, size_t len, struct plan *plan);
