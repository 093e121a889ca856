// Condition*= and Assert*= (systemd.unit(5)): which pass, given the facts an edge gathered
// (service/condition-facts.ts). Pure. The rules are systemd 252's condition.c: a condition's own
// test, `!` inverting it; the list passes when every non-triggering condition passes and, if
// there are triggering (`|`) ones, at least one of those does.
import { fnmatch } from './fnmatch.js';
import type { Condition, ConditionKind } from './settings.js';

/** What one path looks like, following symlinks except for `symlink`. */
export interface PathFacts {
  readonly exists: boolean;
  readonly directory: boolean;
  readonly symlink: boolean;
  readonly mountPoint: boolean;
  /** On a file system (or mount) that is not read-only; false when the path is missing. */
  readonly readWrite: boolean;
  /** A directory with an entry that is not hidden or a backup file. */
  readonly directoryNotEmpty: boolean;
  /** A regular file of non-zero size. */
  readonly fileNotEmpty: boolean;
  /** A regular file with an execute bit. */
  readonly executable: boolean;
}

export interface ConditionFacts {
  /** Every path a Path*=/Directory*=/File*= condition names. */
  readonly paths: ReadonlyMap<string, PathFacts>;
  /** Every PathExistsGlob= pattern -> whether it matches anything. */
  readonly globs: ReadonlyMap<string, boolean>;
  /** NeedsUpdate= directories -> whether /usr is newer than their `.updated` stamp. */
  readonly needsUpdate: ReadonlyMap<string, boolean>;
  /** systemd-detect-virt's answers: a container id, a VM id (or 'none'); a user namespace. */
  readonly container: string;
  readonly vm: string;
  readonly privateUsers: boolean;
  readonly hostname: string;
  /** /etc/machine-id, lower-case hex, '' when unknown. */
  readonly machineId: string;
  /** /proc/cmdline split into words (quotes removed). */
  readonly kernelCommandLine: readonly string[];
  /** The manager's own environment, NAME=VALUE. */
  readonly environment: readonly string[];
  /** The manager's credentials. */
  readonly uid: number;
  readonly euid: number;
  readonly gid: number;
  readonly egid: number;
  readonly groups: readonly number[];
  /** Names a User=/Group= condition uses, resolved through the user database (absent: unknown). */
  readonly userIds: ReadonlyMap<string, number>;
  readonly groupIds: ReadonlyMap<string, number>;
  /** The manager's user name. */
  readonly userName: string;
  /** /run/systemd/first-boot exists (or systemd.condition-first-boot= on the kernel command line says so). */
  readonly firstBoot: boolean;
}

/** One condition's outcome, as systemd's `status` lists them. */
export interface ConditionOutcome {
  readonly condition: Condition;
  readonly met: boolean;
  /** The kind is not evaluated by nsbox: treated as met. */
  readonly unsupported?: boolean;
}

export interface ConditionListResult {
  readonly met: boolean;
  readonly outcomes: readonly ConditionOutcome[];
  /** The condition systemd names in its "was skipped because of an unmet condition check" line. */
  readonly failed?: Condition;
}

/** The part after Condition/Assert: `PathExists`, `Virtualization` … */
export const conditionTest = (kind: ConditionKind): string => kind.replace(/^(Condition|Assert)/, '');

/** Kinds whose value is a path (the edge gathers PathFacts for these). */
export const PATH_TESTS = new Set(['PathExists', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite', 'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable']);

/** The kinds nsbox evaluates; the others are treated as met (docs/compatibility.md). */
export const SUPPORTED_TESTS = new Set([...PATH_TESTS, 'PathExistsGlob', 'NeedsUpdate', 'FirstBoot', 'Virtualization', 'Host', 'KernelCommandLine', 'Environment', 'User', 'Group']);

const SYSTEM_UID_MAX = 999;

const BOOLEAN_TRUE = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const BOOLEAN_FALSE = new Set(['0', 'no', 'n', 'false', 'f', 'off']);
const parseBool = (v: string): boolean | undefined => (BOOLEAN_TRUE.has(v.toLowerCase()) ? true : BOOLEAN_FALSE.has(v.toLowerCase()) ? false : undefined);

/** One condition's test, before `!` (systemd's condition_test_*). */
function testOne(test: string, value: string, f: ConditionFacts): boolean | undefined {
  const path = (): PathFacts | undefined => f.paths.get(value);
  switch (test) {
    case 'PathExists': return path()?.exists ?? false;
    case 'PathIsDirectory': return path()?.directory ?? false;
    case 'PathIsSymbolicLink': return path()?.symlink ?? false;
    case 'PathIsMountPoint': return path()?.mountPoint ?? false;
    case 'PathIsReadWrite': return path()?.readWrite ?? false;
    case 'DirectoryNotEmpty': return path()?.directoryNotEmpty ?? false;
    case 'FileNotEmpty': return path()?.fileNotEmpty ?? false;
    case 'FileIsExecutable': return path()?.executable ?? false;
    case 'PathExistsGlob': return f.globs.get(value) ?? false;
    case 'NeedsUpdate': return f.needsUpdate.get(value) ?? false;
    case 'FirstBoot': {
      const want = parseBool(value);
      return want === undefined ? false : f.firstBoot === want;
    }
    case 'Virtualization': {
      const b = parseBool(value);
      const virtualized = f.container !== 'none' || f.vm !== 'none';
      if (b !== undefined) return b === virtualized;
      if (value === 'vm') return f.vm !== 'none' && f.container === 'none';
      if (value === 'container') return f.container !== 'none';
      if (value === 'private-users') return f.privateUsers;
      // A named technology: the one detect_virtualization() reports (a container before a VM).
      return (f.container !== 'none' ? f.container : f.vm) === value;
    }
    case 'Host': {
      if (/^[0-9a-f]{32}$/i.test(value) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
        return f.machineId !== '' && value.replaceAll('-', '').toLowerCase() === f.machineId;
      }
      return fnmatch(value, f.hostname, true);
    }
    case 'KernelCommandLine':
      // NAME=VALUE matches the word exactly; a bare NAME matches NAME or NAME=anything.
      return f.kernelCommandLine.some((w) => (value.includes('=') ? w === value : w === value || w.startsWith(`${value}=`)));
    case 'Environment':
      return f.environment.some((a) => (value.includes('=') ? a === value : a.slice(0, a.indexOf('=')) === value));
    case 'User': {
      if (value === '@system') return f.uid <= SYSTEM_UID_MAX || f.euid <= SYSTEM_UID_MAX;
      if (/^\d+$/.test(value)) return Number(value) === f.uid || Number(value) === f.euid;
      if (value === f.userName) return true;
      const id = f.userIds.get(value);
      return id !== undefined && (id === f.uid || id === f.euid);
    }
    case 'Group': {
      const id = /^\d+$/.test(value) ? Number(value) : f.groupIds.get(value);
      return id !== undefined && (id === f.gid || id === f.egid || f.groups.includes(id));
    }
    default: return undefined;
  }
}

/** Evaluates one Condition*= or Assert*= list (systemd's condition_test_list). */
export function evaluateConditions(list: readonly Condition[], facts: ConditionFacts): ConditionListResult {
  const outcomes: ConditionOutcome[] = [];
  let triggered: boolean | undefined;
  let failed: Condition | undefined;
  for (const c of list) {
    const raw = testOne(conditionTest(c.kind), c.value, facts);
    const met = raw === undefined ? true : raw !== c.negate;
    outcomes.push({ condition: c, met, ...(raw === undefined ? { unsupported: true } : {}) });
    if (!c.trigger && !met) {
      failed ??= c;
      return { met: false, outcomes, failed };
    }
    if (c.trigger && triggered !== true) {
      triggered = met;
      if (!met) failed ??= c;
    }
  }
  return triggered === false ? { met: false, outcomes, ...(failed ? { failed } : {}) } : { met: true, outcomes };
}

/** `ConditionPathExists=|!/x` as systemd prints a condition back. */
export const describeCondition = (c: Condition): string => `${c.kind}=${c.trigger ? '|' : ''}${c.negate ? '!' : ''}${c.value}`;
