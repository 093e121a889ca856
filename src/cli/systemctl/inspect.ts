// systemctl's inspection verbs against the daemon: status, show, cat, is-active, is-failed, with
// systemctl 252's wording and exit codes (status: 0 running, 3 not running, 4 no such unit;
// is-active: 0 if any unit is active, else 3; is-failed: 0 if any is failed, else 1).
import { basename } from 'node:path';
import { formatShort } from '../../journal/format.js';
import type { ManagerClient } from '../../manager/client.js';
import { JobUnitNotFoundError } from '../../manager/jobs.js';
import type { UnitStatus } from '../../manager/protocol.js';
import type { Options, VerbContext } from './options.js';

/** An unknown unit reads as inactive, whatever the manager calls it. */
const shownState = (st: UnitStatus): string => (st.loadState === 'not-found' && st.activeState === 'inactive' ? 'inactive' : st.activeState);

export async function isActive({ client, args, opts }: VerbContext): Promise<number> {
  let any = false;
  for (const unit of args) {
    const state = shownState(await client().status(unit));
    if (state === 'active' || state === 'reloading') any = true;
    if (!opts.quiet) process.stdout.write(`${state}\n`);
  }
  return any ? 0 : 3;
}

/** systemctl 252: prints each unit's active state; 0 when any is failed, else 1. */
export async function isFailed({ client, args, opts }: VerbContext): Promise<number> {
  let any = false;
  for (const unit of args) {
    const state = shownState(await client().status(unit));
    if (state === 'failed') any = true;
    if (!opts.quiet) process.stdout.write(`${state}\n`);
  }
  return any ? 0 : 1;
}

export async function show({ client, args, opts }: VerbContext): Promise<number> {
  const statuses = await Promise.all(args.map((u) => client().status(u)));
  if (opts.output === 'json') {
    const pick = (st: UnitStatus) => Object.fromEntries(st.properties.filter(([k]) => opts.properties.length === 0 || opts.properties.includes(k)));
    process.stdout.write(`${JSON.stringify(statuses.map(pick))}\n`);
    return 0;
  }
  const blocks: string[] = [];
  for (const st of statuses) {
    const wanted = opts.properties;
    // The manager's own order, whatever order -p named them in (systemd 252 does the same).
    const props = st.properties.filter(([k]) => wanted.length === 0 || wanted.includes(k));
    const lines = wanted.length > 0
      ? props.map(([k, v]) => (opts.value ? v : `${k}=${v}`))
      : props.filter(([, v]) => v !== '').map(([k, v]) => (opts.value ? v : `${k}=${v}`));
    blocks.push(lines.join('\n') + (lines.length ? '\n' : ''));
  }
  process.stdout.write(blocks.join('\n'));
  return 0;
}

export async function cat({ client, args }: VerbContext): Promise<number> {
  let first = true;
  for (const unit of args) {
    let files: readonly { path: string; text: string }[];
    try {
      files = await client().files(unit);
    } catch (e) {
      if (e instanceof JobUnitNotFoundError) {
        process.stderr.write(`No files found for ${unit}.\n`);
        return 1;
      }
      throw e;
    }
    for (const f of files) {
      process.stdout.write(`${first ? '' : '\n'}# ${f.path}\n${f.text}${f.text.endsWith('\n') || f.text === '' ? '' : '\n'}`);
      first = false;
    }
  }
  return 0;
}

const bullet = (st: UnitStatus): string => (st.activeState === 'failed' ? '×' : st.activeState === 'inactive' ? '○' : '●');

/** `5s ago`, `1min 3s ago`, `2h 5min ago`, `3 days ago`: systemd's relative timestamp, short. */
export function ago(us: number, nowUs: number): string {
  let s = Math.max(0, Math.floor((nowUs - us) / 1_000_000));
  if (s >= 86400 * 2) return `${Math.floor(s / 86400)} days ago`;
  const parts: string[] = [];
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) parts.push(`${h}h`);
  if (m > 0) parts.push(`${m}min`);
  if (h === 0 && (s > 0 || parts.length === 0)) parts.push(`${s}s`);
  return `${parts.join(' ')} ago`;
}

export async function status({ client, args, opts }: VerbContext): Promise<number> {
  if (args.length === 0 && opts.output !== 'json') return overview(client(), opts);
  // -o json with no unit named: every unit the manager has in memory.
  const units = args.length > 0 ? args : (await client().list()).map((u) => u.id);
  if (opts.output === 'json') {
    const all = await Promise.all(units.map((u) => client().status(u)));
    process.stdout.write(`${JSON.stringify(all.map(({ properties: _p, ...rest }) => rest))}\n`);
    return all.some((st) => st.loadState === 'not-found' && st.activeState === 'inactive') ? 4 : all.every((st) => st.activeState === 'active' || st.activeState === 'reloading') ? 0 : 3;
  }
  return statusText(client(), units, opts);
}

/**
 * `systemctl status` with no unit: the manager's state, counts, start time and version, then
 * its cgroup tree (each running unit's cgroup and the processes in it), as systemd 252 lays it out.
 */
async function overview(client: ManagerClient, opts: Options): Promise<number> {
  const [info, units, jobs] = await Promise.all([client.manager(), client.list(), client.jobs()]);
  const failed = units.filter((u) => u.activeState === 'failed').length;
  const state = failed > 0 ? 'degraded' : jobs.length > 0 ? 'starting' : 'running';
  if (opts.quiet) return 0;
  const out = [
    `● ${info.hostname}`,
    `    State: ${state}`,
    `    Units: ${units.length} loaded (incl. loaded aliases)`,
    `     Jobs: ${jobs.length} queued`,
    `   Failed: ${failed} units`,
    `    Since: ${info.startedText}; ${ago(info.startedUs, Date.now() * 1000)}`,
    `    nsbox: ${info.version}`,
    `   CGroup: ${info.cgroupPath ?? '/'}`,
  ];
  const running = (await Promise.all(units.filter((u) => u.activeState !== 'inactive').map((u) => client.status(u.id)))).filter((st) => st.tasks.length > 0);
  running.forEach((st, i) => {
    const last = i === running.length - 1;
    out.push(`           ${last ? '└─' : '├─'}${st.id}`);
    st.tasks.forEach((t, j) => out.push(`           ${last ? '  ' : '│ '}${j === st.tasks.length - 1 ? '└─' : '├─'}${t.pid} ${t.cmdline}`));
  });
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

async function statusText(client: ManagerClient, units: readonly string[], opts: Options): Promise<number> {
  let rc = 0;
  let first = true;
  for (const unit of units) {
    const st = await client.status(unit);
    if (st.loadState === 'not-found' && st.activeState === 'inactive') {
      process.stderr.write(`Unit ${unit} could not be found.\n`);
      rc = Math.max(rc, 4);
      continue;
    }
    if (st.activeState !== 'active' && st.activeState !== 'reloading') rc = Math.max(rc, 3);
    if (opts.quiet) continue;
    const out: string[] = [];
    if (!first) out.push('');
    first = false;
    out.push(`${bullet(st)} ${st.id}${st.description !== st.id ? ` - ${st.description}` : ''}`);
    const enablement = st.unitFileState === '' ? '' : `; ${st.unitFileState}${st.unitFilePreset !== undefined ? `; preset: ${st.unitFilePreset}` : ''}`;
    const loadedExtra = st.fragmentPath !== undefined ? ` (${st.fragmentPath}${enablement})` : '';
    out.push(`     Loaded: ${st.loadState}${loadedExtra}`);
    if (st.dropInPaths.length > 0) {
      const byDir = new Map<string, string[]>();
      for (const p of st.dropInPaths) (byDir.get(p.slice(0, p.lastIndexOf('/'))) ?? byDir.set(p.slice(0, p.lastIndexOf('/')), []).get(p.slice(0, p.lastIndexOf('/')))!).push(basename(p));
      let label = '    Drop-In: ';
      for (const [dir, names] of byDir) {
        out.push(`${label}${dir}`, `             └─${names.join(', ')}`);
        label = '             ';
      }
    }
    const since = st.stateChangeUs > 0 ? ` since ${timestampText(st)}; ${ago(st.stateChangeUs, Date.now() * 1000)}` : '';
    // systemd names a result other than success on an inactive unit too (ExecCondition='s exec-condition).
    const activeText = st.activeState === 'failed' ? `failed (Result: ${st.result})`
      : `${st.activeState} (${st.subState})${st.activeState === 'inactive' && st.result !== 'success' ? ` (Result: ${st.result})` : ''}`;
    out.push(`     Active: ${activeText}${since}`);
    const prop = (k: string): string => st.properties.find(([n]) => n === k)?.[1] ?? '';
    if (st.condition && !st.condition.met) {
      out.push(`  Condition: start condition failed at ${prop('ConditionTimestamp')}; ${ago(st.condition.timestampUs, Date.now() * 1000)}`);
      for (const c of st.condition.unmet) out.push(`             └─ ${c} was not met`);
    }
    if (st.assert && !st.assert.met) {
      // systemd 252 draws no tree glyph before the failed assertion.
      out.push(`     Assert: start assertion failed at ${prop('AssertTimestamp')}; ${ago(st.assert.timestampUs, Date.now() * 1000)}`);
      for (const c of st.assert.unmet) out.push(`             ${c} was not met`);
    }
    if (st.needDaemonReload) out.push(`Warning: The unit file, source configuration file or drop-ins of ${st.id} changed on disk. Run 'systemctl daemon-reload' to reload units.`);
    for (const p of st.processes) {
      out.push(`    Process: ${p.pid} ${p.kind}=${p.argv.join(' ')} (code=${p.code}, ${p.statusText})`);
    }
    if (st.mainPid > 0) {
      out.push(`   Main PID: ${st.mainPid} (${st.mainComm ?? 'running'})`);
    }
    if (st.statusText !== '') out.push(`     Status: "${st.statusText}"`);
    if (st.tasks.length > 0) out.push(`      Tasks: ${st.tasks.length}`);
    if (st.cgroupPath !== undefined && st.tasks.length > 0) {
      out.push(`     CGroup: ${st.cgroupPath}`);
      st.tasks.forEach((t, i) => out.push(`             ${i === st.tasks.length - 1 ? '└─' : '├─'}${t.pid} ${t.cmdline}`));
    }
    if (opts.lines > 0) {
      const journal = await client.journal({ unit: st.id, last: opts.lines });
      if (journal.entries.length > 0) out.push('', ...journal.entries.map((e) => formatShort(e, journal.hostname)));
    }
    process.stdout.write(out.join('\n') + '\n');
  }
  return rc;
}

/** The Active: line's timestamp: the property the manager formatted, so both show the same text. */
const timestampText = (st: UnitStatus): string => st.properties.find(([k]) => k === 'StateChangeTimestamp')?.[1] ?? '';
