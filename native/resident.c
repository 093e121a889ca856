/* The resident supervisor: one process that starts, reaps and watches every service command of a
 * manager, and outlives the manager. A launch is a plan run by a short-lived launcher (helper.c's
 * setup path) whose payload is cloned with CLONE_PARENT, so it becomes this process's child; what
 * stays per launch is the struct below and its fds. Frames: docs/architecture.md "The resident
 * supervisor"; ids in wire_ids.h (generated from src/plan/wire-ids.ts). */
#include "resident.h"
#include "confine.h"
#include "notify.h"
#include "plan.h"
#include "supervise.h"
#include "wire_ids.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FRAME (32u << 20)      /* a plan is at most MAX_PLAN_BYTES; the tag is small */
#define MAX_TAG 65536u
#define MAX_QUEUED 4096            /* notify frames kept while no client is connected */
#define REPORT_CAP 64              /* a launch reports a pid and at most one error (16 bytes each) */

enum { W_LISTEN, W_CLIENT, W_SIGNAL, W_OUT, W_ERR, W_NOTIFY, W_REPORT };
enum { FD_OUT, FD_ERR, FD_NOTIFY, FD_REPORT, N_FDS };

struct watch {
  int kind;
  struct launch *launch;
};

struct launch {
  uint64_t id;
  pid_t pid, launcher;
  int launched; /* the report ended (exec or failure) */
  int failed;
  int exited, status;
  int released;
  int fds[N_FDS]; /* -1 once closed */
  int status_r;   /* a reaper's status pipe, or -1 */
  struct watch w[N_FDS];
  uint8_t report[REPORT_CAP];
  uint32_t report_len;
  uint8_t *tag;
  uint32_t tag_len;
  struct cleanup_step *cleanup;
  size_t n_cleanup;
  struct launch *next;
};

struct queued {
  struct queued *next;
  size_t len;
  uint8_t bytes[];
};

static int epfd, listen_fd, client_fd = -1, sig_fd;
static struct watch w_listen = { W_LISTEN, NULL }, w_client = { W_CLIENT, NULL }, w_signal = { W_SIGNAL, NULL };
static struct launch *launches;
static struct queued *queue_head, *queue_tail;
static size_t n_queued;
static uint8_t *in_buf;
static size_t in_len, in_cap;

static void put_u16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void header(uint8_t h[16], uint32_t len, uint16_t type, uint16_t flags, uint64_t id) {
  put_u32(h, len);
  put_u16(h + 4, type);
  put_u16(h + 6, flags);
  put_u64(h + 8, id);
}

static void drop_client(void);

/* Blocking (with a send timeout): a client that stops reading for that long is dropped, and
 * whatever it missed is still here for the next one (HELLO). */
static void send_iov(struct iovec *iov, int n) {
  if (client_fd < 0) return;
  while (n > 0) {
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)n };
    ssize_t sent = sendmsg(client_fd, &mh, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) {
      drop_client();
      return;
    }
    while (n > 0 && (size_t)sent >= iov->iov_len) {
      sent -= (ssize_t)iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (uint8_t *)iov->iov_base + sent;
      iov->iov_len -= (size_t)sent;
    }
  }
}

static void send_frame(uint16_t type, uint16_t flags, uint64_t id, const void *a, size_t alen, const void *b, size_t blen) {
  uint8_t h[16];
  header(h, (uint32_t)(alen + blen), type, flags, id);
  struct iovec iov[3] = { { h, 16 }, { (void *)a, alen }, { (void *)b, blen } };
  send_iov(iov, 3);
}

static void queue_frame(uint16_t type, uint64_t id, const void *a, size_t alen, const void *b, size_t blen) {
  if (n_queued >= MAX_QUEUED) return; /* sd_notify is lossy too when the manager does not read */
  struct queued *q = malloc(sizeof *q + 16 + alen + blen);
  if (!q) return;
  q->next = NULL;
  q->len = 16 + alen + blen;
  header(q->bytes, (uint32_t)(alen + blen), type, 0, id);
  memcpy(q->bytes + 16, a, alen);
  memcpy(q->bytes + 16 + alen, b, blen);
  if (queue_tail) queue_tail->next = q;
  else queue_head = q;
  queue_tail = q;
  n_queued++;
}

static void watch_add(int fd, struct watch *w) {
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
  epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void watch_del(int fd) { epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); }

/* Output is read only while a client listens: otherwise the pipes fill and the services block,
 * as they would on a slow journal, and no line is lost. */
static void poll_output(int on) {
  for (struct launch *l = launches; l; l = l->next)
    for (int i = FD_OUT; i <= FD_ERR; i++)
      if (l->fds[i] >= 0) {
        if (on) watch_add(l->fds[i], &l->w[i]);
        else watch_del(l->fds[i]);
      }
}

static void close_fd(struct launch *l, int i) {
  if (l->fds[i] < 0) return;
  watch_del(l->fds[i]);
  close(l->fds[i]);
  l->fds[i] = -1;
}

static void free_launch(struct launch *l) {
  for (struct launch **p = &launches; *p; p = &(*p)->next)
    if (*p == l) {
      *p = l->next;
      break;
    }
  for (int i = 0; i < N_FDS; i++) close_fd(l, i);
  if (l->status_r >= 0) close(l->status_r);
  for (size_t i = 0; i < l->n_cleanup; i++) free((void *)l->cleanup[i].path);
  free(l->cleanup);
  free(l->tag);
  free(l);
}

static void maybe_free(struct launch *l) {
  if (l->released && l->fds[FD_OUT] < 0 && l->fds[FD_ERR] < 0 && (l->exited || l->failed)) free_launch(l);
}

static pid_t reported_pid(const struct launch *l) {
  for (uint32_t at = 0; at + 16 <= l->report_len; at += 16)
    if (get_u32(l->report + at) == REPORT_PID) return (pid_t)get_u32(l->report + at + 4);
  return 0;
}

static int reported_error(const struct launch *l) {
  for (uint32_t at = 0; at + 16 <= l->report_len; at += 16)
    if (get_u32(l->report + at) == REPORT_ERROR) return 1;
  return 0;
}

/* Non-blocking: returns 1 at EOF. */
static int read_report(struct launch *l) {
  if (l->fds[FD_REPORT] < 0) return 1;
  for (;;) {
    uint8_t scratch[64];
    size_t room = REPORT_CAP - l->report_len;
    ssize_t n = read(l->fds[FD_REPORT], room ? l->report + l->report_len : scratch, room ? room : sizeof scratch);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return 0;
    if (n == 0) return 1;
    if (room) l->report_len += (uint32_t)n;
  }
}

static void send_exit(struct launch *l) {
  int32_t body[2] = { l->pid, l->status };
  send_frame(FRAME_EXIT, 0, l->id, body, sizeof body, NULL, 0);
}

static void finish_notify(struct launch *l);
static void drain_output(struct launch *l);

static void on_exit_of(struct launch *l, int status) {
  if (l->status_r >= 0) {
    /* A reaper (PID 1 of the payload's namespace) wrote the payload's own status. */
    int32_t payload_status;
    if (read(l->status_r, &payload_status, sizeof payload_status) == sizeof payload_status) status = payload_status;
    close(l->status_r);
    l->status_r = -1;
  }
  l->exited = 1;
  l->status = status;
  finish_notify(l);
  run_cleanup_steps(l->cleanup, l->n_cleanup);
  if (l->launched && client_fd >= 0) drain_output(l), send_exit(l);
}

static void launched(struct launch *l) {
  close_fd(l, FD_REPORT);
  l->launched = 1;
  l->pid = reported_pid(l);
  l->failed = reported_error(l) || l->pid == 0;
  if (l->failed) {
    run_cleanup_steps(l->cleanup, l->n_cleanup);
    finish_notify(l);
  }
  send_frame(FRAME_LAUNCHED, 0, l->id, l->report, l->report_len, NULL, 0);
  if (l->exited && !l->failed) drain_output(l), send_exit(l);
  maybe_free(l);
}

static void reap_children(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    struct launch *l = NULL;
    for (struct launch *c = launches; c && !l; c = c->next)
      if (c->launcher == pid) c->launcher = 0, l = c;
    if (l) continue; /* its report's EOF tells how the launch went */
    for (struct launch *c = launches; c && !l; c = c->next)
      if (!c->exited && !c->failed) {
        /* The pid report precedes the go byte, so it is in the pipe before the payload can end. */
        if (!c->launched && c->pid == 0) read_report(c), c->pid = reported_pid(c);
        if (c->pid == pid) l = c;
      }
    if (l) on_exit_of(l, status);
    /* else: a daemonized descendant that ended, reparented here by PR_SET_CHILD_SUBREAPER */
  }
}

static void drain_notify(struct launch *l) {
  char msg[4096];
  int32_t sender;
  for (ssize_t n; (n = notify_recv(l->fds[FD_NOTIFY], msg, sizeof msg, &sender)) >= 0;) {
    if (n == 0) continue;
    if (client_fd >= 0) send_frame(FRAME_NOTIFY, 0, l->id, &sender, 4, msg, (size_t)n);
    else queue_frame(FRAME_NOTIFY, l->id, &sender, 4, msg, (size_t)n);
  }
}

static void finish_notify(struct launch *l) {
  if (l->fds[FD_NOTIFY] < 0) return;
  drain_notify(l);
  close_fd(l, FD_NOTIFY);
}

/* Forwards one read of a launch's output; returns 1 when more may follow now (data was read). */
static int read_output(struct launch *l, int i) {
  static uint8_t buf[65536];
  ssize_t n;
  do n = read(l->fds[i], buf, sizeof buf); while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN) return 0;
  uint16_t stream = i == FD_OUT ? 1 : 2;
  if (n > 0) {
    send_frame(FRAME_OUTPUT, stream, l->id, buf, (size_t)n, NULL, 0);
    return 1;
  }
  close_fd(l, i);
  send_frame(FRAME_EOF, stream, l->id, NULL, 0, NULL, 0);
  return 0;
}

/* Everything the payload wrote before it ended goes out before its EXIT, so the manager never
 * records the end of a command ahead of its last lines (and sees EOF at once when nothing else
 * holds the pipe). */
static void drain_output(struct launch *l) {
  if (client_fd < 0) return;
  for (int i = FD_OUT; i <= FD_ERR; i++)
    while (l->fds[i] >= 0 && client_fd >= 0 && read_output(l, i)) {}
}

/* The light read of a plan the resident needs itself: the notify socket, the cleanup steps and
 * the pid mode. The launcher validates the whole plan. */
struct scan {
  const char *notify_path;
  struct cleanup_step cleanup[MAX_CLEANUP];
  size_t n_cleanup;
  int pid_mode;
};

static int string_ok(const uint8_t *p, uint32_t len) { return len >= 1 && p[len - 1] == 0 && memchr(p, 0, len) == p + len - 1; }

static int scan_plan(const uint8_t *buf, size_t len, struct scan *s) {
  memset(s, 0, sizeof *s);
  if (len < 8 || get_u32(buf) != WIRE_MAGIC || get_u32(buf + 4) != WIRE_VERSION) return -EPROTO;
  size_t at = 8;
  while (at < len) {
    if (len - at < 8) return -EINVAL;
    uint32_t tag = get_u32(buf + at), nfields = get_u32(buf + at + 4);
    at += 8;
    const uint8_t *field[4] = { 0 };
    uint32_t flen[4] = { 0 };
    for (uint32_t i = 0; i < nfields; i++) {
      if (len - at < 4) return -EINVAL;
      uint32_t n = get_u32(buf + at);
      at += 4;
      if (len - at < n) return -EINVAL;
      if (i < 4) field[i] = buf + at, flen[i] = n;
      at += n;
    }
    if (tag == REC_NOTIFY_SOCKET && nfields > F_NOTIFY_SOCKET_PATH && string_ok(field[F_NOTIFY_SOCKET_PATH], flen[F_NOTIFY_SOCKET_PATH])) {
      s->notify_path = (const char *)field[F_NOTIFY_SOCKET_PATH];
    } else if (tag == REC_CLEANUP && nfields > F_CLEANUP_PATH && flen[F_CLEANUP_KIND] == 8 && string_ok(field[F_CLEANUP_PATH], flen[F_CLEANUP_PATH])) {
      if (s->n_cleanup >= MAX_CLEANUP) return -E2BIG;
      s->cleanup[s->n_cleanup++] = (struct cleanup_step){ (int)get_u64(field[F_CLEANUP_KIND]), (const char *)field[F_CLEANUP_PATH] };
    } else if (tag == REC_PID_MODE && nfields > F_PID_MODE_MODE && flen[F_PID_MODE_MODE] == 8) {
      s->pid_mode = (int)get_u64(field[F_PID_MODE_MODE]);
    } else if (tag == REC_HOST_FIFO || tag == REC_HOST_LOCK || (tag == REC_CONSOLE && nfields > 0 && flen[0] == 8 && get_u64(field[0]) != CONSOLE_INHERIT)) {
      return -EOPNOTSUPP; /* held for a payload's lifetime by a per-launch supervisor (containers) */
    }
    if (tag == REC_END) break;
  }
  return 0;
}

/* A launch that fails before a launcher runs reports as one would: {ERROR, -1, step, errno}. */
static void fail_early(struct launch *l, int step, int err) {
  uint32_t rec[4] = { REPORT_ERROR, (uint32_t)-1, (uint32_t)step, (uint32_t)err };
  memcpy(l->report, rec, sizeof rec);
  l->report_len = 16;
  launched(l);
}

static int stdio_fd(int mode, int *read_end) {
  *read_end = -1;
  if (mode == RSTDIO_INHERIT) return -2;
  if (mode == RSTDIO_PIPE) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) return -1;
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    *read_end = p[0];
    return p[1];
  }
  return open("/dev/null", O_WRONLY | O_CLOEXEC);
}

static void do_launch(uint64_t id, const uint8_t *p, uint32_t len) {
  for (struct launch *c = launches; c; c = c->next)
    if (c->id == id) return; /* a client's bug; the first launch of that id goes on */
  struct launch *l = calloc(1, sizeof *l);
  if (!l) return;
  l->id = id;
  l->status_r = -1;
  for (int i = 0; i < N_FDS; i++) l->fds[i] = -1, l->w[i] = (struct watch){ W_OUT + i, l };
  l->next = launches;
  launches = l;
  if (len < 8 || get_u32(p + 4) > MAX_TAG || len - 8 < get_u32(p + 4)) return fail_early(l, STEP_READ_PLAN, EINVAL);
  int out_mode = p[0], err_mode = p[1];
  l->tag_len = get_u32(p + 4);
  l->tag = malloc(l->tag_len ? l->tag_len : 1);
  if (!l->tag) return fail_early(l, STEP_READ_PLAN, ENOMEM);
  memcpy(l->tag, p + 8, l->tag_len);
  const uint8_t *plan = p + 8 + l->tag_len;
  size_t plan_len = len - 8 - l->tag_len;
  static struct scan s;
  int ret = scan_plan(plan, plan_len, &s);
  if (ret < 0) return fail_early(l, STEP_READ_PLAN, -ret);
  if (s.n_cleanup && !(l->cleanup = calloc(s.n_cleanup, sizeof *l->cleanup))) return fail_early(l, STEP_READ_PLAN, ENOMEM);
  for (size_t i = 0; i < s.n_cleanup; i++) {
    l->cleanup[i] = (struct cleanup_step){ s.cleanup[i].kind, strdup(s.cleanup[i].path) };
    if (!l->cleanup[i].path) return fail_early(l, STEP_READ_PLAN, ENOMEM);
    l->n_cleanup = i + 1;
  }
  /* Bound here, before the launcher runs the op that binds it into the tree; held here after. */
  if (s.notify_path && (l->fds[FD_NOTIFY] = notify_bind(s.notify_path)) < 0) {
    int err = -l->fds[FD_NOTIFY];
    l->fds[FD_NOTIFY] = -1;
    return fail_early(l, STEP_NOTIFY, err);
  }
  int report[2], status[2] = { -1, -1 }, out_r, err_r;
  int out_w = stdio_fd(out_mode, &out_r), err_w = stdio_fd(err_mode, &err_r);
  l->fds[FD_OUT] = out_r;
  l->fds[FD_ERR] = err_r;
  if (out_w == -1 || err_w == -1 || pipe2(report, O_CLOEXEC) < 0 ||
      (s.pid_mode == PID_MODE_REAPER && pipe2(status, O_CLOEXEC) < 0)) {
    if (out_w >= 0) close(out_w);
    if (err_w >= 0) close(err_w);
    return fail_early(l, STEP_CLONE, errno ? errno : EMFILE);
  }
  fcntl(report[0], F_SETFL, O_NONBLOCK);
  l->fds[FD_REPORT] = report[0];
  l->status_r = status[0];
  if (status[0] >= 0) fcntl(status[0], F_SETFL, O_NONBLOCK);
  pid_t launcher = fork();
  if (launcher == 0) {
    int null_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_in < 0 || dup2(null_in, 0) < 0 || (out_w >= 0 && dup2(out_w, 1) < 0) || (err_w >= 0 && dup2(err_w, 2) < 0)) _exit(127);
    int report_fd = fcntl(report[1], F_DUPFD_CLOEXEC, 100);
    int status_w = status[1] >= 0 ? fcntl(status[1], F_DUPFD_CLOEXEC, 101) : -1;
    int keep[5] = { 0, 1, 2, report_fd, status_w };
    close_fds_except(keep, status_w >= 0 ? 5 : 4);
    launcher_run(plan, plan_len, report_fd, status_w);
  }
  int fork_errno = errno;
  if (out_w >= 0) close(out_w);
  if (err_w >= 0) close(err_w);
  close(report[1]);
  if (status[1] >= 0) close(status[1]);
  if (launcher < 0) return fail_early(l, STEP_FORK, fork_errno);
  l->launcher = launcher;
  watch_add(l->fds[FD_REPORT], &l->w[FD_REPORT]);
  if (l->fds[FD_NOTIFY] >= 0) watch_add(l->fds[FD_NOTIFY], &l->w[FD_NOTIFY]);
  if (client_fd >= 0)
    for (int i = FD_OUT; i <= FD_ERR; i++)
      if (l->fds[i] >= 0) watch_add(l->fds[i], &l->w[i]);
}

static int live(const struct launch *l) {
  for (struct launch *c = launches; c; c = c->next)
    if (c == l) return 1;
  return 0;
}

static struct launch *find(uint64_t id) {
  for (struct launch *l = launches; l; l = l->next)
    if (l->id == id) return l;
  return NULL;
}

static void handle_frame(uint16_t type, uint64_t id, const uint8_t *p, uint32_t len) {
  struct launch *l;
  if (type == FRAME_LAUNCH) {
    do_launch(id, p, len);
  } else if (type == FRAME_KILL && len == 4 && (l = find(id)) && l->pid > 0 && !l->exited) {
    int32_t sig;
    memcpy(&sig, p, 4);
    kill(l->pid, sig);
  } else if (type == FRAME_RELEASE && (l = find(id)) && (l->exited || l->failed)) {
    l->released = 1;
    maybe_free(l);
  }
}

static void read_client(void) {
  if (in_cap - in_len < 65536) {
    size_t cap = in_cap ? in_cap * 2 : 1 << 17;
    uint8_t *bigger = realloc(in_buf, cap);
    if (!bigger) return drop_client();
    in_buf = bigger, in_cap = cap;
  }
  ssize_t n = read(client_fd, in_buf + in_len, in_cap - in_len);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) return drop_client();
  in_len += (size_t)n;
  size_t at = 0;
  while (in_len - at >= 16) {
    uint32_t len = get_u32(in_buf + at);
    if (len > MAX_FRAME) return drop_client();
    if (in_len - at - 16 < len) break;
    uint16_t type;
    memcpy(&type, in_buf + at + 4, 2);
    handle_frame(type, get_u64(in_buf + at + 8), in_buf + at + 16, len);
    if (client_fd < 0) return;
    at += 16 + len;
  }
  memmove(in_buf, in_buf + at, in_len - at);
  in_len -= at;
  /* Keep a big plan's buffer only while it is needed. */
  if (in_len == 0 && in_cap > (1 << 20)) free(in_buf), in_buf = NULL, in_cap = 0;
}

static void drop_client(void) {
  if (client_fd < 0) return;
  watch_del(client_fd);
  close(client_fd);
  client_fd = -1;
  in_len = 0;
  poll_output(0);
}

static void send_hello(void) {
  size_t size = 4, count = 0;
  for (struct launch *l = launches; l; l = l->next) size += 24 + l->tag_len, count++;
  uint8_t *body = malloc(size);
  if (!body) return drop_client();
  put_u32(body, (uint32_t)count);
  size_t at = 4;
  for (struct launch *l = launches; l; l = l->next) {
    int state = !l->launched ? RSTATE_STARTING : l->failed ? RSTATE_FAILED : l->exited ? RSTATE_EXITED : RSTATE_RUNNING;
    memset(body + at, 0, 24);
    put_u64(body + at, l->id);
    put_u32(body + at + 8, (uint32_t)(l->pid ? l->pid : reported_pid(l)));
    body[at + 12] = (uint8_t)state;
    put_u32(body + at + 16, (uint32_t)l->status);
    put_u32(body + at + 20, l->tag_len);
    memcpy(body + at + 24, l->tag, l->tag_len);
    at += 24 + l->tag_len;
  }
  send_frame(FRAME_HELLO, 0, (uint64_t)getpid(), body, size, NULL, 0); /* the id field: who the resident is */
  free(body);
}

static void accept_client(void) {
  int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return;
  if (client_fd >= 0) {
    close(fd); /* one manager at a time */
    return;
  }
  struct timeval timeout = { 10, 0 };
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  client_fd = fd;
  send_hello();
  while (queue_head && client_fd >= 0) {
    struct queued *q = queue_head;
    queue_head = q->next;
    struct iovec iov = { q->bytes, q->len };
    send_iov(&iov, 1);
    free(q);
    n_queued--;
  }
  if (!queue_head) queue_tail = NULL;
  if (client_fd < 0) return;
  watch_add(client_fd, &w_client);
  poll_output(1);
}

static int listen_at(const char *path) {
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen(path) >= sizeof addr.sun_path) return -ENAMETOOLONG;
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -errno;
  unlink(path);
  mode_t old = umask(077); /* root only from the start, as the manager's own socket */
  int ret = bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0 ? -errno : 0;
  umask(old);
  if (ret < 0) close(fd);
  return ret < 0 ? ret : fd;
}

int resident_main(const char *socket_path) {
  /* One resident per socket: a second one started by a racing manager leaves quietly. */
  char lock_path[4096];
  if ((size_t)snprintf(lock_path, sizeof lock_path, "%s.lock", socket_path) >= sizeof lock_path) return 2;
  int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) return 2;
  if (flock(lock, LOCK_EX | LOCK_NB) < 0) return errno == EWOULDBLOCK ? 0 : 2;
  int keep[4] = { 0, 1, 2, lock };
  close_fds_except(keep, 4);
  if (chdir("/") < 0) return 2;
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) return 2;
  /* Nobody it supervises may ptrace it or read its /proc/PID files. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct sigaction ign = { .sa_handler = SIG_IGN };
  sigaction(SIGPIPE, &ign, NULL);
  sigaction(SIGHUP, &ign, NULL);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  epfd = epoll_create1(EPOLL_CLOEXEC);
  listen_fd = listen_at(socket_path);
  if (sig_fd < 0 || epfd < 0 || listen_fd < 0) {
    dprintf(STDERR_FILENO, "nsbox-helper: resident: cannot listen on %s: %s\n", socket_path, strerror(listen_fd < 0 ? -listen_fd : errno));
    return 2;
  }
  watch_add(listen_fd, &w_listen);
  watch_add(sig_fd, &w_signal);
  for (;;) {
    struct epoll_event events[256];
    int n = epoll_wait(epfd, events, 256, -1);
    for (int i = 0; i < n; i++) {
      struct watch *w = events[i].data.ptr;
      struct launch *l = w->launch;
      switch (w->kind) {
      case W_LISTEN: accept_client(); break;
      case W_CLIENT: if (client_fd >= 0) read_client(); break;
      case W_SIGNAL: {
        struct signalfd_siginfo info;
        while (read(sig_fd, &info, sizeof info) == sizeof info) {}
        reap_children();
        break;
      }
      case W_OUT:
      case W_ERR:
        /* A launch freed earlier in this batch may have been this event's: check it is live. */
        if (client_fd >= 0 && live(l) && l->fds[w->kind - W_OUT] >= 0 && !read_output(l, w->kind - W_OUT)) maybe_free(l);
        break;
      case W_NOTIFY: if (live(l) && l->fds[FD_NOTIFY] >= 0) drain_notify(l); break;
      case W_REPORT: if (live(l) && l->fds[FD_REPORT] >= 0 && read_report(l)) launched(l); break;
      }
    }
  }
}
