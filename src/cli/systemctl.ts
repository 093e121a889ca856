// `nsbox systemctl`: the first verbs of systemctl against the daemon's control socket (start, stop,
// restart, status, is-active, show, cat, daemon-reload), with systemctl's wording and exit codes
// (0 ok; status 3 not running, 4 no such unit; start/stop of an unknown unit 5; is-active 3).
import { basename } from 'node:path';
import { NsboxError } from '../errors.js';
import { formatShort } from '../journal/format.js';
import { ManagerClient } from '../manager/client.js';
import { ManagerConnectionError } from '../manager/errors.js';
import { JobUnitNotFoundError } from '../manager/jobs.js';
import type { JobVerb, UnitStatus } from '../manager/protocol.js';
import { UnitNotLoadedError } from '../service/errors.js';
import { runningInChroot } from '../virt/facts.js';

const USAGE = `usage: nsbox systemctl [OPTIONS...] COMMAND [UNIT...]

Query or send control commands to the nsbox service manager.

Commands:
  start UNIT...          Start (activate) one or more units
  stop UNIT...           Stop (deactivate) one or more units
  restart UNIT...        Start or restart one or more units
  status UNIT...         Show runtime status of one or more units
  is-active UNIT...      Check whether units are active
  show UNIT...           Show properties of one or more units
  cat UNIT...            Show files and drop-ins of specified units
  daemon-reload          Reload the unit files

Options:
  -p --property=NAME     Show only properties by this name (show)
     --value             Print only the values of properties (show)
  -n --lines=N           Number of journal entries to show (status; default 10)
  -q --quiet             Suppress output
     --no-pager          Do not pipe output into a pager (there is none)
  -h --help              Show this help
`;

interface Options {
  properties: string[];
  value: boolean;
  lines: number;
  quiet: boolean;
}

/** systemctl's name mangling: a name without a type suffix is a service. */
const mangle = (name: string): string => (/\.(service|target|socket|timer|path|mount|automount|swap|slice|scope|device)$/.test(name) ? name : `${name}.service`);

export async function main(args: readonly string[]): Promise<number> {
  const opts: Options = { properties: [], value: false, lines: 10, quiet: false };
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const key = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? args[++i];
    if (key === '-h' || key === '--help') return (process.stdout.write(USAGE), 0);
    else if (key === '-p' || key === '--property') opts.properties.push(...(value() ?? '').split(',').filter(Boolean));
    else if (key.startsWith('-p') && key.length > 2 && !key.startsWith('--')) opts.properties.push(...key.slice(2).split(',').filter(Boolean));
    else if (key === '--value') opts.value = true;
    else if (key === '-n' || key === '--lines') opts.lines = Number(value());
    else if (key === '-q' || key === '--quiet') opts.quiet = true;
    else if (key === '--no-pager' || key === '--no-block' || key === '--no-legend' || key === '--plain') continue;
    else if (a.startsWith('-') && a !== '-') return (process.stderr.write(`systemctl: unrecognized option '${a}'\n`), 1);
    else words.push(a);
  }
  const [verb, ...names] = words;
  if (verb === undefined) return (process.stderr.write(USAGE), 1);
  if (!Number.isInteger(opts.lines) || opts.lines < 0) return (process.stderr.write('Failed to parse lines\n'), 1);
  // systemd 252: in a chroot (this root is not PID 1's) the verbs that need the manager do
  // nothing and succeed, so package scripts run in a chroot never reach the host's manager.
  // SYSTEMD_IGNORE_CHROOT=1 turns the check off, SYSTEMD_OFFLINE=1 turns it on.
  if (inChrootOrOffline()) {
    process.stderr.write(`Running in chroot, ignoring command '${verb}'\n`);
    return 0;
  }
  const client = new ManagerClient();
  const units = names.map(mangle);
  const needsUnits = verb !== 'daemon-reload';
  if (needsUnits && units.length === 0 && verb !== 'status') {
    process.stderr.write(`Too few arguments.\n`);
    return 1;
  }
  try {
    switch (verb) {
      case 'start': case 'stop': case 'restart': return await jobs(client, verb, units, opts);
      case 'status': return await status(client, units, opts);
      case 'is-active': return await isActive(client, units, opts);
      case 'show': return await show(client, units, opts);
      case 'cat': return await cat(client, units);
      case 'daemon-reload': return (await client.reload(), 0);
      default:
        process.stderr.write(`Unknown command verb '${verb}'.\n`);
        return 1;
    }
  } catch (e) {
    if (e instanceof ManagerConnectionError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function inChrootOrOffline(): boolean {
  const offline = process.env['SYSTEMD_OFFLINE'];
  if (offline === '1' || offline === 'yes' || offline === 'true') return true;
  const ignore = process.env['SYSTEMD_IGNORE_CHROOT'];
  if (ignore === '1' || ignore === 'yes' || ignore === 'true') return false;
  return runningInChroot() === true;
}

/** systemctl's explanation of a failed job, by the unit's Result= (systemd 252's job_result wording). */
function failureReason(result: string): string {
  switch (result) {
    case 'exit-code': return 'the control process exited with error code';
    case 'signal': case 'core-dump': return 'a fatal signal was delivered to the control process';
    case 'timeout': return 'a timeout was exceeded';
    case 'resources': return 'of unavailable resources or another system error';
    case 'protocol': return 'the service did not take the steps required by its unit configuration';
    case 'start-limit-hit': return 'the service was started too often';
    default: return `of result '${result}'`;
  }
}

async function jobs(client: ManagerClient, verb: JobVerb, units: readonly string[], opts: Options): Promise<number> {
  // All jobs at once, as systemctl enqueues them all before it waits; messages in the order named.
  const outcomes = await Promise.all(units.map((unit) => jobOutcome(client, verb, unit, opts)));
  for (const o of outcomes) process.stderr.write(o.message);
  return outcomes.reduce((rc, o) => Math.max(rc, o.rc), 0);
}

async function jobOutcome(client: ManagerClient, verb: JobVerb, unit: string, opts: Options): Promise<{ rc: number; message: string }> {
  try {
    const job = await client.job(unit, verb);
    // skipped: ExecCondition= skipped the unit, which systemctl counts as success.
    if (job.result === 'done' || job.result === 'skipped') return { rc: 0, message: '' };
    if (job.result === 'assert') return { rc: 1, message: `Assertion failed on job for ${unit}.\n` };
    if (job.result === 'invalid') return { rc: 1, message: `${unit} is not active, cannot reload.\n` };
    if (verb === 'reload') return { rc: 1, message: `Job for ${unit} failed.\nSee "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.\n` };
    if (job.result === 'dependency') return { rc: 1, message: `A dependency job for ${unit} failed. See 'journalctl -xe' for details.\n` };
    const st = await client.status(unit);
    return { rc: 1, message: `Job for ${unit} failed because ${failureReason(st.result)}.\nSee "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.\n` };
  } catch (e) {
    if (e instanceof JobUnitNotFoundError) {
      // systemd: stopping a unit it never loaded says "not loaded"; either way exit 5.
      return { rc: 5, message: verb === 'stop' ? `Failed to stop ${unit}: Unit ${unit} not loaded.\n` : `Failed to ${verb} ${unit}: ${e.message}\n` };
    }
    if (e instanceof UnitNotLoadedError) return { rc: 1, message: `Failed to ${verb} ${unit}: ${e.message}\n${opts.quiet ? '' : e.details.map((d) => `${d}\n`).join('')}` };
    // systemctl 252: `reload` of a unit without ExecReload= exits 3.
    if (e instanceof NsboxError && e.code === 'JOB_TYPE_NOT_APPLICABLE') return { rc: 3, message: `Failed to ${verb} ${unit}: ${e.message}\n` };
    if (e instanceof NsboxError && e.code.startsWith('JOB_')) return { rc: 1, message: `Failed to ${verb} ${unit}: ${e.message}\n` };
    throw e;
  }
}

async function isActive(client: ManagerClient, units: readonly string[], opts: Options): Promise<number> {
  let any = false;
  for (const unit of units) {
    const st = await client.status(unit);
    const state = st.loadState === 'not-found' && st.activeState === 'inactive' ? 'inactive' : st.activeState;
    if (state === 'active' || state === 'reloading') any = true;
    if (!opts.quiet) process.stdout.write(`${state}\n`);
  }
  return any ? 0 : 3;
}

async function show(client: ManagerClient, units: readonly string[], opts: Options): Promise<number> {
  const blocks: string[] = [];
  for (const unit of units) {
    const st = await client.status(unit);
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

async function cat(client: ManagerClient, units: readonly string[]): Promise<number> {
  let first = true;
  for (const unit of units) {
    let files: readonly { path: string; text: string }[];
    try {
      files = await client.files(unit);
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

async function status(client: ManagerClient, units: readonly string[], opts: Options): Promise<number> {
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
    const loadedExtra = st.fragmentPath !== undefined ? ` (${st.fragmentPath}; ${st.unitFileState}${st.unitFileState === 'static' || st.unitFileState === '' ? '' : '; preset: enabled'})` : '';
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
