// The verbs about the manager's units and jobs as a whole: list-units, list-jobs,
// is-system-running, kill, reset-failed, daemon-reload; systemctl 252's layout and exit codes.
import { constants as osConstants } from 'node:os';
import { NsboxError } from '../../errors.js';
import type { JobListEntry, UnitListEntry } from '../../manager/protocol.js';
import { globMatch } from '../../unit/install.js';
import type { VerbContext } from './options.js';
import { formatTable } from '../table.js';

const LEGEND = [
  'LOAD   = Reflects whether the unit definition was properly loaded.',
  'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.',
  'SUB    = The low-level unit activation state, values depend on unit type.',
];

/** systemctl's unit order: by type suffix, then by name, ignoring case. */
function compareUnits(a: string, b: string): number {
  const ci = (x: string, y: string): number => {
    const [lx, ly] = [x.toLowerCase(), y.toLowerCase()];
    return lx < ly ? -1 : lx > ly ? 1 : 0;
  };
  return ci(a.slice(a.lastIndexOf('.')), b.slice(b.lastIndexOf('.'))) || ci(a, b);
}

const lineList = (text: string): string[] => (text === '' ? [] : text.slice(0, -1).split('\n'));

const typeOf = (id: string): string => id.slice(id.lastIndexOf('.') + 1);

export async function listUnits({ client, args: patterns, opts }: VerbContext): Promise<number> {
  const [units, jobs] = await Promise.all([client().list(), client().jobs()]);
  const jobOf = new Map(jobs.map((j) => [j.unit, j.type]));
  const shown = units.filter((u) => {
    if (patterns.length > 0 && !patterns.some((p) => globMatch(p, u.id))) return false;
    if (opts.types.length > 0 && !opts.types.includes(typeOf(u.id))) return false;
    // --state matches the load, active or sub state (systemd's ListUnitsFiltered).
    if (opts.states.length > 0) return [u.loadState, u.activeState, u.subState].some((s) => opts.states.includes(s));
    if (opts.all) return true;
    return jobOf.has(u.id) || u.activeState !== 'inactive';
  }).sort((a, b) => compareUnits(a.id, b.id));
  const withJobs = shown.some((u) => jobOf.has(u.id));
  if (opts.output === 'json') {
    const rows = shown.map((u) => ({ unit: u.id, load: u.loadState, active: u.activeState, sub: u.subState, ...(withJobs ? { job: jobOf.get(u.id) ?? '' } : {}), description: u.description }));
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  const marked = (u: UnitListEntry): boolean => ['not-found', 'bad-setting', 'error', 'masked'].includes(u.loadState) || u.activeState === 'failed';
  const header = ['UNIT', 'LOAD', 'ACTIVE', 'SUB', ...(withJobs ? ['JOB'] : []), 'DESCRIPTION'];
  const rows = shown.map((u) => [u.id, u.loadState, u.activeState, u.subState, ...(withJobs ? [jobOf.get(u.id) ?? ''] : []), u.description]);
  const lines = lineList(formatTable(header, rows, opts.legend));
  // Without --plain, a column of bullets comes first: ● for a unit that failed or did not load.
  const bullets = [...(opts.legend ? [' '] : []), ...shown.map((u) => (marked(u) ? '●' : ' '))];
  const out = opts.plain ? lines : lines.map((l, i) => `${bullets[i]} ${l}`);
  if (opts.legend) {
    if (shown.length > 0) out.push('', ...LEGEND, ...(withJobs ? ['JOB    = Pending job for the unit.', ''] : []));
    const count = `${shown.length} loaded units listed.`;
    if (opts.all || opts.states.includes('inactive')) out.push(count, `To show all installed unit files use 'systemctl list-unit-files'.`);
    else if (opts.states.length === 0) out.push(`${count} Pass --all to see loaded but inactive units, too.`, `To show all installed unit files use 'systemctl list-unit-files'.`);
    else out.push(count);
  }
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

export async function listJobs({ client, args: patterns, opts }: VerbContext): Promise<number> {
  const jobs = (await client().jobs()).filter((j) => patterns.length === 0 || patterns.some((p) => globMatch(p, j.unit)));
  if (opts.output === 'json') {
    process.stdout.write(`${JSON.stringify(jobs.map((j: JobListEntry) => ({ job: j.id, unit: j.unit, type: j.type, state: j.state })))}\n`);
    return 0;
  }
  if (jobs.length === 0) {
    if (opts.legend) process.stdout.write('No jobs running.\n');
    return 0;
  }
  const lines = lineList(formatTable(['JOB', 'UNIT', 'TYPE', 'STATE'], jobs.map((j) => [String(j.id), j.unit, j.type, j.state]), opts.legend, new Set([0])));
  if (opts.legend) lines.push('', `${jobs.length} jobs listed.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/**
 * running, degraded (a unit failed), starting (jobs under way); offline in a chroot or when no
 * manager answers. Exit 0 only for running.
 */
export async function isSystemRunning({ client, opts, offline }: VerbContext): Promise<number> {
  const say = (state: string, rc: number): number => (opts.quiet || process.stdout.write(`${state}\n`), rc);
  if (offline) return say('offline', 1);
  let units: UnitListEntry[];
  let jobs: JobListEntry[];
  try {
    [units, jobs] = await Promise.all([client().list(), client().jobs()]);
  } catch (e) {
    if (e instanceof NsboxError && e.code === 'MANAGER_CONNECTION') return say('offline', 1);
    throw e;
  }
  if (units.some((u) => u.activeState === 'failed')) return say('degraded', 1);
  if (jobs.length > 0) return say('starting', 1);
  return say('running', 0);
}

/** `SIGKILL`, `KILL` or `9` -> the signal's name; undefined when it is none. */
export function parseSignal(text: string): NodeJS.Signals | undefined {
  const signals = osConstants.signals as Record<string, number>;
  if (/^\d+$/.test(text)) return Object.keys(signals).find((k) => signals[k] === Number(text)) as NodeJS.Signals | undefined;
  const name = text.startsWith('SIG') ? text : `SIG${text}`;
  return Object.hasOwn(signals, name) ? (name as NodeJS.Signals) : undefined;
}

export async function kill({ client, args: units, opts }: VerbContext): Promise<number> {
  const signal = parseSignal(opts.signal);
  if (signal === undefined) return (process.stderr.write(`Failed to parse signal string "${opts.signal}".\n`), 1);
  let rc = 0;
  for (const unit of units) {
    try {
      await client().kill(unit, signal, opts.killWhom);
    } catch (e) {
      if (!(e instanceof NsboxError) || e.code === 'MANAGER_CONNECTION') throw e;
      process.stderr.write(`Failed to kill unit ${unit}: ${e.message}\n`);
      rc = 1;
    }
  }
  return rc;
}

export async function resetFailed({ client, args: units }: VerbContext): Promise<number> {
  if (units.length === 0) return (await client().resetFailed(), 0);
  let rc = 0;
  for (const unit of units) {
    try {
      await client().resetFailed(unit);
    } catch (e) {
      if (!(e instanceof NsboxError) || e.code === 'MANAGER_CONNECTION') throw e;
      process.stderr.write(`Failed to reset failed state of unit ${unit}: ${e.message}\n`);
      rc = 1;
    }
  }
  return rc;
}

export async function daemonReload({ client }: VerbContext): Promise<number> {
  await client().reload();
  return 0;
}
