/* The payload's sd_notify(3) socket (nspawn's /run/host/notify) and readiness passed on to
 * whoever started the helper, if that is a service manager listening on NOTIFY_SOCKET. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

/* Binds a datagram socket at path (its directory made if missing, a stale socket replaced), so
 * an op can bind the socket file into the tree. Returns the fd (close-on-exec) or -errno. */
int notify_bind(const char *path);

/* One datagram waiting on fd, without blocking: its length (0 for an empty one), or -1 when none
 * is left. The sender's pid (SO_PASSCRED; 0 if unknown) goes to *sender; fds sent along are closed. */
ssize_t notify_recv(int fd, char *msg, size_t cap, int32_t *sender);

/* Reads every datagram waiting on fd; returns 1 if one of them said READY=1. With relay_fd >= 0,
 * each is also written there as {u32 length, i32 sender pid, bytes} for the caller to read. */
int notify_drain(int fd, int relay_fd);

/* Sends READY=1 to the helper's own $NOTIFY_SOCKET; nothing when it has none. */
void notify_outer_ready(void);
