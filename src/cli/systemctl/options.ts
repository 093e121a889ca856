// systemctl's command line: options, their values, and the words left (verb and units).
import type { ManagerClient } from '../../manager/client.js';
import { UNIT_TYPES } from '../../unit/unit-name.js';

export const USAGE = `usage: nsbox systemctl [OPTIONS...] COMMAND [UNIT...]

Query or send control commands to the nsbox service manager.

Unit Commands:
  list-units [PATTERN...]        List units currently in memory
  is-active UNIT...              Check whether units are active
  is-failed [UNIT...]            Check whether units are failed or system is in degraded state
  status [UNIT...]               Show runtime status of one or more units
  show UNIT...                   Show properties of one or more units
  cat UNIT...                    Show files and drop-ins of specified units
  start UNIT...                  Start (activate) one or more units
  stop UNIT...                   Stop (deactivate) one or more units
  reload UNIT...                 Reload one or more units
  restart UNIT...                Start or restart one or more units
  try-restart UNIT...            Restart one or more units if active
  reload-or-restart UNIT...      Reload one or more units if possible, otherwise start or restart
  kill UNIT...                   Send signal to processes of a unit
  reset-failed [UNIT...]         Reset failed state for all, one, or more units

Unit File Commands:
  list-unit-files [PATTERN...]   List installed unit files
  enable UNIT...                 Enable one or more unit files
  disable UNIT...                Disable one or more unit files
  reenable UNIT...               Reenable one or more unit files
  preset UNIT...                 Enable/disable one or more unit files based on preset configuration
  is-enabled UNIT...             Check whether unit files are enabled
  mask UNIT...                   Mask one or more units
  unmask UNIT...                 Unmask one or more units

Job Commands:
  list-jobs [PATTERN...]         List jobs

Manager State Commands:
  daemon-reload                  Reload the unit files
  is-system-running              Check whether system is fully running

Options:
  -t --type=TYPE         List units of a particular type
     --state=STATE       List units with particular LOAD or SUB or ACTIVE state
     --failed            Shortcut for --state=failed
  -a --all               Show all units, including inactive ones
  -p --property=NAME     Show only properties by this name (show)
     --value             Print only the values of properties (show)
  -s --signal=SIGNAL     Which signal to send (kill)
     --kill-whom=WHOM    Whom to send the signal to: main, control, all (kill)
     --now               Start or stop the unit after enabling or disabling it
     --runtime           Enable, disable or mask unit files until the next reboot
     --root=PATH         Operate on the unit files below this directory
  -f --force             Overwrite conflicting links (enable, mask)
     --no-reload         Do not reload the manager after enable/disable/mask
     --wait              Wait until the started units end again
     --no-block          Do not wait until the operation finished
  -o --output=MODE       json for list-units, status and show (one JSON document)
  -n --lines=N           Number of journal entries to show (status; default 10)
     --plain             Print units without a tree or bullets
     --no-legend         Do not print the header and the footer
  -q --quiet             Suppress output
     --no-pager          Do not pipe output into a pager (there is none)
  -h --help              Show this help
`;

export interface Options {
  properties: string[];
  value: boolean;
  lines: number;
  quiet: boolean;
  types: string[];
  states: string[];
  all: boolean;
  plain: boolean;
  legend: boolean;
  signal: string;
  killWhom: 'main' | 'control' | 'all';
  now: boolean;
  runtime: boolean;
  force: boolean;
  reload: boolean;
  root?: string;
  wait: boolean;
  block: boolean;
  output?: 'json';
}

export type Parsed = { kind: 'ok'; opts: Options; words: string[] } | { kind: 'exit'; code: number };

/** `-t help`'s list, in systemctl 252's order. */
const HELP_TYPES = ['service', 'mount', 'swap', 'socket', 'target', 'device', 'automount', 'timer', 'path', 'slice', 'scope'];
const LOAD_STATES = ['stub', 'loaded', 'not-found', 'bad-setting', 'error', 'merged', 'masked'];

const fail = (message: string): Parsed => (process.stderr.write(`${message}\n`), { kind: 'exit', code: 1 });

export function parseArgs(args: readonly string[]): Parsed {
  const opts: Options = {
    properties: [], value: false, lines: 10, quiet: false, types: [], states: [], all: false, plain: false, legend: true,
    signal: 'SIGTERM', killWhom: 'all', now: false, runtime: false, force: false, reload: true, wait: false, block: true,
  };
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      words.push(...args.slice(i + 1));
      break;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    // `-pFOO`, `-tservice`, `-sKILL`, `-n5`, `-ojson`: a short option with its value attached.
    const short = !a.startsWith('--') && a.length > 2 && a.startsWith('-') && 'ptsno'.includes(a[1]!);
    const key = eq > 0 ? a.slice(0, eq) : short ? a.slice(0, 2) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : short ? a.slice(2) : undefined;
    const value = (): string => inline ?? args[++i] ?? '';
    const list = (): string[] => value().split(',').filter(Boolean);
    switch (key) {
      case '-h': case '--help': process.stdout.write(USAGE); return { kind: 'exit', code: 0 };
      case '-p': case '--property': opts.properties.push(...list()); break;
      case '--value': opts.value = true; break;
      case '-n': case '--lines': opts.lines = Number(value()); break;
      case '-q': case '--quiet': opts.quiet = true; break;
      case '-t': case '--type': {
        for (const t of list()) {
          if (t === 'help') return (process.stdout.write(`Available unit types:\n${HELP_TYPES.join('\n')}\n`), { kind: 'exit', code: 0 });
          if ((UNIT_TYPES as readonly string[]).includes(t)) opts.types.push(t);
          else if (LOAD_STATES.includes(t)) opts.states.push(t);
          else return fail(`Unknown unit type or load state '${t}'.\nUse -t help to see a list of allowed values.`);
        }
        break;
      }
      case '--state': opts.states.push(...list()); break;
      case '--failed': opts.states.push('failed'); break;
      case '-a': case '--all': opts.all = true; break;
      case '--plain': opts.plain = true; break;
      case '--no-legend': opts.legend = false; break;
      case '--legend': opts.legend = value() !== 'no'; break;
      case '-s': case '--signal': opts.signal = value(); break;
      case '--kill-whom': {
        const w = value();
        if (w !== 'main' && w !== 'control' && w !== 'all') return fail(`Invalid kill-whom value: ${w}`);
        opts.killWhom = w;
        break;
      }
      case '--now': opts.now = true; break;
      case '--runtime': opts.runtime = true; break;
      case '-f': case '--force': opts.force = true; break;
      case '--no-reload': opts.reload = false; break;
      case '--root': opts.root = value(); break;
      case '--wait': opts.wait = true; break;
      case '--no-block': opts.block = false; break;
      case '-o': case '--output': {
        const mode = value();
        if (mode !== 'json' && mode !== 'json-pretty' && mode !== 'short') return fail(`Unknown output '${mode}'.`);
        if (mode !== 'short') opts.output = 'json';
        break;
      }
      case '--no-pager': case '--full': case '-l': case '--no-ask-password': break;
      default:
        if (a.startsWith('-') && a !== '-') return fail(`systemctl: unrecognized option '${a}'`);
        words.push(a);
    }
  }
  if (!Number.isInteger(opts.lines) || opts.lines < 0) return fail('Failed to parse lines');
  if (opts.wait && !opts.block) return fail('--wait may not be combined with --no-block.');
  return { kind: 'ok', opts, words };
}

const SUFFIX = new RegExp(`\\.(${UNIT_TYPES.join('|')})$`);

/** systemctl's name mangling: a name without a type suffix is a service. */
export const mangle = (name: string): string => (SUFFIX.test(name) ? name : `${name}.service`);

export interface VerbContext {
  readonly opts: Options;
  /** The words after the verb: units (mangled for the verbs that take units) or patterns. */
  readonly args: readonly string[];
  readonly client: () => ManagerClient;
  /** In a chroot or SYSTEMD_OFFLINE=1: the manager is not to be talked to. */
  readonly offline: boolean;
}
