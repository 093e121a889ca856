/* The payload's sd_notify(3) socket (nspawn's /run/host/notify) and readiness passed on to
 * whoever started the helper, if that is a service manager listening on NOTIFY_SOCKET. */
#pragma once

/* Binds a datagram socket at path (its directory made if missing, a stale socket replaced), so
 * an op can bind the socket file into the tree. Returns the fd (close-on-exec) or -errno. */
int notify_bind(const char *path);

/* Reads every datagram waiting on fd; returns 1 if one of them said READY=1. With relay_fd >= 0,
 * each is also written there as {u32 length, i32 sender pid, bytes} for the caller to read. */
int notify_drain(int fd, int relay_fd);

/* Sends READY=1 to the helper's own $NOTIFY_SOCKET; nothing when it has none. */
void notify_outer_ready(void);
