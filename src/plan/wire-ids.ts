// The one definition of the helper's wire ids. native/wire_ids.h is generated from this file
// (tools/gen-wire-header.mjs) and a unit test keeps the two equal.

export const WIRE_MAGIC = 0x5842534e; // "NSBX" little-endian
export const WIRE_VERSION = 1;

/** Record tags. Fields of each record are listed in wire-layout.ts. */
export const RecordTag = {
  END: 0,
  NAMESPACES: 1,
  PID_MODE: 2,
  UID_MAP: 3,
  GID_MAP: 4,
  SETGROUPS: 5,
  JOIN: 6,
  CGROUP: 7,
  ROOT: 8,
  HOST_PROPAGATION: 9,
  /** i RootLayerId, i size in bytes (volatile). */
  ROOT_LAYER: 10,
  /** i 1: the root is an idmapped mount for the plan's user namespace (made by the supervisor). */
  ROOT_IDMAP: 43,
  CONSOLE: 11,
  TRANSLATE_SIGNAL: 12,
  KILL_ON_SIGNAL_COUNT: 13,
  EXIT_ON_SIGNAL: 14,
  CLEANUP: 15,
  /** Text for errors the helper prints itself (after a hand-over, no one reads the report fd). */
  OP_LABELS: 16,
  STEP_LABELS: 17,
  FAILURE_EXIT: 18,
  /** s host path of the socket, i NotifyReadyId. */
  NOTIFY_SOCKET: 19,
  /** s host path of a FIFO the supervisor makes and holds open. */
  HOST_FIFO: 39,
  /** s host path, i mode: a directory the supervisor makes. */
  HOST_DIR: 40,
  /** s host path of a file the supervisor locks (flock) and holds locked. */
  HOST_LOCK: 42,
  OP_BIND: 20,
  OP_REMOUNT: 21,
  OP_TMPFS: 22,
  OP_PROC: 23,
  OP_SYSFS: 24,
  OP_DEVPTS: 25,
  OP_MQUEUE: 26,
  OP_CGROUP2: 27,
  OP_INACCESSIBLE: 28,
  OP_OVERLAY: 29,
  OP_MKDIR: 30,
  OP_SYMLINK: 31,
  OP_WRITE_FILE: 32,
  OP_MKNOD: 33,
  OP_CHMOD: 34,
  OP_PROPAGATION: 35,
  OP_SWITCH_ROOT: 36,
  OP_BIND_CONSOLE: 37,
  OP_BIND_CONTENT: 38,
  /** s target, i optional. */
  OP_MOUNT_POINT: 41,
  EXECUTABLE: 49,
  ARGV: 50,
  ENV: 51,
  CWD: 52,
  HOSTNAME: 53,
  DOMAINNAME: 54,
  CREDENTIALS: 55,
  UMASK: 56,
  RLIMIT: 57,
  CAPABILITIES: 58,
  NO_NEW_PRIVS: 59,
  SECCOMP: 60,
  OOM_SCORE_ADJ: 61,
  NICE: 62,
  PERSONALITY: 63,
  TERMINAL: 64,
  PDEATHSIG: 65,
  SECCOMP_EARLY: 66,
  CPU_AFFINITY: 67,
  /** s name: set NAME=<the payload's pid> in its environment, unless the plan's env has NAME. */
  PID_ENV: 68,
} as const;

export const PathBase = { ROOT: 0, HOST: 1 } as const;

export const PidModeId = { NONE: 0, PAYLOAD_IS_PID1: 1, REAPER: 2 } as const;

export const MountFlagBit = { RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8 } as const;

export const CreateId = { NO: 0, DIR: 1, FILE: 2, LIKE_SOURCE: 3 } as const;

export const SourceViewId = { CURRENT: 0, ORIGINAL: 1 } as const;

export const PropagationId = { PRIVATE: 0, SLAVE: 1, SHARED: 2 } as const;

export const NodeTypeId = { CHAR: 0, BLOCK: 1, FIFO: 2 } as const;

export const HidepidId = { OFF: 0, NOACCESS: 1, INVISIBLE: 2, PTRACEABLE: 3 } as const;

export const ConsoleId = { INHERIT: 0, PTY: 1, PTY_READ_ONLY: 2, PTY_PASSIVE: 3 } as const;

export const CleanupId = { UNLINK: 0, RMDIR: 1, RMDIR_CGROUP_TREE: 2, REMOVE_TREE: 3 } as const;

export const RootLayerId = { EPHEMERAL: 1, VOLATILE: 2 } as const;

export const NotifyReadyId = { ON_START: 0, ON_READY: 1 } as const;

export const TerminalId = { INHERIT: 0, NEW_SESSION: 1, CONTROLLING_TTY: 2 } as const;

/** Report records the helper writes on the report fd (each: u32 type + fields). */
export const ReportType = {
  /** u32 host pid of the payload (or of the namespace's PID 1 when a reaper runs it). */
  PID: 1,
  /** u32 op index (or -1 for process setup), u32 step id, i32 errno. */
  ERROR: 2,
} as const;

/** Steps outside the op list, for errors that are not an op's. */
export const StepId = {
  OP: 0,
  READ_PLAN: 1,
  CLONE: 2,
  USERNS_MAP: 3,
  JOIN: 4,
  CGROUP: 5,
  OPEN_ROOT: 6,
  HOSTNAME: 7,
  CREDENTIALS: 8,
  RLIMIT: 9,
  CAPABILITIES: 10,
  NO_NEW_PRIVS: 11,
  SECCOMP: 12,
  OOM_SCORE_ADJ: 13,
  NICE: 14,
  PERSONALITY: 15,
  TERMINAL: 16,
  CHDIR: 17,
  EXEC: 18,
  FORK: 19,
  UMASK: 20,
  PDEATHSIG: 21,
  LOOPBACK: 22,
  NOTIFY: 23,
  HOST_FIFO: 24,
  HOST_DIR: 25,
  CPU_AFFINITY: 26,
  HOST_LOCK: 27,
} as const;

export type StepName = keyof typeof StepId;

/**
 * Frames between the resident supervisor (the helper in its --resident mode) and its client, the
 * service manager: a little-endian header {u32 payload length, u16 type, u16 flags, u64 launch
 * id} and the payload. docs/architecture.md "The resident supervisor" describes each one.
 */
export const FrameType = {
  /** client: u8 stdout mode, u8 stderr mode, u16 0, u32 tag length, tag, the encoded plan. */
  LAUNCH: 1,
  /** client: i32 signal, sent to the launch's main pid. */
  KILL: 2,
  /** client: the launch is done with (exit and EOFs seen); the resident forgets it. */
  RELEASE: 3,
  /** resident: u32 count, then per launch {u64 id, i32 pid, u8 state, 3 pad, i32 wait status, u32 tag length, tag}. */
  HELLO: 101,
  /** resident: the launcher's report records (as on a helper's report fd), ended by its exit. */
  LAUNCHED: 102,
  /** resident: flags = 1 stdout | 2 stderr; the bytes read. */
  OUTPUT: 103,
  /** resident: flags = 1 stdout | 2 stderr; that stream ended. */
  EOF: 104,
  /** resident: i32 pid, i32 wait status of the launch's main process. */
  EXIT: 105,
  /** resident: i32 sender pid (SO_PASSCRED, 0 when unknown), the datagram. */
  NOTIFY: 106,
} as const;

/** Where a launch's stdout/stderr go. */
export const ResidentStdioId = { NULL: 0, PIPE: 1, INHERIT: 2 } as const;

/** A launch's state in HELLO. */
export const ResidentStateId = { STARTING: 0, RUNNING: 1, EXITED: 2, FAILED: 3 } as const;
