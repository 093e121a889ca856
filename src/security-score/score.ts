// The exposure score: each check's badness scaled to its weight, summed, and the overall level,
// with systemd 252's integer rounding (every division rounds up) so the tenths come out the same.
import { NsboxError } from '../errors.js';
import { SECURITY_CHECKS, type SecurityCheck } from './checks.js';
import type { SecurityInfo, SyscallResolves } from './info.js';
import { withPolicy, type SecurityPolicy } from './policy.js';

export interface ScoredCheck {
  readonly check: SecurityCheck;
  /** true: good, false: bad (or partly bad), null: not applicable. */
  readonly set: boolean | null;
  readonly badness: number | 'n/a';
  readonly weight: number;
  readonly range: number;
  readonly description: string | null;
  /** This check's share of the exposure in tenths, when it adds any. */
  readonly exposure: number | null;
}

export type ExposureLevel = 'DANGEROUS' | 'UNSAFE' | 'EXPOSED' | 'MEDIUM' | 'OK' | 'SAFE' | 'PERFECT';

export interface SecurityScore {
  readonly unit: string;
  readonly fragmentPath?: string;
  readonly rows: readonly ScoredCheck[];
  /** Tenths: 0..100. */
  readonly exposure: number;
  readonly level: ExposureLevel;
}

const LEVELS: readonly [number, ExposureLevel][] = [
  [100, 'DANGEROUS'], [90, 'UNSAFE'], [75, 'EXPOSED'], [50, 'MEDIUM'], [10, 'OK'], [1, 'SAFE'], [0, 'PERFECT'],
];

export const exposureLevel = (tenths: number): ExposureLevel => LEVELS.find(([min]) => tenths >= min)![1];
export const formatTenths = (tenths: number): string => `${Math.floor(tenths / 10)}.${tenths % 10}`;

const divRoundUp = (a: number, b: number): number => Math.floor((a + b - 1) / b);

export class SecurityPolicyError extends NsboxError {
  readonly code = 'SECURITY_POLICY';
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'SecurityPolicyError';
  }
}

export function scoreSecurity(info: SecurityInfo, resolves: SyscallResolves, policy?: SecurityPolicy): SecurityScore {
  const graded = SECURITY_CHECKS.map((original) => {
    const check = withPolicy(original, policy);
    const grade = check.defaultDependenciesOnly && !info.defaultDependencies
      ? { badness: 'n/a' as const, description: 'Service runs in special boot phase, option is not appropriate' }
      : check.weight === 0
        ? { badness: 'n/a' as const, description: 'Option excluded by policy, skipping' }
        : check.assess(info, resolves);
    if (check.range === 0) throw new SecurityPolicyError(check.jsonField, 'range must be above 0');
    if (grade.badness !== 'n/a' && grade.badness > check.range) {
      throw new SecurityPolicyError(check.jsonField, `range ${check.range} is below the badness ${grade.badness} this check gives`);
    }
    return { original, check, grade };
  });
  let badnessSum = 0;
  let weightSum = 0;
  for (const { check, grade } of graded) {
    if (grade.badness === 'n/a') continue;
    badnessSum += divRoundUp(grade.badness * check.weight, check.range);
    weightSum += check.weight;
  }
  if (weightSum === 0) throw new SecurityPolicyError('*', 'the policy excludes every check');
  const rows = graded.map(({ original, check, grade }): ScoredCheck => {
    const b = grade.badness;
    // systemd picks the bad text by the check's built-in range, not the policy's (a quirk kept).
    const set = b === 'n/a' ? null : b === 0;
    const fallback = b === 'n/a' ? check.na : b === original.range ? check.bad : b === 0 ? check.good : undefined;
    return {
      check, set, badness: b, weight: check.weight, range: check.range,
      description: grade.description ?? fallback ?? null,
      exposure: b === 'n/a' || b === 0 ? null : divRoundUp(divRoundUp(b * check.weight * 100, check.range), weightSum),
    };
  });
  const exposure = divRoundUp(badnessSum * 100, weightSum);
  return { unit: info.id, ...(info.fragmentPath !== undefined ? { fragmentPath: info.fragmentPath } : {}), rows, exposure, level: exposureLevel(exposure) };
}

const utf8 = new TextEncoder();
/** strcmp() on UTF-8 bytes, as systemd's table sorts strings. */
function strcmp(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * systemd's table order: description descending, then name ascending. A row without description
 * is an empty cell, which systemd orders against any other cell by insertion order (reversed
 * with the column); that comparison is not transitive, so the result depends on the sort
 * algorithm, and this runs glibc's (a top-down merge sort, left element first on ties).
 */
const HEADER = -1;

export function sortedRows(rows: readonly ScoredCheck[]): ScoredCheck[] {
  const keys = rows.map((r) => ({ description: r.description === null ? null : utf8.encode(r.description), name: utf8.encode(r.check.id) }));
  const compare = (a: number, b: number): number => {
    if (a === HEADER || b === HEADER) return a === b ? 0 : a === HEADER ? -1 : 1;
    const da = keys[a]!.description;
    const db = keys[b]!.description;
    if (da === null || db === null) return -(a - b);
    const byDescription = strcmp(da, db);
    if (byDescription !== 0) return -byDescription;
    return strcmp(keys[a]!.name, keys[b]!.name) || a - b;
  };
  const mergeSort = (items: number[]): number[] => {
    if (items.length <= 1) return items;
    const half = Math.floor(items.length / 2);
    const left = mergeSort(items.slice(0, half));
    const right = mergeSort(items.slice(half));
    const out: number[] = [];
    while (left.length > 0 && right.length > 0) out.push((compare(left[0]!, right[0]!) <= 0 ? left : right).shift()!);
    return [...out, ...left, ...right];
  };
  // The header row takes part in the sort (it always comes first), so it shifts the halves.
  return mergeSort([HEADER, ...rows.map((_, i) => i)]).slice(1).map((i) => rows[i]!);
}
