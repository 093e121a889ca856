// The argument-checking filters of RestrictNamespaces=, LockPersonality=, RestrictRealtime=,
// RestrictSUIDSGID= and MemoryDenyWriteExecute=, as data: which call, which argument test, which
// errno, per architecture. The rules follow systemd 252's seccomp-util.c (facts, not its code);
// compile.ts turns each concern into one BPF program of its own, loaded after the others.
import type { RestrictableNamespace } from '../unit/exec-settings.js';
import type { SeccompPolicy } from '../sandbox/seccomp-policy.js';

const EPERM = 1;
const ENOSYS = 38;

export type ArgOp = 'eq' | 'ne' | 'le' | 'gt' | 'masked-eq';

/** `args[arg] OP value`; masked-eq tests `(args[arg] & value) == value`, or `& mask` when given. */
export interface ArgCheck {
  readonly arg: number;
  readonly op: ArgOp;
  readonly value: number;
  /** masked-eq only: test `(args[arg] & mask) == value` (e.g. a flag that must be clear). */
  readonly mask?: number;
}

export interface ArgRule {
  readonly syscall: string;
  readonly errno: number;
  /** All must hold (AND); several rules for one call are alternatives (OR). Empty: always. */
  readonly checks: readonly ArgCheck[];
}

export interface ArgFilter {
  /** The setting, for errors and explain output. */
  readonly origin: string;
  /** Rules on one architecture (libseccomp's name: x86_64, x86, x32, aarch64 ...). */
  readonly rulesFor: (arch: string) => readonly ArgRule[];
}

const rule = (syscall: string, errno: number, ...checks: ArgCheck[]): ArgRule => ({ syscall, errno, checks });
const has = (arg: number, flags: number): ArgCheck => ({ arg, op: 'masked-eq', value: flags });

/** CLONE_NEW* of each namespace type RestrictNamespaces= knows. */
export const NAMESPACE_FLAGS: Readonly<Record<RestrictableNamespace, number>> = {
  cgroup: 0x02000000, ipc: 0x08000000, net: 0x40000000, mnt: 0x00020000, pid: 0x20000000, user: 0x10000000, uts: 0x04000000,
};

/**
 * unshare(2) and clone(2) with a forbidden CLONE_NEW* flag fail with EPERM, and so does setns(2)
 * for that type (or any setns when no type is allowed; with some allowed, setns with type 0 too).
 * clone3(2) hides its flags in a struct a filter cannot read: it gets ENOSYS so libc falls back
 * to clone(2), which can be checked.
 */
export function restrictNamespacesRules(retained: readonly RestrictableNamespace[], arch: string): ArgRule[] {
  const blocked = (Object.keys(NAMESPACE_FLAGS) as RestrictableNamespace[]).filter((n) => !retained.includes(n));
  if (blocked.length === 0) return [];
  // s390 swaps clone's first two arguments.
  const cloneFlagsArg = arch === 's390' || arch === 's390x' ? 1 : 0;
  const rules = [
    retained.length === 0 ? rule('setns', EPERM) : rule('setns', EPERM, { arg: 1, op: 'eq', value: 0 }),
    rule('clone3', ENOSYS),
  ];
  for (const ns of blocked) {
    const flag = NAMESPACE_FLAGS[ns];
    rules.push(rule('unshare', EPERM, has(0, flag)), rule('clone', EPERM, has(cloneFlagsArg, flag)));
    if (retained.length > 0) rules.push(rule('setns', EPERM, has(1, flag)));
  }
  return rules;
}

/** PER_LINUX: the personality systemd locks to when Personality= is unset on a 64-bit manager. */
export const PER_LINUX = 0;

/** Any personality(2) call asking for another personality fails (a query included, as in 252). */
export const lockPersonalityRules = (personality: number): ArgRule[] =>
  [rule('personality', EPERM, { arg: 0, op: 'ne', value: personality })];

const SCHED = { OTHER: 0, FIFO: 1, RR: 2, BATCH: 3, ISO: 4, IDLE: 5 } as const;

/**
 * sched_setscheduler(2) may only pick SCHED_OTHER, SCHED_BATCH or SCHED_IDLE: every other policy
 * below the highest of those is refused one by one, every value above it (SCHED_DEADLINE, and
 * any policy ORed with SCHED_RESET_ON_FORK) at once.
 */
export function restrictRealtimeRules(): ArgRule[] {
  const permitted: number[] = [SCHED.OTHER, SCHED.BATCH, SCHED.IDLE];
  const max = Math.max(...permitted);
  const rules: ArgRule[] = [];
  for (let p = 0; p < max; p++) if (!permitted.includes(p)) rules.push(rule('sched_setscheduler', EPERM, { arg: 1, op: 'eq', value: p }));
  rules.push(rule('sched_setscheduler', EPERM, { arg: 1, op: 'gt', value: max }));
  return rules;
}

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const O_CREAT = 0o100;

/**
 * No file or directory can get S_ISUID or S_ISGID through the calls that take a mode: the chmod
 * family, mkdir, mknod, creat, and open/openat when they create. openat2(2) keeps its mode in a
 * struct: refused with ENOSYS, so callers fall back to openat(2).
 */
export function restrictSuidSgidRules(): ArgRule[] {
  const rules: ArgRule[] = [];
  for (const m of [S_ISUID, S_ISGID]) {
    rules.push(
      rule('chmod', EPERM, has(1, m)), rule('fchmod', EPERM, has(1, m)), rule('fchmodat', EPERM, has(2, m)),
      // Linux 6.6's fchmodat2 (systemd covers it from 255; our libseccomp may not know it yet).
      rule('fchmodat2', EPERM, has(2, m)),
      rule('mkdir', EPERM, has(1, m)), rule('mkdirat', EPERM, has(2, m)),
      rule('mknod', EPERM, has(1, m)), rule('mknodat', EPERM, has(2, m)),
      rule('open', EPERM, has(1, O_CREAT), has(2, m)), rule('openat', EPERM, has(2, O_CREAT), has(3, m)),
      rule('creat', EPERM, has(1, m)),
    );
  }
  rules.push(rule('openat2', ENOSYS));
  return rules;
}

const PROT_WRITE = 0x2;
const PROT_EXEC = 0x4;
const SHM_EXEC = 0o100000;

/** Which mmap is checkable per architecture, which must go entirely, and whether shmat is direct. */
const MMAP_CALLS: Readonly<Record<string, { filter: string; block?: string; shmat: boolean }>> = {
  x86_64: { filter: 'mmap', shmat: true }, x32: { filter: 'mmap', shmat: true }, aarch64: { filter: 'mmap', shmat: true },
  // old_mmap takes its arguments through a struct pointer; shmat is multiplexed through ipc(2).
  x86: { filter: 'mmap2', block: 'mmap', shmat: false }, s390: { filter: 'mmap2', block: 'mmap', shmat: false },
  arm: { filter: 'mmap2', shmat: true }, ppc64le: { filter: 'mmap', shmat: false }, s390x: { filter: 'mmap', shmat: false },
};

/**
 * Memory both writable and executable cannot be mapped, and nothing can become executable later:
 * mmap with PROT_WRITE|PROT_EXEC, mprotect/pkey_mprotect adding PROT_EXEC, shmat with SHM_EXEC.
 */
export function memoryDenyWriteExecuteRules(arch: string): ArgRule[] {
  const calls = MMAP_CALLS[arch];
  if (!calls) return [];
  return [
    rule(calls.filter, EPERM, has(2, PROT_WRITE | PROT_EXEC)),
    ...(calls.block ? [rule(calls.block, EPERM)] : []),
    rule('mprotect', EPERM, has(2, PROT_EXEC)),
    rule('pkey_mprotect', EPERM, has(2, PROT_EXEC)),
    ...(calls.shmat ? [rule('shmat', EPERM, has(2, SHM_EXEC))] : []),
  ];
}

/** The argument filters a policy asks for, in systemd's load order. */
export function argumentFilters(policy: SeccompPolicy): ArgFilter[] {
  const filters: ArgFilter[] = [];
  const retained = policy.restrictNamespaces;
  if (retained !== undefined && retained.length < Object.keys(NAMESPACE_FLAGS).length) {
    filters.push({ origin: 'RestrictNamespaces=', rulesFor: (arch) => restrictNamespacesRules(retained, arch) });
  }
  if (policy.memoryDenyWriteExecute) filters.push({ origin: 'MemoryDenyWriteExecute=yes', rulesFor: memoryDenyWriteExecuteRules });
  if (policy.restrictRealtime) filters.push({ origin: 'RestrictRealtime=yes', rulesFor: restrictRealtimeRules });
  if (policy.restrictSUIDSGID) filters.push({ origin: 'RestrictSUIDSGID=yes', rulesFor: restrictSuidSgidRules });
  if (policy.lockPersonality) filters.push({ origin: 'LockPersonality=yes', rulesFor: () => lockPersonalityRules(PER_LINUX) });
  return filters;
}
