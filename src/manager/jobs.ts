// The job engine: a request (start, stop or restart of one unit) -> a transaction, the jobs of
// every unit it pulls in, merged and ordered, as systemd's transaction.c builds one. Pure: the
// unit graph is a lookup function, the result is a value the manager runs.
//
// - start X pulls in start of X's Requires=, BindsTo= and Wants= (recursively), stop of its
//   Conflicts= (and of the units that conflict with X); a missing Wants= is skipped, a missing
//   Requires=/BindsTo= fails the transaction (systemd: "Unit Y not found."). Requisite= starts
//   nothing: the job checks the unit is active when it runs (systemd's verify-active job).
// - stop X pulls in stop of the units that Require/BindsTo/PartOf X (they cannot run without it).
// - restart X is a restart of X, and pulls in what start X pulls in; for the units that require
//   X, a restart too (PartOf=/BindsTo= units follow, as systemd propagates restarts).
// - Jobs of one unit merge (start+start=start, start+restart=restart); start and stop of one unit
//   in one transaction is a conflict: systemd's "Transaction is destructive" family.
// - Order (After=/Before=, either side declaring it): two starts run in the declared order, two
//   stops in reverse, a stop always before a start. A cycle among jobs that must wait for each
//   other is an error naming the units (systemd breaks it by dropping a job; nsbox refuses).
import { NsboxError } from '../errors.js';

export type JobType = 'start' | 'stop' | 'restart';

/** What the engine needs to know of one unit. */
export interface UnitDependencies {
  readonly requires: readonly string[];
  readonly requisite: readonly string[];
  readonly wants: readonly string[];
  readonly bindsTo: readonly string[];
  readonly partOf: readonly string[];
  readonly conflicts: readonly string[];
  readonly after: readonly string[];
  readonly before: readonly string[];
}

/** The unit graph: a unit's dependencies, or undefined when no such unit exists. */
export type UnitLookup = (name: string) => UnitDependencies | undefined;

export interface PlannedJob {
  readonly unit: string;
  readonly type: JobType;
  /** Units whose jobs in this transaction must finish before this one runs. */
  readonly waitsFor: readonly string[];
  /**
   * Units whose start this job needs (Requires=/BindsTo= that are also ordered before it): when
   * their job fails, this one fails with result `dependency`.
   */
  readonly requiredJobs: readonly string[];
  /** Requisite= units: they must already be active when this job runs, or it fails with `dependency`. */
  readonly mustBeActive: readonly string[];
  /** The job the request named (the others were pulled in). */
  readonly anchor: boolean;
}

export class JobUnitNotFoundError extends NsboxError {
  readonly code = 'JOB_UNIT_NOT_FOUND';
  constructor(readonly unit: string, readonly neededBy?: string) {
    super(`Unit ${unit} not found.`);
    this.name = 'JobUnitNotFoundError';
  }
}

/** A job type the unit cannot take: `reload` of a unit without ExecReload= (systemctl exits 3 on it). */
export class JobTypeNotApplicableError extends NsboxError {
  readonly code = 'JOB_TYPE_NOT_APPLICABLE';
  constructor(readonly jobType: string, readonly unit: string) {
    super(`Job type ${jobType} is not applicable for unit ${unit}.`);
    this.name = 'JobTypeNotApplicableError';
  }
}

export class JobConflictError extends NsboxError {
  readonly code = 'JOB_CONFLICT';
  constructor(readonly unit: string, readonly first: JobType, readonly second: JobType) {
    super(`Transaction contains conflicting jobs '${first}' and '${second}' for ${unit}. Probably contradicting requirement dependencies configured.`);
    this.name = 'JobConflictError';
  }
}

export class JobOrderingCycleError extends NsboxError {
  readonly code = 'JOB_ORDERING_CYCLE';
  constructor(readonly units: readonly string[]) {
    super(`Found ordering cycle: ${units.join(' -> ')}`);
    this.name = 'JobOrderingCycleError';
  }
}

/** Merges two job types for one unit, or undefined when they conflict (systemd's job_type_merge). */
export function mergeJobTypes(a: JobType, b: JobType): JobType | undefined {
  if (a === b) return a;
  if ((a === 'start' && b === 'restart') || (a === 'restart' && b === 'start')) return 'restart';
  return undefined;
}

const startLike = (t: JobType): boolean => t === 'start' || t === 'restart';

/** The reverse edges (who requires, binds to, is part of, conflicts with X) over the units known. */
function reverseEdges(units: readonly string[], lookup: UnitLookup): { needs: Map<string, string[]>; conflictedBy: Map<string, string[]> } {
  const needs = new Map<string, string[]>();
  const conflictedBy = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, key: string, value: string): void => void (m.get(key) ?? m.set(key, []).get(key)!).push(value);
  for (const u of units) {
    const d = lookup(u);
    if (!d) continue;
    for (const t of [...d.requires, ...d.bindsTo, ...d.partOf]) add(needs, t, u);
    for (const t of d.conflicts) add(conflictedBy, t, u);
  }
  return { needs, conflictedBy };
}

/**
 * Builds the transaction for one request. `knownUnits` are the units whose reverse dependencies
 * count (the loaded ones); `isActive` tells which units need a stop at all.
 */
export function buildTransaction(
  request: { readonly unit: string; readonly type: JobType },
  lookup: UnitLookup,
  knownUnits: readonly string[],
  isActive: (unit: string) => boolean,
): PlannedJob[] {
  if (lookup(request.unit) === undefined) throw new JobUnitNotFoundError(request.unit);
  const reverse = reverseEdges([...new Set([...knownUnits, request.unit])], lookup);
  const jobs = new Map<string, JobType>();

  const add = (unit: string, type: JobType): boolean => {
    const had = jobs.get(unit);
    if (had === undefined) {
      jobs.set(unit, type);
      return true;
    }
    const merged = mergeJobTypes(had, type);
    if (merged === undefined) throw new JobConflictError(unit, had, type);
    jobs.set(unit, merged);
    return merged !== had;
  };

  const pullStart = (unit: string, type: JobType): void => {
    if (!add(unit, type)) return;
    const d = lookup(unit)!;
    for (const r of [...d.requires, ...d.bindsTo]) {
      if (lookup(r) === undefined) throw new JobUnitNotFoundError(r, unit);
      pullStart(r, 'start');
    }
    for (const w of d.wants) if (lookup(w) !== undefined) pullStart(w, 'start');
    for (const c of [...d.conflicts, ...(reverse.conflictedBy.get(unit) ?? [])]) if (lookup(c) !== undefined) pullStop(c);
    if (type === 'restart') for (const n of reverse.needs.get(unit) ?? []) if (isActive(n)) pullStart(n, 'restart');
  };

  const pullStop = (unit: string): void => {
    if (!add(unit, 'stop')) return;
    for (const n of reverse.needs.get(unit) ?? []) if (isActive(n)) pullStop(n);
  };

  if (startLike(request.type)) pullStart(request.unit, request.type);
  else pullStop(request.unit);

  return orderJobs(jobs, lookup, request.unit);
}

/** Whether job `b` must finish before job `a` runs, given that `a` is ordered After= `b`'s unit. */
function orderedFirst(aType: JobType, bType: JobType): 'b-first' | 'a-first' {
  // A stop goes before a start whichever way the ordering points (systemd.unit(5), Before=).
  if (aType === 'stop' && startLike(bType)) return 'a-first';
  if (startLike(aType) && bType === 'stop') return 'b-first';
  return startLike(aType) ? 'b-first' : 'a-first';
}

function orderJobs(jobs: ReadonlyMap<string, JobType>, lookup: UnitLookup, anchor: string): PlannedJob[] {
  const waits = new Map<string, Set<string>>([...jobs.keys()].map((u) => [u, new Set<string>()]));
  for (const [a, aType] of jobs) {
    const d = lookup(a)!;
    const later = (first: string, second: string): void => void waits.get(second)!.add(first);
    for (const b of d.after) {
      const bType = jobs.get(b);
      if (bType === undefined || b === a) continue;
      if (orderedFirst(aType, bType) === 'b-first') later(b, a);
      else later(a, b);
    }
    for (const b of d.before) {
      const bType = jobs.get(b);
      if (bType === undefined || b === a) continue;
      // a Before= b is b After= a.
      if (orderedFirst(bType, aType) === 'b-first') later(a, b);
      else later(b, a);
    }
  }
  const cycle = findCycle(waits);
  if (cycle) throw new JobOrderingCycleError(cycle);
  const out: PlannedJob[] = [];
  for (const [unit, type] of jobs) {
    const d = lookup(unit)!;
    const waitsFor = [...waits.get(unit)!].sort();
    const requiredJobs = startLike(type) ? [...d.requires, ...d.bindsTo].filter((r) => waitsFor.includes(r) && startLike(jobs.get(r)!)) : [];
    const mustBeActive = startLike(type) ? [...new Set(d.requisite)] : [];
    out.push({ unit, type, waitsFor, requiredJobs: [...new Set(requiredJobs)], mustBeActive, anchor: unit === anchor });
  }
  return out;
}

function findCycle(waits: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (u: string): string[] | undefined => {
    state.set(u, 'open');
    stack.push(u);
    for (const v of waits.get(u) ?? []) {
      if (state.get(v) === 'open') return [...stack.slice(stack.indexOf(v)), v];
      if (!state.has(v)) {
        const found = visit(v);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(u, 'done');
    return undefined;
  };
  for (const u of [...waits.keys()].sort()) {
    if (!state.has(u)) {
      const found = visit(u);
      if (found) return found;
    }
  }
  return undefined;
}

/** Jobs in an order that respects every wait (ties by unit name): for a sequential runner and for tests. */
export function runOrder(jobs: readonly PlannedJob[]): PlannedJob[] {
  const done = new Set<string>();
  const out: PlannedJob[] = [];
  const pending = [...jobs].sort((a, b) => a.unit.localeCompare(b.unit));
  while (pending.length > 0) {
    const i = pending.findIndex((j) => j.waitsFor.every((w) => done.has(w)));
    const [next] = pending.splice(i, 1);
    out.push(next!);
    done.add(next!.unit);
  }
  return out;
}
