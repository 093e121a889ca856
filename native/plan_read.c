/* Decodes and bounds-checks the wire format (see src/plan/wire.ts). Every count, length and enum
 * is checked here, so the ops can trust the shape of their records. */
#include "plan.h"
#include "wire_ids.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_op(uint32_t tag) { return (tag >= REC_OP_BIND && tag <= REC_OP_BIND_CONTENT) || tag == REC_OP_MOUNT_POINT; }
static int is_process(uint32_t tag) { return tag >= REC_EXECUTABLE && tag <= REC_PID_ENV; }

static int field_ok(char kind, const struct field *f) {
  switch (kind) {
  case 'i': return f->len == 8;
  case 's': return f->len >= 1 && f->data[f->len - 1] == 0 && memchr(f->data, 0, f->len) == f->data + f->len - 1;
  case 'b': return 1;
  default: return 0;
  }
}

/* Signatures come from the layout table (wire_signature in wire_ids.h): i = 8-byte int, s = string
 * with its NUL, b = bytes; after '|' the rest of the signature repeats zero or more times. */
static int check_signature(const struct record *r) {
  const char *sig = wire_signature(r->tag);
  if (!sig) return 0;
  const char *bar = strchr(sig, '|');
  size_t fixed = bar ? (size_t)(bar - sig) : strlen(sig);
  size_t rep = bar ? strlen(bar + 1) : 0;
  if (r->nfields < fixed) return 0;
  if (!bar && r->nfields != fixed) return 0;
  if (bar && (r->nfields - fixed) % rep != 0) return 0;
  for (uint32_t i = 0; i < r->nfields; i++) {
    char kind = i < fixed ? sig[i] : bar[1 + (i - fixed) % rep];
    if (!field_ok(kind, &r->fields[i])) return 0;
  }
  return 1;
}

int64_t rec_int(const struct record *r, uint32_t i) {
  int64_t v;
  memcpy(&v, r->fields[i].data, 8); /* little-endian hosts only, as x86-64 and arm64 are */
  return v;
}

const char *rec_str(const struct record *r, uint32_t i) { return (const char *)r->fields[i].data; }

static int read_all(int fd, uint8_t **out, size_t *len) {
  size_t cap = 65536, n = 0;
  uint8_t *buf = malloc(cap);
  if (!buf) return -ENOMEM;
  for (;;) {
    if (n == cap) {
      if (cap >= MAX_PLAN_BYTES) { free(buf); return -E2BIG; }
      cap *= 2;
      uint8_t *bigger = realloc(buf, cap);
      if (!bigger) { free(buf); return -ENOMEM; }
      buf = bigger;
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) { int e = errno; free(buf); return -e; }
    if (got == 0) break;
    n += (size_t)got;
  }
  *out = buf;
  *len = n;
  return 0;
}

static uint32_t u32_at(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* Splits the buffer into records; the buffer stays alive for the helper's lifetime. */
static int split_records(const uint8_t *buf, size_t len, struct record **out, size_t *count) {
  size_t at = 8, n = 0, cap = 64;
  struct record *recs = malloc(cap * sizeof *recs);
  if (!recs) return -ENOMEM;
  while (at < len) {
    if (len - at < 8 || n >= MAX_RECORDS) goto bad;
    uint32_t tag = u32_at(buf + at), nfields = u32_at(buf + at + 4);
    at += 8;
    if (nfields > MAX_FIELDS) goto bad;
    struct field *fields = calloc(nfields ? nfields : 1, sizeof *fields);
    if (!fields) goto bad;
    for (uint32_t i = 0; i < nfields; i++) {
      if (len - at < 4) goto bad;
      uint32_t flen = u32_at(buf + at);
      at += 4;
      if (len - at < flen) goto bad;
      fields[i] = (struct field){ flen, buf + at };
      at += flen;
    }
    if (n == cap) {
      cap *= 2;
      struct record *bigger = realloc(recs, cap * sizeof *recs);
      if (!bigger) goto bad;
      recs = bigger;
    }
    recs[n++] = (struct record){ tag, nfields, fields };
    if (!check_signature(&recs[n - 1])) goto bad;
    if (tag == REC_END) break;
  }
  if (n == 0 || recs[n - 1].tag != REC_END || at != len) goto bad;
  *out = recs;
  *count = n;
  return 0;
bad:
  free(recs); /* field arrays are not worth freeing: the helper exits on this error */
  return -EINVAL;
}

_Static_assert(F_GID_MAP_INSIDE == F_UID_MAP_INSIDE && F_GID_MAP_OUTSIDE == F_UID_MAP_OUTSIDE &&
               F_GID_MAP_COUNT == F_UID_MAP_COUNT, "uid and gid map layouts differ");

static int add_map(struct id_map *maps, size_t *n, const struct record *r) {
  if (*n >= MAX_ID_MAPS) return -E2BIG;
  maps[(*n)++] = (struct id_map){ (uint64_t)rec_int(r, F_UID_MAP_INSIDE), (uint64_t)rec_int(r, F_UID_MAP_OUTSIDE),
                                  (uint64_t)rec_int(r, F_UID_MAP_COUNT) };
  return 0;
}

int plan_read(int fd, struct plan *plan) {
  uint8_t *buf = NULL;
  size_t len = 0;
  int ret = read_all(fd, &buf, &len);
  if (ret < 0) return ret;
  return plan_parse(buf, len, plan);
}

int plan_parse(const uint8_t *buf, size_t len, struct plan *plan) {
  int ret;
  if (len < 8 || u32_at(buf) != WIRE_MAGIC || u32_at(buf + 4) != WIRE_VERSION) return -EPROTO;
  struct record *recs;
  size_t n;
  if ((ret = split_records(buf, len, &recs, &n)) < 0) return ret;

  memset(plan, 0, sizeof *plan);
  plan->host_propagation = PROPAGATION_SLAVE;
  plan->failure_exit = 127;
  struct supervisor *sup = &plan->supervisor;
  size_t i = 0;
  /* Header records, then ops, then process records: the order is part of the format. */
  for (; i < n && !is_op(recs[i].tag) && !is_process(recs[i].tag) && recs[i].tag != REC_END; i++) {
    const struct record *r = &recs[i];
    switch (r->tag) {
    case REC_NAMESPACES: plan->ns_flags = (uint64_t)rec_int(r, F_NAMESPACES_FLAGS); break;
    case REC_PID_MODE:
      plan->pid_mode = (int)rec_int(r, F_PID_MODE_MODE);
      if (plan->pid_mode < PID_MODE_NONE || plan->pid_mode > PID_MODE_REAPER) return -EINVAL;
      break;
    case REC_UID_MAP: plan->has_user = 1; if ((ret = add_map(plan->uid_maps, &plan->n_uid_maps, r)) < 0) return ret; break;
    case REC_GID_MAP: plan->has_user = 1; if ((ret = add_map(plan->gid_maps, &plan->n_gid_maps, r)) < 0) return ret; break;
    case REC_SETGROUPS: plan->has_user = 1; plan->setgroups_allow = rec_int(r, F_SETGROUPS_ALLOW) != 0; break;
    case REC_JOIN: plan->join_pid = (pid_t)rec_int(r, F_JOIN_PID); plan->join_flags = (uint64_t)rec_int(r, F_JOIN_NAMESPACES); break;
    case REC_CGROUP:
      if (plan->n_cgroups >= MAX_CGROUPS) return -E2BIG;
      plan->cgroups[plan->n_cgroups++] = rec_str(r, F_CGROUP_PATH);
      break;
    case REC_ROOT: plan->root = rec_str(r, F_ROOT_PATH); break;
    case REC_HOST_PROPAGATION:
      plan->host_propagation = (int)rec_int(r, F_HOST_PROPAGATION_MODE);
      if (plan->host_propagation != PROPAGATION_PRIVATE && plan->host_propagation != PROPAGATION_SLAVE) return -EINVAL;
      break;
    case REC_ROOT_IDMAP:
      plan->root_idmap = rec_int(r, F_ROOT_IDMAP_ON) != 0;
      break;
    case REC_ROOT_LAYER:
      plan->root_layer = (int)rec_int(r, F_ROOT_LAYER_KIND);
      plan->root_layer_size = (uint64_t)rec_int(r, F_ROOT_LAYER_SIZE_BYTES);
      if (plan->root_layer != ROOT_LAYER_EPHEMERAL && plan->root_layer != ROOT_LAYER_VOLATILE) return -EINVAL;
      break;
    case REC_CONSOLE:
      plan->console = (int)rec_int(r, F_CONSOLE_MODE);
      if (plan->console < CONSOLE_INHERIT || plan->console > CONSOLE_PTY_PASSIVE) return -EINVAL;
      break;
    case REC_TRANSLATE_SIGNAL:
      if (sup->n_translate >= MAX_SIGNAL_RULES) return -E2BIG;
      sup->translate[sup->n_translate++] = (struct signal_rule){ (int)rec_int(r, F_TRANSLATE_SIGNAL_FROM), (int)rec_int(r, F_TRANSLATE_SIGNAL_TO) };
      break;
    case REC_KILL_ON_SIGNAL_COUNT: sup->kill_on_count = (int)rec_int(r, F_KILL_ON_SIGNAL_COUNT_COUNT); break;
    case REC_EXIT_ON_SIGNAL:
      if (sup->n_exit_codes >= MAX_SIGNAL_RULES) return -E2BIG;
      sup->exit_codes[sup->n_exit_codes++] = (struct signal_rule){ (int)rec_int(r, F_EXIT_ON_SIGNAL_SIGNAL), (int)rec_int(r, F_EXIT_ON_SIGNAL_CODE) };
      break;
    case REC_CLEANUP:
      if (sup->n_cleanup >= MAX_CLEANUP) return -E2BIG;
      if (rec_int(r, F_CLEANUP_KIND) < CLEANUP_UNLINK || rec_int(r, F_CLEANUP_KIND) > CLEANUP_REMOVE_TREE) return -EINVAL;
      sup->cleanup[sup->n_cleanup++] = (struct cleanup_step){ (int)rec_int(r, F_CLEANUP_KIND), rec_str(r, F_CLEANUP_PATH) };
      break;
    case REC_NOTIFY_SOCKET:
      sup->notify_path = rec_str(r, F_NOTIFY_SOCKET_PATH);
      sup->notify_ready = (int)rec_int(r, F_NOTIFY_SOCKET_READY);
      if (sup->notify_ready != NOTIFY_READY_ON_START && sup->notify_ready != NOTIFY_READY_ON_READY) return -EINVAL;
      break;
    case REC_HOST_FIFO:
      if (sup->n_host_fifos >= MAX_HOST_FIFOS) return -E2BIG;
      sup->host_fifos[sup->n_host_fifos++] = rec_str(r, F_HOST_FIFO_PATH);
      break;
    case REC_HOST_LOCK:
      if (sup->n_host_locks >= MAX_HOST_LOCKS) return -E2BIG;
      sup->host_locks[sup->n_host_locks++] = rec_str(r, F_HOST_LOCK_PATH);
      break;
    case REC_HOST_DIR:
      if (sup->n_host_dirs >= MAX_HOST_DIRS) return -E2BIG;
      if (rec_int(r, F_HOST_DIR_MODE) < 0 || rec_int(r, F_HOST_DIR_MODE) > 07777) return -EINVAL;
      sup->host_dirs[sup->n_host_dirs++] = (struct host_dir){ rec_str(r, F_HOST_DIR_PATH), (int)rec_int(r, F_HOST_DIR_MODE) };
      break;
    case REC_OP_LABELS: plan->op_labels = r; break;
    case REC_STEP_LABELS: plan->step_labels = r; break;
    case REC_FAILURE_EXIT: plan->failure_exit = (int)rec_int(r, F_FAILURE_EXIT_CODE) & 0xff; break;
    default: return -EINVAL;
    }
  }
  plan->ops = &recs[i];
  for (; i < n && is_op(recs[i].tag); i++) plan->n_ops++;
  plan->process = &recs[i];
  for (; i < n && is_process(recs[i].tag); i++) plan->n_process++;
  if (i != n - 1) return -EINVAL; /* something out of order before END */
  return 0;
}
