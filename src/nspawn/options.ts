// systemd-nspawn's command line, as ONE table: name, short letter, argument, parser -> field.
// Parsing stops at the first non-option (nspawn's getopt uses "+"), so `nsbox nspawn -D t ls -l`
// hands `-l` to ls. Options nspawn has and nsbox lacks are listed too, and refused by name.
import { parseBoolean } from '../unit/values.js';
import { parseCredential, type CredentialSpec } from './credentials.js';
import { parseVolatileMode, type VolatileMode } from './volatile.js';
import { capabilityNumber } from '../plan/capabilities.js';
import type { Rlimit, RlimitValue } from '../plan/types.js';
import { splitColons } from './colon-list.js';
import { NspawnUnsupportedError, NspawnUsageError } from './errors.js';
import { parseResolvConfMode, parseTimezoneMode, type ResolvConfMode, type TimezoneMode } from './host-files.js';
import { parseOverlaySpec, type OverlaySpec } from './overlay.js';
import { parseMachineUuid, parseOomScoreAdjust, parsePersonality, parseRlimitAssignment } from './process-options.js';
import { parseCpuList } from './cpu-affinity.js';
import { parseOwnership, parsePrivateUsers, type Ownership, type PrivateUsers } from './private-users.js';
import { parseSystemCallFilter } from './seccomp.js';
import { parseSignal } from './signals.js';
import { parseTmpfsOptions, type TmpfsOptions } from './tmpfs-options.js';

export { splitColons } from './colon-list.js';

export type ConsoleOption = 'interactive' | 'read-only' | 'passive' | 'pipe' | 'autopipe';

export interface BindSpec {
  /** Absolute host path, or relative to the tree when given with nspawn's `+` prefix. */
  readonly source: string;
  readonly sourceInTree: boolean;
  readonly target: string;
  readonly readOnly: boolean;
  readonly recursive: boolean;
}

export interface TmpfsSpec {
  readonly target: string;
  readonly options: TmpfsOptions;
}

/** 'all' or a list of capability numbers. */
export type CapabilityArg = 'all' | readonly number[];

/** --settings=: read NAME.nspawn (yes), not at all (no), let it win over the command line
 * (override), or apply its privileged settings wherever it was found (trusted). */
export type SettingsMode = 'yes' | 'no' | 'override' | 'trusted';

/**
 * What a .nspawn file may set too. An option in a group marks the group as fixed by the command
 * line, and the file's keys of that group are then ignored whole (nspawn's arg_settings_mask): one
 * -E drops every Environment= line, one --tmpfs every Bind=.
 */
export type SettingGroup =
  | 'start-mode' | 'ephemeral' | 'working-directory' | 'environment' | 'user' | 'capability'
  | 'kill-signal' | 'read-only' | 'custom-mounts' | 'network' | 'hostname' | 'notify-ready'
  | 'personality' | 'machine-id' | 'no-new-privileges' | 'oom-score-adjust' | `rlimit-${Rlimit}`
  | 'resolv-conf' | 'timezone' | 'syscall-filter' | 'suppress-sync' | 'cpu-affinity' | 'volatile' | 'userns';

export interface NspawnOptions {
  readonly directory?: string;
  readonly machine?: string;
  readonly boot: boolean;
  readonly asPid2: boolean;
  readonly user?: string;
  readonly chdir?: string;
  /** NAME=VALUE, or NAME alone (taken from the caller's environment by the CLI). */
  readonly setenv: readonly string[];
  readonly binds: readonly BindSpec[];
  readonly tmpfs: readonly TmpfsSpec[];
  readonly overlays: readonly OverlaySpec[];
  /** Paths inside the tree over-mounted with an empty, mode-000 node of their own type. */
  readonly inaccessible: readonly string[];
  readonly readOnly: boolean;
  readonly privateNetwork: boolean;
  readonly hostname?: string;
  readonly capability: readonly CapabilityArg[];
  readonly dropCapability: readonly CapabilityArg[];
  /** Raised into the payload's inheritable and ambient sets; within the retained set, not with --boot. */
  readonly ambientCapability: readonly number[];
  readonly noNewPrivileges: boolean;
  /** Added to nspawn's seccomp allow list, and skipped wherever it meets them (see seccomp.ts). */
  readonly systemCallAllow: readonly string[];
  readonly systemCallDeny: readonly string[];
  /** sync(2) and friends succeed without doing anything; O_SYNC opens fail (see seccomp.ts). */
  readonly suppressSync: boolean;
  /** CPUs the payload may run on, sorted; absent: the caller's affinity. */
  readonly cpuAffinity?: readonly number[];
  /** --rlimit=: replaces nspawn's default for that resource (RLIMIT_NOFILE soft 1024). */
  readonly rlimits: Readonly<Partial<Record<Rlimit, RlimitValue>>>;
  readonly oomScoreAdjust?: number;
  /** personality(2) value (--personality=x86 is PER_LINUX32). */
  readonly personality?: number;
  /** container_uuid when the tree has no machine id of its own (lower-case UUID). */
  readonly uuid?: string;
  readonly killSignal?: number;
  /** What happens to /etc/resolv.conf and /etc/localtime in the tree (nspawn's default: auto). */
  readonly resolvConf: ResolvConfMode;
  readonly timezone: TimezoneMode;
  readonly quiet: boolean;
  readonly console?: ConsoleOption;
  readonly register: boolean;
  readonly keepUnit: boolean;
  readonly ephemeral: boolean;
  /** Tell nsbox's own manager READY=1 when the payload says so, rather than once it has started. */
  readonly notifyReady: boolean;
  readonly volatile: VolatileMode;
  /** --private-users= (-U: pick); 'no' by default, as nspawn run by hand. */
  readonly privateUsers: PrivateUsers;
  /** --private-users-ownership=; absent: nspawn's default for the mode (effectiveOwnership). */
  readonly privateUsersOwnership?: Ownership;
  /** --set-credential and --load-credential, in order. */
  readonly credentials: readonly CredentialSpec[];
  readonly settings: SettingsMode;
  /** Groups the command line set, in the order first met; see SettingGroup. */
  readonly fixedByCommandLine: readonly SettingGroup[];
  readonly help: boolean;
  readonly version: boolean;
  /** The command and its arguments; in boot mode, arguments for init. */
  readonly command: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type Draft = Mutable<NspawnOptions>;

export const defaultOptions = (): Draft => ({
  boot: false, asPid2: false, setenv: [], binds: [], tmpfs: [], overlays: [], inaccessible: [], readOnly: false, privateNetwork: false,
  capability: [], dropCapability: [], ambientCapability: [], noNewPrivileges: false, systemCallAllow: [], systemCallDeny: [], suppressSync: false, rlimits: {}, resolvConf: 'auto', timezone: 'auto', quiet: false, register: true, keepUnit: false, ephemeral: false,
  notifyReady: false, volatile: 'no', privateUsers: { mode: 'no' }, credentials: [], settings: 'yes', fixedByCommandLine: [], help: false, version: false, command: [],
});

export interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  /** An option with a letter and no long name (-U): `long` is only its key in this table. */
  readonly shortOnly?: true;
  /** 'optional': only as `--name=VALUE` (getopt's optional_argument); alone, the value is ''. */
  readonly arg: 'none' | 'required' | 'optional';
  readonly help: string;
  /** Set when a .nspawn key sets the same thing: the command line then wins. */
  readonly setting?: SettingGroup;
  readonly apply: (draft: Draft, value: string, option: string) => void;
}

const CONSOLE_MODES: readonly ConsoleOption[] = ['interactive', 'read-only', 'passive', 'pipe', 'autopipe'];

/** A boolean option: the spellings of unit files (unit/values.ts), the error naming the option. */
function parseBooleanOption(option: string, value: string): boolean {
  try {
    return parseBoolean(value);
  } catch {
    throw new NspawnUsageError(option, `expects a boolean, got "${value}"`);
  }
}

/** nspawn takes any boolean spelling for yes and no. */
function parseSettingsMode(option: string, value: string): SettingsMode {
  if (value === 'override' || value === 'trusted') return value;
  try {
    return parseBooleanOption(option, value) ? 'yes' : 'no';
  } catch {
    throw new NspawnUsageError(option, `expects a boolean, override or trusted, got "${value}"`);
  }
}

function parseCapabilities(option: string, value: string): CapabilityArg {
  if (value === 'all') return 'all';
  return value.split(',').map((name) => {
    const n = capabilityNumber(name.trim());
    if (n === undefined) throw new NspawnUsageError(option, `unknown capability "${name}"`);
    return n;
  });
}

/** --ambient-capability=: a list as --capability=, but never `all` (nspawn refuses it too). */
function parseAmbient(option: string, value: string): readonly number[] {
  const caps = parseCapabilities(option, value);
  if (caps === 'all') throw new NspawnUsageError(option, 'does not support the value all');
  return caps;
}

function absolute(option: string, path: string): string {
  if (!path.startsWith('/')) throw new NspawnUsageError(option, `"${path}" is not an absolute path`);
  return path;
}

/** --bind=SRC[:DST[:OPTS]]: OPTS is rbind (default) or norbind; `+SRC` is inside the tree. */
export function parseBindSpec(option: string, value: string, readOnly: boolean): BindSpec {
  const [src = '', dst, opts, ...rest] = splitColons(value);
  if (rest.length > 0) throw new NspawnUsageError(option, `too many ':' in "${value}"`);
  const sourceInTree = src.startsWith('+');
  const source = sourceInTree ? `/${src.slice(1).replace(/^\/+/, '')}` : absolute(option, src);
  const target = absolute(option, dst === undefined || dst === '' ? source : dst);
  let recursive = true;
  for (const opt of (opts ?? '').split(',').filter(Boolean)) {
    if (opt === 'rbind') recursive = true;
    else if (opt === 'norbind') recursive = false;
    else if (opt === 'idmap' || opt === 'noidmap') throw new NspawnUnsupportedError(`${option} option ${opt}`);
    else throw new NspawnUsageError(option, `unknown bind option "${opt}"`);
  }
  return { source, sourceInTree, target, readOnly, recursive };
}

function validMachineName(option: string, name: string): string {
  // machine_name_is_valid(): a hostname of at most 64 characters.
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(name) || name.includes('..')) {
    throw new NspawnUsageError(option, `invalid machine name "${name}"`);
  }
  return name;
}

export const OPTIONS: readonly OptionSpec[] = [
  { long: 'help', short: 'h', arg: 'none', help: 'Show this help', apply: (d) => (d.help = true) },
  { long: 'version', arg: 'none', help: 'Print the version', apply: (d) => (d.version = true) },
  { long: 'directory', short: 'D', arg: 'required', help: 'Root directory of the container', apply: (d, v) => (d.directory = v) },
  { long: 'machine', short: 'M', arg: 'required', help: 'Machine name (default: the directory name)', apply: (d, v, o) => (d.machine = validMachineName(o, v)) },
  { long: 'boot', short: 'b', arg: 'none', setting: 'start-mode', help: "Boot the tree's init as PID 1", apply: (d) => (d.boot = true) },
  { long: 'as-pid2', short: 'a', arg: 'none', setting: 'start-mode', help: 'Run the command as PID 2 under a stub init', apply: (d) => (d.asPid2 = true) },
  { long: 'user', short: 'u', arg: 'required', setting: 'user', help: 'Run the command as this user of the tree', apply: (d, v) => (d.user = v) },
  { long: 'chdir', arg: 'required', setting: 'working-directory', help: 'Working directory inside the container', apply: (d, v, o) => (d.chdir = absolute(o, v)) },
  { long: 'setenv', short: 'E', arg: 'required', setting: 'environment', help: 'Set an environment variable (NAME=VALUE or NAME)', apply: (d, v, o) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*(=|$)/.test(v)) throw new NspawnUsageError(o, `invalid environment assignment "${v}"`);
      d.setenv.push(v);
    } },
  { long: 'bind', arg: 'required', setting: 'custom-mounts', help: 'Bind a host path (SRC[:DST[:rbind|norbind]])', apply: (d, v, o) => d.binds.push(parseBindSpec(o, v, false)) },
  { long: 'bind-ro', arg: 'required', setting: 'custom-mounts', help: 'Bind a host path read-only', apply: (d, v, o) => d.binds.push(parseBindSpec(o, v, true)) },
  { long: 'tmpfs', arg: 'required', setting: 'custom-mounts', help: 'Mount a tmpfs (PATH[:OPTIONS])', apply: (d, v, o) => {
      const [target = '', ...opts] = splitColons(v);
      d.tmpfs.push({ target: absolute(o, target), options: parseTmpfsOptions(o, opts.join(':')) });
    } },
  { long: 'overlay', arg: 'required', setting: 'custom-mounts', help: 'Mount an overlay (LOWER...:UPPER:PATH; empty UPPER: throwaway)', apply: (d, v, o) => d.overlays.push(parseOverlaySpec(o, v, false)) },
  { long: 'overlay-ro', arg: 'required', setting: 'custom-mounts', help: 'Mount a read-only overlay (LOWER...:UPPER:PATH)', apply: (d, v, o) => d.overlays.push(parseOverlaySpec(o, v, true)) },
  { long: 'inaccessible', arg: 'required', setting: 'custom-mounts', help: 'Over-mount a path with an empty, inaccessible node', apply: (d, v, o) => d.inaccessible.push(absolute(o, v)) },
  { long: 'read-only', arg: 'none', setting: 'read-only', help: 'Mount the root read-only', apply: (d) => (d.readOnly = true) },
  { long: 'private-network', arg: 'none', setting: 'network', help: 'Only a loopback device; keeps CAP_NET_ADMIN', apply: (d) => (d.privateNetwork = true) },
  { long: 'hostname', arg: 'required', setting: 'hostname', help: 'Hostname (default: the machine name)', apply: (d, v, o) => (d.hostname = validMachineName(o, v)) },
  { long: 'capability', arg: 'required', setting: 'capability', help: 'Grant capabilities beyond the default set', apply: (d, v, o) => d.capability.push(parseCapabilities(o, v)) },
  { long: 'drop-capability', arg: 'required', setting: 'capability', help: 'Drop capabilities from the default set', apply: (d, v, o) => d.dropCapability.push(parseCapabilities(o, v)) },
  { long: 'ambient-capability', arg: 'required', setting: 'capability', help: 'Pass capabilities on in the ambient set', apply: (d, v, o) => d.ambientCapability.push(...parseAmbient(o, v)) },
  { long: 'no-new-privileges', arg: 'required', setting: 'no-new-privileges', help: 'Set the no_new_privs flag for the payload', apply: (d, v, o) => (d.noNewPrivileges = parseBooleanOption(o, v)) },
  { long: 'system-call-filter', arg: 'required', setting: 'syscall-filter', help: 'Allow system calls or @groups, or deny them with ~ first', apply: (d, v) => {
      const { deny, names } = parseSystemCallFilter(v);
      (deny ? d.systemCallDeny : d.systemCallAllow).push(...names);
    } },
  { long: 'suppress-sync', arg: 'required', setting: 'suppress-sync', help: 'yes: make sync calls succeed without syncing', apply: (d, v, o) => (d.suppressSync = parseBooleanOption(o, v)) },
  { long: 'cpu-affinity', arg: 'required', setting: 'cpu-affinity', help: 'CPUs to run on (e.g. 0,2-3); empty: all', apply: (d, v, o) => {
      const list = parseCpuList(v);
      if (list.kind === 'invalid') throw new NspawnUsageError(o, `invalid CPU list "${v}": ${list.word}: ${list.reason}`);
      // nspawn skips a reversed range silently and then fails to start with what is left.
      if (list.cpus.length === 0 && v.trim() !== '') throw new NspawnUsageError(o, `no CPU left in "${v}" (a range LOW-HIGH needs LOW <= HIGH)`);
      // The last one counts, as in nspawn; an empty one takes it back.
      if (list.cpus.length > 0) d.cpuAffinity = list.cpus;
      else delete d.cpuAffinity;
    } },
  { long: 'rlimit', arg: 'required', help: 'Set a resource limit (RLIMIT_NAME=SOFT[:HARD])', apply: (d, v, o) => {
      const { resource, limit } = parseRlimitAssignment(o, v);
      d.rlimits = { ...d.rlimits, [resource]: limit };
      fix(d, `rlimit-${resource}`);
    } },
  { long: 'oom-score-adjust', arg: 'required', setting: 'oom-score-adjust', help: 'OOM score adjustment of the payload (-1000...1000)', apply: (d, v, o) => (d.oomScoreAdjust = parseOomScoreAdjust(o, v)) },
  { long: 'personality', arg: 'required', setting: 'personality', help: 'Architecture uname reports: x86 or x86-64', apply: (d, v, o) => (d.personality = parsePersonality(o, v)) },
  { long: 'uuid', arg: 'required', setting: 'machine-id', help: "Container UUID, unless the tree has a machine id", apply: (d, v, o) => (d.uuid = parseMachineUuid(o, v)) },
  { long: 'kill-signal', arg: 'required', setting: 'kill-signal', help: 'Signal that asks the container to stop', apply: (d, v, o) => {
      const n = parseSignal(v);
      if (n === undefined) throw new NspawnUsageError(o, `unknown signal "${v}"`);
      d.killSignal = n;
    } },
  { long: 'resolv-conf', arg: 'required', setting: 'resolv-conf', help: '/etc/resolv.conf: auto, off, copy-host or bind-host/static/uplink/stub', apply: (d, v, o) => (d.resolvConf = parseResolvConfMode(o, v)) },
  { long: 'timezone', arg: 'required', setting: 'timezone', help: '/etc/localtime: auto, off or bind', apply: (d, v, o) => (d.timezone = parseTimezoneMode(o, v)) },
  { long: 'quiet', short: 'q', arg: 'none', help: 'Do not print status messages', apply: (d) => (d.quiet = true) },
  { long: 'pipe', short: 'P', arg: 'none', help: 'Pass stdio straight through (same as --console=pipe)', apply: (d) => (d.console = 'pipe') },
  { long: 'console', arg: 'required', help: 'interactive, read-only, passive, pipe or autopipe', apply: (d, v, o) => {
      if (!(CONSOLE_MODES as readonly string[]).includes(v)) throw new NspawnUsageError(o, `unknown console mode "${v}"`);
      d.console = v as ConsoleOption;
    } },
  { long: 'register', arg: 'required', help: 'Accepted; nsbox registers under /run/nsbox/machines', apply: (d, v, o) => (d.register = parseBooleanOption(o, v)) },
  { long: 'keep-unit', arg: 'none', help: 'Accepted; nsbox creates no unit', apply: (d) => (d.keepUnit = true) },
  { long: 'volatile', arg: 'optional', setting: 'volatile', help: 'state: the tree read-only, /var a tmpfs; overlay: a throwaway overlay', apply: (d, v, o) => (d.volatile = parseVolatileMode(o, v)) },
  { long: 'set-credential', arg: 'required', help: 'A credential for the payload (ID:VALUE, C escapes resolved)', apply: (d, v) => d.credentials.push(parseCredential('--set-credential', v, d.credentials)) },
  { long: 'load-credential', arg: 'required', help: 'A credential for the payload, read from a file (ID:PATH)', apply: (d, v) => d.credentials.push(parseCredential('--load-credential', v, d.credentials)) },
  { long: 'notify-ready', arg: 'required', setting: 'notify-ready', help: 'yes: pass READY=1 on when the payload sends it', apply: (d, v, o) => (d.notifyReady = parseBooleanOption(o, v)) },
  { long: 'settings', arg: 'required', help: 'Read NAME.nspawn: yes, no, override or trusted', apply: (d, v, o) => (d.settings = parseSettingsMode(o, v)) },
  { long: 'private-users', arg: 'optional', setting: 'userns', help: 'User namespace: yes, no, pick, identity or UID[:COUNT]', apply: (d, v, o) => (d.privateUsers = parsePrivateUsers(o, v)) },
  { long: 'private-users-ownership', arg: 'required', setting: 'userns', help: "The tree's ownership under -U: off, chown, map or auto", apply: (d, v, o) => (d.privateUsersOwnership = parseOwnership(o, v)) },
  { long: 'private-users-chown', arg: 'none', setting: 'userns', help: 'Same as --private-users-ownership=chown', apply: (d) => (d.privateUsersOwnership = 'chown') },
  { long: 'U', shortOnly: true, short: 'U', arg: 'none', setting: 'userns', help: 'Same as --private-users=pick --private-users-ownership=auto', apply: (d) => {
      d.privateUsers = { mode: 'pick' };
      d.privateUsersOwnership ??= 'auto';
    } },
  { long: 'ephemeral', short: 'x', arg: 'none', setting: 'ephemeral', help: 'Run on a throwaway overlay of the tree', apply: (d) => (d.ephemeral = true) },
];

/** systemd-nspawn 252 options nsbox does not implement yet (with their short letters). */
export const UNSUPPORTED_OPTIONS: readonly { readonly long: string; readonly short?: string }[] = [
  { long: 'template' }, { long: 'image', short: 'i' }, { long: 'oci-bundle' },
  { long: 'slice', short: 'S' }, { long: 'property' }, { long: 'network-interface' },
  { long: 'network-macvlan' }, { long: 'network-ipvlan' }, { long: 'network-veth', short: 'n' },
  { long: 'network-veth-extra' }, { long: 'network-bridge' }, { long: 'network-zone' },
  { long: 'network-namespace-path' }, { long: 'port', short: 'p' },
  { long: 'selinux-context', short: 'Z' }, { long: 'selinux-apifs-context', short: 'L' },
  { long: 'link-journal' },
  { long: 'root-hash' }, { long: 'root-hash-sig' }, { long: 'verity-data' }, { long: 'pivot-root' },
  { long: 'bind-user' }, { long: 'no-pager' }, { long: 'private-network-namespace' },
  { long: 'machine-directory' }, { long: 'kill-signal-on-exit' },
];

/** Marks a group as set by the command line (a settings file then leaves it alone). */
function fix(draft: Draft, group: SettingGroup): void {
  if (!draft.fixedByCommandLine.includes(group)) draft.fixedByCommandLine.push(group);
}

const byLong = new Map(OPTIONS.filter((o) => !o.shortOnly).map((o) => [o.long, o]));
const byShort = new Map(OPTIONS.filter((o) => o.short !== undefined).map((o) => [o.short!, o]));
const unsupportedLong = new Set(UNSUPPORTED_OPTIONS.map((o) => o.long));
const unsupportedShort = new Map(UNSUPPORTED_OPTIONS.filter((o) => o.short).map((o) => [o.short!, o.long]));

/** Parses nspawn's arguments (without the verb). Throws NspawnUsageError / NspawnUnsupportedError. */
export function parseNspawnArgs(argv: readonly string[]): NspawnOptions {
  const draft = defaultOptions();
  const apply = (spec: OptionSpec, value: string, option: string): void => {
    spec.apply(draft, value, option);
    if (spec.setting !== undefined) fix(draft, spec.setting);
  };
  let i = 0;
  const next = (option: string): string => {
    const value = argv[++i];
    if (value === undefined) throw new NspawnUsageError(option, 'requires an argument');
    return value;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = byLong.get(name);
      if (!spec) {
        if (unsupportedLong.has(name)) throw new NspawnUnsupportedError(`--${name}`);
        throw new NspawnUsageError(`--${name}`, 'unknown option');
      }
      const option = `--${name}`;
      if (spec.arg === 'none') {
        if (eq >= 0) throw new NspawnUsageError(option, 'takes no argument');
        apply(spec, '', option);
      } else if (spec.arg === 'optional') apply(spec, eq >= 0 ? arg.slice(eq + 1) : '', option);
      else apply(spec, eq >= 0 ? arg.slice(eq + 1) : next(option), option);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Clustered short options: -bq, -Dtree, -D tree.
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const spec = byShort.get(letter);
        const option = `-${letter}`;
        if (!spec) {
          const long = unsupportedShort.get(letter);
          if (long !== undefined) throw new NspawnUnsupportedError(`${option}/--${long}`);
          throw new NspawnUsageError(option, 'unknown option');
        }
        if (spec.arg === 'none' || spec.arg === 'optional') {
          apply(spec, '', option);
          continue;
        }
        apply(spec, j + 1 < arg.length ? arg.slice(j + 1) : next(option), option);
        break;
      }
      continue;
    }
    break;
  }
  draft.command = argv.slice(i);
  // A command (or init's arguments) fixes the start mode too, as in nspawn: Parameters= then
  // cannot replace it, and Boot=/ProcessTwo= cannot reinterpret it.
  if (draft.command.length > 0 && !draft.fixedByCommandLine.includes('start-mode')) draft.fixedByCommandLine.push('start-mode');
  checkConflicts(draft);
  return draft;
}

/** Combinations nsbox refuses; run again once a settings file has been merged in. */
export function checkConflicts(d: NspawnOptions): void {
  if (d.boot && d.asPid2) throw new NspawnUsageError('--boot', 'cannot be combined with --as-pid2');
  if (d.boot && d.user !== undefined) throw new NspawnUsageError('--user', 'cannot be combined with --boot');
  if (d.ephemeral && d.readOnly) throw new NspawnUsageError('--ephemeral', 'cannot be combined with --read-only');
  // nspawn: ambient capabilities go to the payload, and a booted init manages its own.
  if (d.boot && d.ambientCapability.length > 0) throw new NspawnUsageError('--ambient-capability', 'cannot be combined with --boot');
  if (d.directory === undefined && d.machine === undefined && !d.help && !d.version) {
    // nspawn falls back to the current directory; refusing is safer than booting the host's /.
    throw new NspawnUsageError('--directory', 'is required (or -M NAME for an image in /var/lib/machines)');
  }
}

/** `--help` text from the same table, so a new option cannot go undocumented. */
export function helpText(): string {
  const lines = ['nsbox nspawn [OPTIONS...] [COMMAND [ARGS...]]', '', 'Spawn a command or OS in a light-weight container.', ''];
  for (const o of OPTIONS) {
    const name = o.shortOnly ? `-${o.short}` : `${o.short ? `-${o.short} ` : '   '}--${o.long}${o.arg === 'required' ? '=…' : o.arg === 'optional' ? '[=…]' : ''}`;
    lines.push(`  ${name.padEnd(26)} ${o.help}`);
  }
  return lines.join('\n') + '\n';
}
