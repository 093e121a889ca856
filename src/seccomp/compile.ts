// SeccompPolicy -> classic BPF programs through libseccomp. systemd loads one filter per concern
// and the kernel applies the strictest verdict of all of them; so do we: SystemCallFilter= is one
// program, the plain denials other settings imply are another (so an allow list cannot turn their
// EPERM into its kill action), and each argument-checking setting is one more.
import type { SeccompPolicy } from '../sandbox/seccomp-policy.js';
import { argumentFilters, type ArgCheck, type ArgFilter } from './arg-filters.js';
import type { NspawnSeccompPolicy } from '../nspawn/seccomp.js';
import { expandSkipping, foldFilterLines } from './filter-set.js';
import { expandSyscallNames } from './groups.js';
import {
  actionCode, ARCH_NAMES, contextForArch, exportProgram, libseccomp, localArchTokens, NR_SCMP_ERROR,
  SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SeccompCompileError, type Libseccomp,
} from './libseccomp.js';

export { SeccompCompileError } from './libseccomp.js';

const EEXIST = 17;
const EACCES = 13;

/** Architectures a name-based program covers besides the native one. */
function addArchitectures(seccomp: Libseccomp, ctx: unknown, architectures: readonly string[]): void {
  // Without SystemCallArchitectures=, calls of the secondary ABIs (x86, x32) are filtered too
  // rather than killed as a bad architecture; with it, only the listed ones are let in.
  const arches = architectures.length > 0 ? architectures : ['native', 'x86', 'x32'];
  for (const name of arches) {
    if (name === 'native') continue;
    const token = seccomp.archResolve(ARCH_NAMES[name] ?? name);
    if (token !== 0) seccomp.archAdd(ctx, token);
  }
}

function addByName(seccomp: Libseccomp, ctx: unknown, name: string, action: number): void {
  const nr = seccomp.resolveName(name);
  if (nr === NR_SCMP_ERROR) return; // unknown on this architecture: nothing to filter
  const ret = seccomp.ruleAdd(ctx, action, nr, 0, null);
  // -EEXIST: the same rule again; -EACCES/-EINVAL: the action equals the default (allowed twice).
  if (ret < 0 && ret !== -EEXIST && ret !== -EACCES) throw new SeccompCompileError(`seccomp_rule_add(${name})`, ret);
}

function withContext(defaultAction: number, architectures: readonly string[], fill: (seccomp: Libseccomp, ctx: unknown) => void): Uint8Array {
  const seccomp = libseccomp();
  const ctx = seccomp.init(defaultAction);
  if (!ctx) throw new SeccompCompileError('seccomp_init', -1);
  try {
    addArchitectures(seccomp, ctx, architectures);
    fill(seccomp, ctx);
    return exportProgram(seccomp, ctx);
  } finally {
    seccomp.release(ctx);
  }
}

/** SystemCallFilter= alone (allow or deny list); undefined without filter lines or architectures. */
export function compileSystemCallFilter(policy: SeccompPolicy): Uint8Array | undefined {
  const set = foldFilterLines(policy.filter);
  if (!set && policy.architectures.length === 0) return undefined;
  const allowList = set?.allowList ?? false;
  return withContext(allowList ? actionCode(policy.defaultAction) : SCMP_ACT_ALLOW, policy.architectures, (seccomp, ctx) => {
    for (const [name, action] of set?.calls ?? []) {
      addByName(seccomp, ctx, name, allowList ? SCMP_ACT_ALLOW : actionCode(action ?? policy.defaultAction));
    }
  });
}

/** The denials other settings imply (ProtectClock= -> @clock ...), each with its own action. */
export function compileImpliedDenials(policy: SeccompPolicy): Uint8Array | undefined {
  if (policy.denies.length === 0) return undefined;
  return withContext(SCMP_ACT_ALLOW, [], (seccomp, ctx) => {
    for (const d of policy.denies) for (const n of d.names.flatMap((x) => expandSyscallNames(x))) addByName(seccomp, ctx, n, actionCode(d.action));
  });
}

const CMP_OPS: Readonly<Record<ArgCheck['op'], number>> = { ne: 1, le: 3, eq: 4, gt: 6, 'masked-eq': 7 };

/** struct scmp_arg_cmp[]: {unsigned arg; enum op; u64 datum_a; u64 datum_b}, 24 bytes each. */
function encodeChecks(checks: readonly ArgCheck[]): Buffer | null {
  if (checks.length === 0) return null;
  const buf = Buffer.alloc(24 * checks.length);
  checks.forEach((c, i) => {
    buf.writeUInt32LE(c.arg, 24 * i);
    buf.writeInt32LE(CMP_OPS[c.op], 24 * i + 4);
    // masked-eq: datum_a is the mask, datum_b the value to compare the masked argument with.
    buf.writeBigUInt64LE(BigInt(c.mask ?? c.value), 24 * i + 8);
    buf.writeBigUInt64LE(BigInt(c.value), 24 * i + 16);
  });
  return buf;
}

/**
 * One argument filter: a context per local architecture (the rules differ: x86's mmap is not
 * x86-64's), merged into a single program. A rule an architecture cannot express is skipped there,
 * as systemd skips it; calls of architectures not in the program pass.
 */
export function compileArgumentFilter(filter: ArgFilter): Uint8Array {
  const seccomp = libseccomp();
  let merged: unknown;
  try {
    for (const arch of localArchTokens(seccomp)) {
      const ctx = contextForArch(seccomp, arch.token, SCMP_ACT_ALLOW);
      let added = 0;
      for (const r of filter.rulesFor(arch.name)) {
        // Numbers are given as the native architecture's (or libseccomp's pseudo numbers);
        // libseccomp translates them into this context's architecture by name.
        const nr = seccomp.resolveName(r.syscall);
        if (nr === NR_SCMP_ERROR) continue;
        if (seccomp.ruleAddExact(ctx, SCMP_ACT_ERRNO(r.errno), nr, r.checks.length, encodeChecks(r.checks)) === 0) added++;
      }
      if (added === 0) {
        seccomp.release(ctx);
        continue;
      }
      if (merged === undefined) {
        merged = ctx;
        continue;
      }
      const ret = seccomp.merge(merged, ctx);
      if (ret < 0) {
        seccomp.release(ctx);
        throw new SeccompCompileError(`seccomp_merge(${filter.origin}, ${arch.name})`, ret);
      }
    }
    if (merged === undefined) throw new SeccompCompileError(`no rule of ${filter.origin} fits any architecture`, -1);
    return exportProgram(seccomp, merged);
  } finally {
    if (merged !== undefined) seccomp.release(merged);
  }
}

/** Every program the policy needs, in load order (the kernel runs all; the strictest wins). */
export function compileSeccompFilters(policy: SeccompPolicy): Uint8Array[] {
  return [
    compileSystemCallFilter(policy), compileImpliedDenials(policy),
    ...argumentFilters(policy).map(compileArgumentFilter),
  ].filter((p): p is Uint8Array => p !== undefined);
}

const EINVAL = 22;
const ENOSYS = 38;
/** O_SYNC is O_DSYNC plus a bit of its own on every architecture: one flag test catches both. */
const O_DSYNC = 0o10000;
/** open(2)/openat(2) and the argument that holds their flags. */
const OPEN_FLAGS_ARG: readonly (readonly [string, number])[] = [['open', 1], ['openat', 2]];
/** The @sync calls whose first argument is a file descriptor. */
const SYNC_FD_CALLS = new Set(['fdatasync', 'fsync', 'sync_file_range', 'sync_file_range2', 'syncfs']);
const INT_MAX = 0x7fffffff;

function addRule(seccomp: Libseccomp, ctx: unknown, name: string, action: number, checks: readonly ArgCheck[] = []): void {
  const nr = seccomp.resolveName(name);
  if (nr === NR_SCMP_ERROR) return;
  const ret = seccomp.ruleAdd(ctx, action, nr, checks.length, encodeChecks(checks));
  if (ret < 0 && ret !== -EEXIST && ret !== -EACCES) throw new SeccompCompileError(`seccomp_rule_add(${name})`, ret);
}

/**
 * systemd-nspawn's filter as one program: the allow list expanded with its deny list skipped
 * (filter-set.ts expandSkipping), and with --suppress-sync the rules nspawn loads as a second
 * filter after it, which therefore win: the @sync calls return 0 (those taking a file descriptor
 * only for one that is not negative, as under nspawn 252: fsync(-1) still gets EBADF from the
 * kernel), open()/openat() with O_DSYNC (so also O_SYNC) EINVAL, openat2() ENOSYS. A call with flag rules gets two exclusive ones (flag
 * set, flag clear) rather than a plain allow under an argument rule, so no verdict depends on how
 * libseccomp orders overlapping rules of one call.
 */
function compileNspawnFilter(policy: NspawnSeccompPolicy): Uint8Array {
  const calls = expandSkipping(policy.filter.flatMap((l) => (l.invert ? [] : l.names)), policy.skip);
  const sync = new Set(policy.suppressSync ? expandSyscallNames('@sync') : []);
  const flagged = new Set(policy.suppressSync ? ['openat2', ...OPEN_FLAGS_ARG.map(([n]) => n)] : []);
  return withContext(actionCode(policy.defaultAction), policy.architectures, (seccomp, ctx) => {
    for (const name of calls) if (!sync.has(name) && !flagged.has(name)) addRule(seccomp, ctx, name, SCMP_ACT_ALLOW);
    if (!policy.suppressSync) return;
    for (const name of sync) {
      if (!SYNC_FD_CALLS.has(name)) {
        addRule(seccomp, ctx, name, SCMP_ACT_ERRNO(0));
        continue;
      }
      addRule(seccomp, ctx, name, SCMP_ACT_ERRNO(0), [{ arg: 0, op: 'le', value: INT_MAX }]);
      if (calls.has(name)) addRule(seccomp, ctx, name, SCMP_ACT_ALLOW, [{ arg: 0, op: 'gt', value: INT_MAX }]);
    }
    addRule(seccomp, ctx, 'openat2', SCMP_ACT_ERRNO(ENOSYS));
    for (const [name, arg] of OPEN_FLAGS_ARG) {
      addRule(seccomp, ctx, name, SCMP_ACT_ERRNO(EINVAL), [{ arg, op: 'masked-eq', value: O_DSYNC }]);
      if (calls.has(name)) addRule(seccomp, ctx, name, SCMP_ACT_ALLOW, [{ arg, op: 'masked-eq', mask: O_DSYNC, value: 0 }]);
    }
  });
}

/**
 * One program of SystemCallFilter= and the implied denials together, for callers that load a
 * single filter (nspawn's policy has no denials). With an allow list, implied denials are left out
 * of it and so get the default action; compileSeccompFilters() keeps their own. A policy with
 * nspawn's extras (its deny list, --suppress-sync) is compiled as nspawn builds its filters.
 */
export function compileSeccomp(policy: SeccompPolicy | NspawnSeccompPolicy): Uint8Array {
  if ('skip' in policy) return compileNspawnFilter(policy);
  const set = foldFilterLines(policy.filter);
  const allowList = set?.allowList ?? false;
  return withContext(allowList ? actionCode(policy.defaultAction) : SCMP_ACT_ALLOW, policy.architectures, (seccomp, ctx) => {
    const implied = new Map<string, number>();
    for (const d of policy.denies) for (const n of d.names.flatMap((x) => expandSyscallNames(x))) implied.set(n, actionCode(d.action));
    if (allowList) {
      for (const name of set?.calls.keys() ?? []) if (!implied.has(name)) addByName(seccomp, ctx, name, SCMP_ACT_ALLOW);
    } else {
      for (const [name, action] of set?.calls ?? []) addByName(seccomp, ctx, name, actionCode(action ?? policy.defaultAction));
      for (const [name, action] of implied) if (!set?.calls.has(name)) addByName(seccomp, ctx, name, action);
    }
  });
}
