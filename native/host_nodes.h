/* Nodes the helper makes on the host before the namespaces exist, for ops to bind into the tree:
 * they must outlive the payload's setup and be owned by the supervisor, which stays outside. */
#pragma once

/* mkdir -p of path's directory (0755); 0 or -errno. */
int host_make_parents(const char *path);

/* A FIFO at path (a stale node there replaced), opened read-write and non-blocking: while the
 * supervisor holds it, a reader inside never blocks in open() and a writer never gets SIGPIPE.
 * Returns the fd (close-on-exec) or -errno. */
int host_fifo_hold(const char *path);
/* Opens (creating) path and takes an exclusive flock without waiting; returns the fd or -errno
 * (-EWOULDBLOCK: someone holds it). */
int host_lock_hold(const char *path);

/* mkdir -p path with the given mode for the last component; an existing directory is kept.
 * 0 or -errno. */
int host_make_dir(const char *path, int mode);

/* Removes the directory path and everything below it: no symlink is followed (in path or below),
 * no other file system is entered, and what cannot be removed stays. */
void host_remove_tree(const char *path);
