// Everything the nspawn planner needs to know about the tree and the host, gathered by the edge
// (src/machines/facts.ts) so the planner stays pure: same options + same facts = same plan.
import type { Rlimit } from '../plan/types.js';
import type { Credential } from './credentials.js';
import type { CgroupMode, HostCgroups, OwnCgroupDir } from './cgroup-layout.js';
import type { BoundDevice } from './device-policy.js';

export interface TreeFacts {
  /** Absolute host path of the tree. */
  readonly directory: string;
  /** Paths (absolute, inside the tree) that exist; only those from probePaths() are asked. */
  readonly present: ReadonlySet<string>;
  /** Those of `present` that are symlinks themselves (absent: none are). */
  readonly symlinks?: ReadonlySet<string>;
  readonly passwd?: string;
  readonly group?: string;
  /** /etc/machine-id's content when it holds an id (first boot trees have it empty). */
  readonly machineId?: string;
  /** What /etc/localtime is in the tree: a symlink (its target), a file, or nothing. */
  readonly localtime: { readonly kind: 'symlink'; readonly target: string } | { readonly kind: 'file' } | { readonly kind: 'missing' };
}

export interface HostFacts {
  readonly boundingSet: readonly number[];
  /** The host's os-release, parsed: its ID and VERSION_ID become container_host_* variables. */
  readonly osRelease: Readonly<Record<string, string>>;
  /** The host's os-release file, bound to /run/host/os-release. */
  readonly osReleasePath?: string;
  readonly nofileHard: number;
  /** The caller's hard limits (null: unlimited), for nspawn's clamping; absent: not known. */
  readonly hardLimits?: Readonly<Partial<Record<Rlimit, number | null>>>;
  readonly memTotalBytes: number;
  readonly term?: string;
  readonly stdinIsTty: boolean;
  readonly stdoutIsTty: boolean;
  /** /etc/resolv.conf's bytes, copied into the tree as nspawn's --resolv-conf=auto does. */
  readonly resolvConf?: Uint8Array;
  readonly resolvConfPath?: string;
  /** The host's zone file (/etc/localtime resolved) and its name under zoneinfo, e.g. Etc/UTC. */
  readonly timezone?: { readonly file: string; readonly name: string };
  /** For -E NAME without a value. */
  readonly env: Readonly<Record<string, string>>;
}

export interface CgroupFacts {
  readonly host: HostCgroups;
  readonly mode: CgroupMode;
  /** Directories created for this container (cgroups/), joined before the cgroup namespace. */
  readonly dirs: readonly OwnCgroupDir[];
}

export interface NspawnFacts {
  readonly tree: TreeFacts;
  readonly host: HostFacts;
  readonly cgroups: CgroupFacts;
  /** Used as container_uuid when the tree has no machine id (randomness comes from the edge). */
  readonly randomUuid: string;
  /** The container's own boot id, shown at /proc/sys/kernel/random/boot_id as nspawn does. */
  readonly bootId?: string;
  /** Registration file under /run/nsbox/machines, unlinked by the supervisor after exit. */
  readonly registrationFile?: string;
  /** For the device policy: the pty majors of /proc/devices, and the device nodes --bind puts in. */
  readonly devices?: { readonly ptsMajors: readonly number[]; readonly bound: readonly BoundDevice[] };
  /** The credentials of --set-credential/--load-credential with their bytes (files read by the edge). */
  readonly credentials?: readonly Credential[];
  /** -U: the uid/gid range chosen (machines/uid-range.ts), and the lock file the supervisor holds. */
  readonly userNamespace?: { readonly base: number; readonly count: number; readonly lockFile?: string; readonly idmap?: boolean };
}
