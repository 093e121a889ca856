// systemd-nspawn's default system-call filter, as data: an allow list of groups and single calls,
// some only when the container keeps the capability that makes them useful (nspawn-seccomp.c in
// systemd 252); every other call fails with EPERM. Compiled to BPF by src/seccomp/ at the edge.
// Differences, documented in docs/compatibility.md: nspawn answers calls libseccomp does not know
// with ENOSYS (here EPERM too), and it also refuses NETLINK_AUDIT sockets (an argument filter the
// compiler does not emit yet).
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

export function nspawnSyscallAllowList(retained: readonly number[]): string[] {
  const keep = new Set(retained);
  return [...ALWAYS, ...WITH_CAPABILITY.filter(([cap]) => keep.has(capabilityNumber(cap)!)).map(([, name]) => name)];
}

export function nspawnSeccompPolicy(retained: readonly number[]): SeccompPolicy {
  return {
    filter: [{ invert: false, names: nspawnSyscallAllowList(retained) }],
    defaultAction: { kind: 'errno', errno: EPERM },
    architectures: [],
    denies: [],
    lockPersonality: false,
    restrictRealtime: false,
    restrictSUIDSGID: false,
    memoryDenyWriteExecute: false,
  };
}
