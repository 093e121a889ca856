// The plan: everything the native helper does between fork and exec, as one typed value.
// Pure data. Built by sandbox/ and nspawn/, encoded by wire.ts, rendered by explain.ts,
// executed by executor/. The helper applies file-system ops in order and never reorders.

/** A path resolved inside the new root (openat2 RESOLVE_IN_ROOT); absolute, as seen from inside. */
export interface RootPath {
  readonly in: 'root';
  readonly path: string;
}

/** A path on the host, resolved normally (bind sources, the root directory itself). */
export interface HostPath {
  readonly in: 'host';
  readonly path: string;
}

export type AnyPath = RootPath | HostPath;

export const rootPath = (path: string): RootPath => ({ in: 'root', path });
export const hostPath = (path: string): HostPath => ({ in: 'host', path });

export type NamespaceKind = 'mount' | 'pid' | 'uts' | 'ipc' | 'net' | 'cgroup' | 'user';

export interface IdMapRange {
  /** First id inside the namespace. */
  readonly inside: number;
  /** First id on the host (in the parent namespace). */
  readonly outside: number;
  readonly count: number;
}

export interface UserNamespace {
  readonly uidMap: readonly IdMapRange[];
  readonly gidMap: readonly IdMapRange[];
  /** setgroups(2) inside: 'deny' is required by the kernel for unprivileged single-id maps. */
  readonly setgroups: 'allow' | 'deny';
}

/** Per-mount flags that mount_setattr(2) can set or clear. */
export interface MountFlags {
  readonly readOnly?: boolean;
  readonly nosuid?: boolean;
  readonly nodev?: boolean;
  readonly noexec?: boolean;
}

/** How to handle a missing target when mounting over it. */
export type CreateTarget = 'no' | 'dir' | 'file' | 'like-source';

export type Propagation = 'private' | 'slave' | 'shared';

export type SourceView = 'current' | 'original';

export type Op =
  | {
      readonly kind: 'bind';
      readonly source: AnyPath;
      readonly target: RootPath;
      readonly recursive: boolean;
      readonly flags: MountFlags;
      /** A missing source is skipped instead of failing (systemd's `-` prefix). */
      readonly optional: boolean;
      readonly create: CreateTarget;
      /**
       * Where the source is looked up. 'current' (default): when the op runs, so it sees what
       * earlier ops mounted (nspawn binds what it made itself). 'original': in the view before any
       * op ran, as systemd takes a service's bind sources from the untouched host view; the helper
       * clones such sources before the first op.
       */
      readonly sourceView?: SourceView;
    }
  | {
      /**
       * Makes target a mount point by binding it onto itself with its submounts, unless it is one
       * already: then it is left as it is, so a later remount changes the existing mounts in place
       * (systemd's ReadOnlyPaths= and friends, ProtectControlGroups=).
       */
      readonly kind: 'mount-point';
      readonly target: RootPath;
      readonly optional: boolean;
    }
  | {
      /** Changes flags of an existing mount, recursively over all its submounts if asked. */
      readonly kind: 'remount';
      readonly target: RootPath;
      readonly recursive: boolean;
      /** Submounts (and everything below them) a recursive remount leaves as they are. */
      readonly exclude?: readonly RootPath[];
      readonly flags: MountFlags;
      readonly optional: boolean;
    }
  | {
      readonly kind: 'tmpfs';
      readonly target: RootPath;
      /** Octal mode of the tmpfs root, e.g. 0o755. */
      readonly mode: number;
      readonly sizeBytes?: number;
      readonly nrInodes?: number;
      readonly flags: MountFlags;
      readonly create: CreateTarget;
    }
  | { readonly kind: 'proc'; readonly target: RootPath; readonly flags: MountFlags; readonly hidepid?: 'off' | 'noaccess' | 'invisible' | 'ptraceable'; readonly subset?: 'pid' }
  | { readonly kind: 'sysfs'; readonly target: RootPath; readonly flags: MountFlags }
  | { readonly kind: 'devpts'; readonly target: RootPath; readonly ptmxMode: number; readonly mode: number; readonly gid?: number; readonly flags: MountFlags }
  | { readonly kind: 'mqueue'; readonly target: RootPath; readonly flags: MountFlags }
  | { readonly kind: 'cgroup2'; readonly target: RootPath; readonly flags: MountFlags }
  | {
      /** Over-mounts the path with an empty mode-000 node of the same type (dir, file, device...). */
      readonly kind: 'inaccessible';
      readonly target: RootPath;
      readonly optional: boolean;
    }
  | {
      /** An overlayfs; lower dirs are host paths, upper/work too (nspawn --ephemeral uses a tmpfs). */
      readonly kind: 'overlay';
      readonly target: RootPath;
      readonly lower: readonly AnyPath[];
      readonly upper?: AnyPath;
      readonly work?: AnyPath;
      readonly flags: MountFlags;
    }
  | { readonly kind: 'mkdir'; readonly path: RootPath; readonly mode: number; readonly parents: boolean }
  | { readonly kind: 'symlink'; readonly path: RootPath; readonly linkTarget: string }
  | { readonly kind: 'write-file'; readonly path: RootPath; readonly content: Uint8Array; readonly mode: number }
  | {
      readonly kind: 'mknod';
      readonly path: RootPath;
      readonly type: 'char' | 'block' | 'fifo';
      readonly major: number;
      readonly minor: number;
      readonly mode: number;
    }
  | { readonly kind: 'chmod'; readonly path: RootPath; readonly mode: number }
  | { readonly kind: 'propagation'; readonly target: RootPath; readonly mode: Propagation; readonly recursive: boolean }
  | {
      /** Binds the pty slave the helper allocated (plan.console = 'pty') onto target, e.g. /dev/console. */
      readonly kind: 'bind-console';
      readonly target: RootPath;
    }
  | {
      /**
       * Binds a small file with this content over target (created if missing), from a private
       * tmpfs: nothing is written to the tree or the host (nspawn's boot_id, for one).
       */
      readonly kind: 'bind-content';
      readonly target: RootPath;
      readonly content: Uint8Array;
      readonly mode: number;
      readonly flags: MountFlags;
    }
  | {
      /** pivot_root into the plan's root; falls back to MS_MOVE + chroot where pivot_root cannot work. */
      readonly kind: 'switch-root';
    };

export type OpKind = Op['kind'];

export type Rlimit =
  | 'cpu' | 'fsize' | 'data' | 'stack' | 'core' | 'rss' | 'nproc' | 'nofile'
  | 'memlock' | 'as' | 'locks' | 'sigpending' | 'msgqueue' | 'nice' | 'rtprio' | 'rttime';

/** `null` means infinity (RLIM_INFINITY). */
export interface RlimitValue {
  readonly soft: number | null;
  readonly hard: number | null;
}

/** Capabilities by number (CAP_CHOWN = 0 ...). See capabilities.ts for names. */
export type CapSet = readonly number[];

export interface Capabilities {
  readonly bounding: CapSet;
  readonly permitted: CapSet;
  readonly effective: CapSet;
  readonly inheritable: CapSet;
  readonly ambient: CapSet;
}

export interface Credentials {
  readonly uid: number;
  readonly gid: number;
  readonly supplementaryGroups: readonly number[];
}

export type TerminalSetup =
  /** stdio as given; no new session. */
  | { readonly kind: 'inherit' }
  /** setsid() only. */
  | { readonly kind: 'new-session' }
  /** setsid() and make the terminal on stdin the controlling terminal (TIOCSCTTY). */
  | { readonly kind: 'controlling-tty' };

export interface ProcessSettings {
  /** The program to exec, an absolute path in the new root; PATH is not searched. Default: argv[0]. */
  readonly executable?: string;
  readonly argv: readonly string[];
  /** Exactly the environment the payload gets. */
  readonly env: readonly string[];
  readonly cwd: string;
  /** A missing cwd falls back to / instead of failing (systemd's `WorkingDirectory=-`). */
  readonly cwdOptional?: boolean;
  readonly hostname?: string;
  readonly domainname?: string;
  /** Absent: keep the helper's (root's) credentials. */
  readonly credentials?: Credentials;
  readonly umask?: number;
  readonly rlimits?: Readonly<Partial<Record<Rlimit, RlimitValue>>>;
  /** Absent: keep the full set the helper has. */
  readonly capabilities?: Capabilities;
  readonly noNewPrivileges?: boolean;
  /**
   * Compiled classic-BPF programs (struct sock_filter[], 8 bytes per instruction), loaded in order
   * just before exec; the kernel runs them all and the strictest action wins.
   */
  readonly seccompFilters?: readonly Uint8Array[];
  /**
   * When the filters are loaded. 'last' (systemd's services): just before exec, after credentials
   * and capabilities are dropped, so it needs no_new_privs or a kept CAP_SYS_ADMIN.
   * 'before-credentials' (nspawn): while still privileged, so the filter must allow setresuid(),
   * setgroups(), capset() and prctl().
   */
  readonly seccompTiming?: 'last' | 'before-credentials';
  readonly oomScoreAdjust?: number;
  readonly nice?: number;
  readonly personality?: number;
  /** CPU numbers the payload may run on (sched_setaffinity before the filters are loaded). */
  readonly cpuAffinity?: readonly number[];
  readonly terminal: TerminalSetup;
  /** Signal the payload gets when the helper dies (PR_SET_PDEATHSIG); defaults to SIGKILL. */
  readonly parentDeathSignal?: number;
  /**
   * A variable the helper sets to the payload's own pid (as it sees it) just before exec, unless
   * `env` has it already: systemd's SYSTEMD_EXEC_PID, known only after the fork.
   */
  readonly pidEnv?: string;
}

export type PidMode =
  /** No PID namespace: the payload is a plain child of the helper. */
  | 'none'
  /** New PID namespace; the payload itself is PID 1 (needed to boot an init). */
  | 'payload-is-pid1'
  /** New PID namespace; a tiny reaper is PID 1, forwards signals, exits with the payload's status. */
  | 'reaper';

export interface JoinTarget {
  /** Host pid whose namespaces to enter (machinectl shell). */
  readonly pid: number;
  readonly namespaces: readonly NamespaceKind[];
}

/** Host-side steps the supervisor runs after the payload has ended (it may outlive Node). */
export type CleanupStep =
  | { readonly kind: 'unlink'; readonly path: string }
  | { readonly kind: 'rmdir'; readonly path: string }
  /** A cgroup directory and every cgroup below it, deepest first, waiting briefly for dying members. */
  | { readonly kind: 'rmdir-cgroup-tree'; readonly path: string }
  /**
   * A directory and everything in it (an overlay's work directory, with the kernel's whiteouts).
   * No symlink is followed, in the path or below it, and no other file system is entered.
   */
  | { readonly kind: 'remove-tree'; readonly path: string };

/**
 * What the supervising helper does while the payload runs. It matters most after Node hands its
 * process over to the helper (executor/handover.ts): then nothing but the helper is left to do it.
 */
export interface SupervisorSettings {
  /** Signals delivered to the payload as another signal (SIGTERM -> SIGRTMIN+3 asks systemd to power off). */
  readonly translateSignals?: readonly { readonly from: number; readonly to: number }[];
  /** The n-th SIGTERM/SIGINT/SIGHUP the supervisor receives is answered with SIGKILL to the payload. */
  readonly killOnSignalCount?: number;
  /** Exit codes used when the payload dies by these signals instead of re-raising them (signal 0: any). */
  readonly exitCodeOnSignal?: readonly { readonly signal: number; readonly code: number }[];
  readonly cleanup?: readonly CleanupStep[];
  readonly notify?: NotifySocket;
  /**
   * FIFOs the helper makes at these host paths before the namespaces exist and holds open
   * read-write until the end, for ops to bind into the tree (nspawn's /proc/kmsg): with a writer
   * always there, a reader inside never blocks in open(). Unlinking them is a cleanup step.
   */
  readonly hostFifos?: readonly string[];
  /**
   * Directories the helper makes on the host before the namespaces exist (parents 0755, an
   * existing one kept), for ops that need one beside a host path: an overlay's upper and work
   * directories. Removing them is a cleanup step.
   */
  readonly hostDirs?: readonly { readonly path: string; readonly mode: number }[];
  /**
   * Files the supervisor takes an exclusive flock(2) on before the namespaces exist and holds
   * until it exits (a killed supervisor releases them too): a user namespace's uid range. One
   * that is locked already fails the start (step HOST_LOCK, EWOULDBLOCK).
   */
  readonly hostLocks?: readonly string[];
}

/**
 * An sd_notify(3) socket for the payload, as systemd-nspawn's /run/host/notify: the helper binds a
 * datagram socket at `hostPath` before the namespaces exist and keeps it (an op binds the socket
 * file into the tree, where NOTIFY_SOCKET names it). The supervisor reads what the payload sends.
 * Readiness goes on to the helper's own NOTIFY_SOCKET, if it has one (nsbox run as a
 * Type=notify service): at once when the payload has started ('on-start', nspawn's default), or
 * when the payload itself says READY=1 ('on-ready', nspawn's --notify-ready=yes).
 */
export interface NotifySocket {
  readonly hostPath: string;
  readonly forwardReady: 'on-start' | 'on-ready';
}

/**
 * 'pty': the helper allocates a pseudo-terminal; the payload gets its slave as stdio (and
 * 'bind-console' ops can bind it), the helper relays it to its own stdio, puts a terminal on stdin
 * into raw mode, forwards window-size changes, and ends the payload with SIGKILL when ^] is typed
 * three times within a second. 'pty-read-only' relays only the output; 'pty-passive' relays
 * nothing (the pty exists, as /dev/console, but nobody is attached).
 */
export type ConsoleMode = 'inherit' | 'pty' | 'pty-read-only' | 'pty-passive';

/**
 * 'ephemeral': an overlay of `root` whose upper layer is a tmpfs, so every change vanishes on
 * exit. 'volatile': a tmpfs of its own (mode 0755, `sizeBytes`, 1M inodes) holding only `root`'s
 * /usr, bound read-only (nspawn's --volatile=yes); the ops then build the rest.
 */
export type RootLayer = { readonly kind: 'ephemeral' } | { readonly kind: 'volatile'; readonly sizeBytes: number };

export interface Plan {
  /** Namespaces to create. 'pid' is implied by pidMode and must not be listed. */
  readonly namespaces: readonly Exclude<NamespaceKind, 'pid'>[];
  readonly pidMode: PidMode;
  readonly user?: UserNamespace;
  readonly join?: JoinTarget;
  /**
   * Cgroup directories on the host (one per hierarchy on cgroup v1) the payload joins before its
   * cgroup namespace is made, so that namespace is rooted there.
   */
  readonly cgroups?: readonly string[];
  /**
   * Propagation of the copied host mounts in the new mount namespace, set before any op runs, so
   * nothing the ops mount can propagate back to the host. Default 'slave' (host mounts still appear).
   */
  readonly hostPropagation?: 'private' | 'slave';
  /** The new root on the host; absent: the current root (paths then resolve normally). */
  readonly root?: string;
  /**
   * The root is an idmapped mount of `root` for the plan's user namespace (nspawn's
   * --private-users-ownership=map): on-disk ids 0... show as the namespace's 0..., and the tree
   * on disk is not changed. Only with `user`, a `root` and no `rootLayer`.
   */
  readonly rootIdmap?: boolean;
  /** What the payload's root is made of; absent: `root` itself. */
  readonly rootLayer?: RootLayer;
  readonly console?: ConsoleMode;
  readonly supervisor?: SupervisorSettings;
  readonly ops: readonly Op[];
  readonly process: ProcessSettings;
}
