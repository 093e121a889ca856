// systemd-nspawn's system-call filter, as data: an allow list of groups and single calls, some
// only when the container keeps the capability that makes them useful (nspawn-seccomp.c in
// systemd 252); every other call fails with EPERM. Compiled to BPF by src/seccomp/ at the edge.
// Differences, documented in docs/compatibility.md: nspawn answers calls libseccomp does not know
// with ENOSYS (here EPERM too), and it also refuses NETLINK_AUDIT sockets (an argument filter the
// compiler does not emit yet).
//
// --system-call-filter= / SystemCallFilter=, checked against systemd-nspawn 252: a value starting
// with `~` adds its words to the deny list, any other to the allow list; both lists grow with
// every option or line (an empty value changes nothing). A deny entry is skipped wherever the
// expansion of the allow list meets that very name or @group, so the deny list always wins, but
// `~@keyring` does not stop `keyctl` named by itself. Denied calls get EPERM like the rest.
import { capabilityNumber } from '../plan/capabilities.js';
import type { SeccompPolicy } from '../sandbox/seccomp-policy.js';

const ALWAYS = [
  '@aio', '@basic-io', '@chown', '@default', '@file-system', '@io-event', '@ipc', '@mount', '@network-io',
  '@process', '@resources', '@setuid', '@signal', '@sync', '@timer',
  'arm_fadvise64_64', 'brk', 'capget', 'capset', 'copy_file_range', 'fadvise64', 'fadvise64_64', 'flock',
  'get_mempolicy', 'getcpu', 'getpriority', 'getrandom', 'ioctl', 'ioprio_get', 'kcmp', 'madvise', 'mincore',
  'mprotect', 'mremap', 'name_to_handle_at', 'oldolduname', 'olduname', 'personality', 'readahead', 'readdir',
  'remap_file_pages', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_getaffinity', 'sched_getattr',
  'sched_getparam', 'sched_getscheduler', 'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'sched_yield',
  'sendfile', 'sendfile64', 'setdomainname', 'setfsgid', 'setfsgid32', 'setfsuid', 'setfsuid32', 'sethostname',
  'setpgid', 'setsid', 'splice', 'sysinfo', 'tee', 'umask', 'uname', 'userfaultfd', 'vmsplice',
] as const;

/** Allowed only when the capability is retained. */
const WITH_CAPABILITY: readonly (readonly [string, string])[] = [
  ['SYS_TIME', '@clock'], ['SYS_MODULE', '@module'], ['SYS_RAWIO', '@raw-io'], ['IPC_LOCK', '@memlock'],
  ['SYS_PACCT', 'acct'], ['SYS_PTRACE', 'process_vm_readv'], ['SYS_PTRACE', 'process_vm_writev'],
  ['SYS_PTRACE', 'ptrace'], ['SYS_BOOT', 'reboot'], ['SYSLOG', 'syslog'], ['SYS_TTY_CONFIG', 'vhangup'],
];

const EPERM = 1;

/**
 * What nspawn's filter needs beyond a SeccompPolicy; src/seccomp/compile.ts reads these fields
 * (nspawn loads them as separate filters, nsbox's container start loads a single program).
 */
export interface NspawnSeccompExtras {
  /**
   * Names and @groups left out wherever the allow list's expansion meets them (nspawn's deny
   * list). Its presence also means the allow list is taken as it is, without an implied @default.
   */
  readonly skip: readonly string[];
  /**
   * --suppress-sync: the @sync calls succeed without doing anything (for a file descriptor that
   * is not negative, when they take one), open()/openat() with O_SYNC
   * or O_DSYNC fail with EINVAL and openat2() with ENOSYS (it hides its flags from a filter);
   * these win over the allow list, as nspawn's filter for it is loaded after the other.
   */
  readonly suppressSync: boolean;
}

export type NspawnSeccompPolicy = SeccompPolicy & NspawnSeccompExtras;

/** The user's additions to nspawn's filter (--system-call-filter=, SystemCallFilter=). */
export interface SystemCallFilterLists {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/**
 * One --system-call-filter= value or SystemCallFilter= line: `~` first makes it a deny list; words
 * are split at whitespace and taken literally (quotes too, as nspawn does). Names libseccomp does
 * not know are ignored when compiling, as nspawn ignores them; an unknown @group fails the start.
 */
export function parseSystemCallFilter(value: string): { readonly deny: boolean; readonly names: readonly string[] } {
  const deny = value.startsWith('~');
  return { deny, names: (deny ? value.slice(1) : value).split(/[ \t\n\r]+/).filter(Boolean) };
}

export function nspawnSyscallAllowList(retained: readonly number[]): string[] {
  const keep = new Set(retained);
  return [...ALWAYS, ...WITH_CAPABILITY.filter(([cap]) => keep.has(capabilityNumber(cap)!)).map(([, name]) => name)];
}

export function nspawnSeccompPolicy(
  retained: readonly number[], lists: SystemCallFilterLists = { allow: [], deny: [] }, suppressSync = false,
): NspawnSeccompPolicy {
  return {
    filter: [{ invert: false, names: [...new Set([...nspawnSyscallAllowList(retained), ...lists.allow])] }],
    defaultAction: { kind: 'errno', errno: EPERM },
    architectures: [],
    denies: [],
    lockPersonality: false,
    restrictRealtime: false,
    restrictSUIDSGID: false,
    memoryDenyWriteExecute: false,
    skip: [...new Set(lists.deny)],
    suppressSync,
  };
}
