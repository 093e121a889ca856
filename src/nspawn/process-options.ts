// Values of nspawn's process options (--rlimit=, --oom-score-adjust=, --personality=, --uuid=), as
// systemd-nspawn 252 parses them; the settings file's keys (LimitNOFILE=, OOMScoreAdjust=,
// Personality=, MachineID=) take the same values. Each parser throws NspawnUsageError naming the
// option it was given.
import type { Rlimit, RlimitValue } from '../plan/types.js';
import { UnitValueError } from '../unit/errors.js';
import { parseRlimit } from '../unit/exec-values.js';
import { NspawnUsageError } from './errors.js';

/** nspawn's resource names, upper case; `RLIMIT_` or `Limit` may come first (rlimit_from_string_harder). */
export const RLIMIT_NAMES: Readonly<Record<string, Rlimit>> = {
  CPU: 'cpu', FSIZE: 'fsize', DATA: 'data', STACK: 'stack', CORE: 'core', RSS: 'rss', NPROC: 'nproc', NOFILE: 'nofile',
  MEMLOCK: 'memlock', AS: 'as', LOCKS: 'locks', SIGPENDING: 'sigpending', MSGQUEUE: 'msgqueue', NICE: 'nice', RTPRIO: 'rtprio', RTTIME: 'rttime',
};

export function rlimitByName(name: string): Rlimit | undefined {
  const bare = name.startsWith('RLIMIT_') ? name.slice('RLIMIT_'.length) : name.startsWith('Limit') ? name.slice('Limit'.length) : name;
  return Object.hasOwn(RLIMIT_NAMES, bare) ? RLIMIT_NAMES[bare] : undefined;
}

export type RlimitProblem = 'unparsable' | 'soft-above-hard';

/**
 * SOFT[:HARD] for one resource, in the unit of Limit*= (sizes, time spans, nice levels); one value
 * sets both. What nspawn refuses comes back as the problem it names.
 */
export function parseRlimitValue(resource: Rlimit, value: string): RlimitValue | RlimitProblem {
  const [soft = '', hard = soft, ...rest] = value.split(':');
  if (rest.length > 0) return 'unparsable';
  let limit: RlimitValue;
  try {
    // One part at a time: each is a single value, so parseRlimit() gives it as soft and hard.
    limit = { soft: parseRlimit(soft, resource).soft, hard: parseRlimit(hard, resource).soft };
  } catch (e) {
    if (!(e instanceof UnitValueError)) throw e;
    return 'unparsable';
  }
  if (limit.hard !== null && (limit.soft === null || limit.soft > limit.hard)) return 'soft-above-hard';
  return limit;
}

/** --rlimit=NAME=SOFT[:HARD], NAME as RLIMIT_NOFILE, NOFILE or LimitNOFILE (case matters). */
export function parseRlimitAssignment(option: string, value: string): { readonly resource: Rlimit; readonly limit: RlimitValue } {
  const eq = value.indexOf('=');
  if (eq < 0) throw new NspawnUsageError(option, `expects NAME=SOFT[:HARD], got "${value}"`);
  const resource = rlimitByName(value.slice(0, eq));
  if (resource === undefined) throw new NspawnUsageError(option, `unknown resource limit "${value.slice(0, eq)}"`);
  const limit = parseRlimitValue(resource, value.slice(eq + 1));
  if (limit === 'unparsable') throw new NspawnUsageError(option, `invalid resource limit "${value.slice(eq + 1)}"`);
  if (limit === 'soft-above-hard') throw new NspawnUsageError(option, `soft limit above hard limit in "${value.slice(eq + 1)}"`);
  return { resource, limit };
}

/**
 * An integer as strtol() with base 0 reads it, which is what nspawn's parser uses: leading
 * blanks, a sign, then 0x (hex), 0o or a leading 0 (octal), or decimal; nothing may follow.
 */
function parseCInteger(text: string): number | undefined {
  const m = /^[ \t\n\r\f\v]*([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2]!;
  const n = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16)
    : /^0[oO]/.test(digits) ? parseInt(digits.slice(2), 8)
    : digits.startsWith('0') ? parseInt(digits, 8) : parseInt(digits, 10);
  return m[1] === '-' && n !== 0 ? -n : n;
}

/** -1000...1000, written to /proc/self/oom_score_adj; undefined: not a number at all. */
export const oomScoreAdjustValue = (value: string): number | undefined => parseCInteger(value);
export const oomScoreAdjustInRange = (n: number): boolean => n >= -1000 && n <= 1000;

export function parseOomScoreAdjust(option: string, value: string): number {
  const n = oomScoreAdjustValue(value);
  if (n === undefined || !oomScoreAdjustInRange(n)) throw new NspawnUsageError(option, `expects an integer in -1000...1000, got "${value}"`);
  return n;
}

/**
 * personality(2) values for the architectures nspawn accepts on an x86-64 host: its own (PER_LINUX)
 * and the 32-bit one (PER_LINUX32, which makes uname say i686).
 */
export const PERSONALITIES: Readonly<Record<string, number>> = { 'x86-64': 0x0000, x86: 0x0008 };

export function parsePersonality(option: string, value: string): number {
  if (!Object.hasOwn(PERSONALITIES, value)) throw new NspawnUsageError(option, `unknown or unsupported personality "${value}" (x86 or x86-64)`);
  return PERSONALITIES[value]!;
}

/** A 128-bit id as 32 hex digits or a UUID, any case; returned as a lower-case UUID. */
export function parseId128(value: string): string | undefined {
  const hex = /^[0-9a-fA-F]{32}$/.test(value) ? value
    : /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value) ? value.replaceAll('-', '') : undefined;
  if (hex === undefined) return undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** --uuid=: the container's id (container_uuid, /run/host/container-uuid) unless the tree has one. */
export function parseMachineUuid(option: string, value: string): string {
  const uuid = parseId128(value);
  if (uuid === undefined) throw new NspawnUsageError(option, `invalid UUID "${value}"`);
  if (/^[0-]+$/.test(uuid)) throw new NspawnUsageError(option, 'the machine UUID may not be all zeroes');
  return uuid;
}
