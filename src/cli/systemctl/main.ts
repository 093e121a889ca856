// `nsbox systemctl`: the verb table and systemctl 252's dispatch rules: argument counts ("Too few
// arguments."), verbs that need the manager refused with --root= and skipped in a chroot
// ("Running in chroot, ignoring command 'start'", exit 0), the unit-file verbs working on the
// files of whatever root they run in. Each verb group lives in a file of its own.
import { ManagerClient } from '../../manager/client.js';
import { ManagerConnectionError } from '../../manager/errors.js';
import { runningInChroot } from '../../virt/facts.js';
import { cat, isActive, isFailed, show, status } from './inspect.js';
import { jobs } from './jobs.js';
import { daemonReload, isSystemRunning, kill, listJobs, listUnits, resetFailed } from './manager-verbs.js';
import { mangle, parseArgs, USAGE, type VerbContext } from './options.js';

interface VerbSpec {
  /** Arguments after the verb, at least. */
  readonly min: number;
  readonly max?: number;
  /** systemd's VERB_ONLINE_ONLY: needs the manager. */
  readonly online: boolean;
  /** Arguments are unit names (mangled), not patterns. */
  readonly units: boolean;
  readonly run: (ctx: VerbContext, verb: string) => Promise<number>;
}

const online = (min: number, run: VerbSpec['run'], max?: number, units = true): VerbSpec => ({ min, online: true, units, run, ...(max !== undefined ? { max } : {}) });
const offline = (min: number, run: VerbSpec['run'], max?: number, units = true): VerbSpec => ({ min, online: false, units, run, ...(max !== undefined ? { max } : {}) });

// The unit-file verbs load the unit-file parser; the others should not pay for it at start.
const unitFiles = (pick: (m: typeof import('./unit-files.js')) => VerbSpec['run']): VerbSpec['run'] =>
  async (ctx, verb) => pick(await import('./unit-files.js'))(ctx, verb);
const unitFileVerb = unitFiles((m) => m.unitFileVerb);
const isEnabled = unitFiles((m) => m.isEnabled);
const listUnitFiles = unitFiles((m) => m.listUnitFiles);

const VERBS: Readonly<Record<string, VerbSpec>> = {
  'list-units': online(0, listUnits, undefined, false),
  'list-jobs': online(0, listJobs, undefined, false),
  start: online(1, jobs), stop: online(1, jobs), restart: online(1, jobs),
  reload: online(1, jobs), 'try-restart': online(1, jobs), 'reload-or-restart': online(1, jobs),
  kill: online(1, kill),
  'is-active': online(1, isActive), 'is-failed': online(1, isFailed),
  show: online(0, show), cat: online(1, cat), status: online(0, status),
  'daemon-reload': online(0, daemonReload, 0), 'reset-failed': online(0, resetFailed),
  'list-unit-files': offline(0, listUnitFiles, undefined, false),
  enable: offline(1, unitFileVerb), disable: offline(1, unitFileVerb), reenable: offline(1, unitFileVerb),
  preset: offline(1, unitFileVerb), mask: offline(1, unitFileVerb), unmask: offline(1, unitFileVerb),
  'is-enabled': offline(1, isEnabled),
  'is-system-running': offline(0, isSystemRunning, 0),
};

export async function main(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed.kind === 'exit') return parsed.code;
  const { opts, words } = parsed;
  const [verb = 'list-units', ...rest] = words;
  const spec = VERBS[verb];
  if (spec === undefined) {
    if (words.length === 0) process.stderr.write(USAGE);
    else process.stderr.write(`Unknown command verb '${verb}'.\n`);
    return 1;
  }
  if (rest.length < spec.min) return (process.stderr.write('Too few arguments.\n'), 1);
  if (spec.max !== undefined && rest.length > spec.max) return (process.stderr.write('Too many arguments.\n'), 1);
  if (spec.online && opts.root !== undefined) return (process.stderr.write(`Verb '${verb}' cannot be used with --root= or --image=.\n`), 1);
  const isOffline = inChrootOrOffline();
  // systemd 252: in a chroot (this root is not PID 1's) the verbs that need the manager do
  // nothing and succeed, so package scripts run in a chroot never reach the host's manager.
  if (spec.online && isOffline) {
    process.stderr.write(`Running in chroot, ignoring command '${verb}'\n`);
    return 0;
  }
  let client: ManagerClient | undefined;
  const ctx: VerbContext = { opts, args: spec.units ? rest.map(mangle) : rest, client: () => (client ??= new ManagerClient()), offline: isOffline };
  try {
    return await spec.run(ctx, verb);
  } catch (e) {
    if (e instanceof ManagerConnectionError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** running_in_chroot_or_offline(): SYSTEMD_OFFLINE=1 forces it, SYSTEMD_IGNORE_CHROOT=1 turns the chroot test off. */
function inChrootOrOffline(): boolean {
  const bool = (v: string | undefined): boolean | undefined =>
    v === undefined ? undefined : ['1', 'yes', 'y', 'true', 't', 'on'].includes(v) ? true : ['0', 'no', 'n', 'false', 'f', 'off'].includes(v) ? false : undefined;
  const offline = bool(process.env['SYSTEMD_OFFLINE']);
  if (offline !== undefined) return offline;
  if (bool(process.env['SYSTEMD_IGNORE_CHROOT']) === true) return false;
  return runningInChroot() === true;
}
