// .nspawn settings files (systemd.nspawn(5)) as systemd-nspawn 252 reads and merges them. Pure:
// the edge (src/machines/settings-files.ts) finds the file and hands over its text.
//
// Checked against systemd-nspawn 252 on a busybox tree:
// - The syntax is the unit-file syntax (one lexer for both), but without specifiers or drop-ins,
//   and in list values a backslash is an ordinary character: `Parameters=a\ b` is "a\" and "b".
// - A value nspawn cannot parse is ignored with a FILE:LINE warning and the container starts;
//   unknown keys and sections are warnings too. A bad section header fails the whole file, and
//   so does an unparsable CPUAffinity= (nspawn's parser for it reports an error, not a warning).
// - Merging (nspawn.c merge_settings; settings-merge.ts): a setting fixed on the command line keeps the file's keys
//   of its group away whole (one -E drops every Environment=); Parameters= only counts together
//   with Boot= or ProcessTwo=; an untrusted file (next to the tree) loses its privileged keys,
//   each group with a warning naming the file, while DropCapability=, ReadOnly=, Environment= and
//   the rest apply.
// nsbox adds one rule: a key nspawn has and nsbox lacks (or a value nspawn would fail on at
// start-up) is an error naming FILE:LINE, unless it holds nspawn's default or would not take
// effect anyway (masked by the command line, or privileged in an untrusted file).
import { parseVolatileMode, type VolatileMode } from './volatile.js';
import { ALL_CAPABILITIES, CAPABILITY_NAMES, capabilityNumber } from '../plan/capabilities.js';
import { signalNumber } from '../plan/signals.js';
import type { Rlimit, RlimitValue } from '../plan/types.js';
import { formatDiagnostic, type UnitDiagnostic } from '../unit/diagnostics.js';
import { UnitValueError } from '../unit/errors.js';
import { lexUnitFile } from '../unit/lexer.js';
import { parseBoolean } from '../unit/values.js';
import { splitWords } from '../unit/words.js';
import { NspawnSettingsError, NspawnUnsupportedError, NspawnUsageError } from './errors.js';
import { resolvConfMode, timezoneMode, type ResolvConfMode, type TimezoneMode } from './host-files.js';
import { parseBindSpec, splitColons, type BindSpec, type NspawnOptions, type SettingGroup, type TmpfsSpec } from './options.js';
import { overlayFromParts, type OverlaySpec } from './overlay.js';
import { oomScoreAdjustInRange, oomScoreAdjustValue, parseId128, parseRlimitValue, PERSONALITIES, RLIMIT_NAMES } from './process-options.js';
import { parseCpuList } from './cpu-affinity.js';
import { parseSystemCallFilter } from './seccomp.js';
import { mergeSettings, type MergedOptions, type MergeHow } from './settings-merge.js';
import type { NspawnSettings, RefusedKey } from './settings-types.js';
import { RLIMITS, type Privileged } from './settings-privileged.js';
import { parseTmpfsOptions } from './tmpfs-options.js';
import { parseOwnership, parsePrivateUsers } from './private-users.js';

export interface ParsedSettings {
  readonly settings: NspawnSettings;
  /** Lines nspawn ignores (warnings) or refuses to load (errors), in file order. */
  readonly diagnostics: readonly UnitDiagnostic[];
}

type MutableList<T> = T extends readonly (infer U)[] ? U[] : T;
type Draft = { -readonly [K in keyof NspawnSettings]: MutableList<NspawnSettings[K]> };

interface KeyContext {
  readonly key: string;
  warn(message: string): void;
  /** A value nspawn refuses to load the file for (it then fails to start). */
  fail(message: string): void;
  /** Not applicable by nsbox; `privileged: false` for a value nspawn applies even untrusted. */
  refuse(message: string, privileged?: boolean): void;
}

type KeyParser = (draft: Draft, value: string, ctx: KeyContext) => void;

interface KeySpec {
  readonly parse: KeyParser;
  readonly group?: SettingGroup;
  readonly privileged?: Privileged;
}

/** Tristates: a bad value is ignored with nspawn's warning. */
function boolean(value: string, ctx: KeyContext): boolean | undefined {
  try {
    return parseBoolean(value);
  } catch {
    ctx.warn(`Failed to parse boolean value for ${ctx.key}=, ignoring: ${value}`);
    return undefined;
  }
}

/** Empty resets to "not set", as config_parse_tristate. */
const tristate = (set: (d: Draft, v: boolean | undefined) => void): KeySpec => ({
  parse: (d, value, ctx) => {
    if (value === '') return set(d, undefined);
    const b = boolean(value, ctx);
    if (b !== undefined) set(d, b);
  },
});

/**
 * nspawn's strv values: whitespace-separated words, quotes removed, backslash taken literally.
 * splitWords() treats a backslash as an escape, so each one is doubled first to stay itself.
 * Each line adds words; an empty one resets the list.
 */
const words = (
  set: (d: Draft, list: string[] | undefined) => void,
  get: (d: Draft) => string[] | undefined,
  keep: (word: string, ctx: KeyContext) => boolean = () => true,
): KeySpec => ({
  parse: (d, value, ctx) => {
    if (value === '') return set(d, undefined);
    let list: string[];
    try {
      list = splitWords(value.replaceAll('\\', '\\\\'), { unquote: true });
    } catch (e) {
      if (!(e instanceof UnitValueError)) throw e;
      return ctx.warn(`Invalid syntax, ignoring: ${value}`);
    }
    set(d, [...(get(d) ?? []), ...list.filter((w) => keep(w, ctx))]);
  },
});

/** capability_from_name(): a CAP_ name in any case or a number; `all` for every one. */
function capabilityList(value: string, ctx: KeyContext): number[] {
  const out: number[] = [];
  for (const word of value.split(/[ \t\n\r]+/).filter(Boolean)) {
    if (word === 'all') {
      out.push(...ALL_CAPABILITIES);
      continue;
    }
    const n = /^\d+$/.test(word) ? Number(word) : /^cap_/i.test(word) ? capabilityNumber(word) : undefined;
    if (n === undefined || n >= CAPABILITY_NAMES.length) ctx.warn(`Failed to parse capability, ignoring: ${word}`);
    else out.push(n);
  }
  return out;
}

/** hostname_is_valid(): dot-separated labels of letters, digits and inner dashes, 64 at most. */
const validHostname = (name: string): boolean =>
  name.length <= 64 && name.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));

/** A key nsbox cannot parse into something it applies, reported only if the key would apply. */
function refuseOnError(ctx: KeyContext, apply: () => void): void {
  try {
    apply();
  } catch (e) {
    if (!(e instanceof NspawnUsageError || e instanceof NspawnUnsupportedError)) throw e;
    ctx.refuse(e.message);
  }
}

const CUSTOM_MOUNTS = { group: 'custom-mounts', privileged: 'TemporaryFileSystem=, Bind= and BindReadOnly= settings' } as const;
const NETWORK = { group: 'network', privileged: 'network settings' } as const;
const USERNS = { group: 'userns', privileged: 'PrivateUsers= and PrivateUsersChown= settings' } as const;

/** Bind=/BindReadOnly=: the --bind syntax; nspawn ignores a spec it cannot split, fails on a bad option. */
const bind = (readOnly: boolean): KeySpec => ({
  ...CUSTOM_MOUNTS,
  parse: (d, value, ctx) => {
    const parts = splitColons(value);
    const [source = '', target] = parts;
    if (parts.length > 3 || source === '' || (target !== undefined && target !== '' && !target.startsWith('/'))) {
      return ctx.warn(`Invalid bind mount specification ${value}: Invalid argument`);
    }
    // nspawn takes it relative to its own working directory, which a settings file cannot know.
    if (!source.startsWith('/') && !source.startsWith('+')) return ctx.refuse(`${ctx.key}=${value}: a relative source path is not supported yet`);
    refuseOnError(ctx, () => d.binds.push(parseBindSpec(`${ctx.key}=`, value, readOnly)));
  },
});

/** Overlay=/OverlayReadOnly=: the --overlay syntax; what nspawn cannot parse it ignores. */
const overlay = (readOnly: boolean): KeySpec => ({
  ...CUSTOM_MOUNTS,
  parse: (d, value, ctx) => {
    const parts = splitColons(value);
    if (parts.length < 2) return ctx.warn(`Invalid overlay file system specification ${value}, ignoring: Cannot assign requested address`);
    const parse = (p: readonly string[]): OverlaySpec | undefined => {
      try {
        return overlayFromParts(`${ctx.key}=`, value, p, readOnly);
      } catch (e) {
        if (!(e instanceof NspawnUsageError)) throw e;
        return undefined;
      }
    };
    const spec = parse(parts);
    if (spec !== undefined) return void d.overlays.push(spec);
    // nspawn takes a relative host layer relative to its own working directory, as a Bind= source.
    const sources = parts.length === 2 ? parts.length : parts.length - 1;
    const anchored = parts.map((p, i) => (i < sources && p !== '' && !p.startsWith('/') && !p.startsWith('+') ? `/${p}` : p));
    if (parse(anchored) !== undefined) return ctx.refuse(`${ctx.key}=${value}: a relative layer path is not supported yet`);
    ctx.warn(`Invalid overlay file system specification ${value}, ignoring: Invalid argument`);
  },
});

const inaccessible: KeySpec = {
  ...CUSTOM_MOUNTS,
  parse: (d, value, ctx) => {
    if (!value.startsWith('/')) return ctx.warn(`Invalid inaccessible file system specification ${value}: Invalid argument`);
    d.inaccessible.push(value);
  },
};

/** LimitCPU= ... LimitRTTIME=: nspawn's --rlimit= values, one resource each. */
const limit = (name: (typeof RLIMITS)[number]): KeySpec => {
  const resource = RLIMIT_NAMES[name]!;
  return {
    group: `rlimit-${resource}`,
    privileged: `Limit${name}= setting`,
    parse: (d, value, ctx) => {
      const parsed = parseRlimitValue(resource, value);
      if (parsed === 'unparsable') return ctx.warn(`Failed to parse resource value, ignoring: ${value}`);
      if (parsed === 'soft-above-hard') return ctx.warn(`Soft resource limit chosen higher than hard limit, ignoring: ${value}`);
      d.rlimits = { ...d.rlimits, [resource]: parsed };
    },
  };
};

const temporaryFileSystem: KeySpec = {
  ...CUSTOM_MOUNTS,
  parse: (d, value, ctx) => {
    const [target = '', ...opts] = splitColons(value);
    if (!target.startsWith('/')) return ctx.warn(`Invalid temporary file system specification ${value}: Invalid argument`);
    refuseOnError(ctx, () => d.tmpfs.push({ target, options: parseTmpfsOptions(`${ctx.key}=`, opts.join(':')) }));
  },
};

/** Boot= and ProcessTwo= share one start mode; nspawn ignores the later of two that disagree. */
const startMode = (mode: 'boot' | 'pid2'): KeySpec => ({
  parse: (d, value, ctx) => {
    const b = boolean(value, ctx);
    if (b === undefined) return;
    const other = mode === 'boot' ? 'pid2' : 'boot';
    if ((b && d.startMode === other) || (!b && d.startMode === mode)) return ctx.warn('Conflicting Boot= or ProcessTwo= setting found. Ignoring.');
    if (b) d.startMode = mode;
    else d.startMode ??= 'pid1';
  },
});

/**
 * A key nsbox lacks: refused (with the option it stands for) unless empty or nspawn's default,
 * which is what nsbox does anyway. 'false': a boolean key, where nspawn ignores a bad value with a
 * warning; 'no': any false boolean, every other value refused (PrivateUsers=pick, Volatile=state).
 */
const unsupported = (option: string, more: { readonly default?: 'false' | 'no' | 'auto' | 'off'; readonly group?: SettingGroup; readonly privileged?: Privileged } = {}): KeySpec => ({
  ...(more.group !== undefined ? { group: more.group } : {}),
  ...(more.privileged !== undefined ? { privileged: more.privileged } : {}),
  parse: (_d, value, ctx) => {
    if (value === '') return;
    if (more.default === 'false') {
      if (boolean(value, ctx) !== true) return;
    } else if (more.default === 'no') {
      if (/^(0|no|n|false|f|off)$/i.test(value)) return;
    } else if (value === more.default) return;
    ctx.refuse(`${ctx.key}=${value} is not supported yet (${option})`);
  },
});

/** Every key of systemd-nspawn 252 (its gperf table), by section. */
const KEYS: Readonly<Record<string, Readonly<Record<string, KeySpec>>>> = {
  Exec: {
    Boot: startMode('boot'),
    ProcessTwo: startMode('pid2'),
    Parameters: words((d, l) => (d.parameters = l), (d) => d.parameters),
    // nspawn drops what is not NAME=VALUE without a word; nsbox says so.
    Environment: words((d, l) => (d.environment = l), (d) => d.environment, (entry, ctx) => {
      const valid = /^[A-Za-z_][A-Za-z0-9_]*=/.test(entry);
      if (!valid) ctx.warn(`Invalid environment assignment, ignoring: ${entry}`);
      return valid;
    }),
    User: { parse: (d, value) => (d.user = value === '' ? undefined : value) },
    WorkingDirectory: {
      parse: (d, value, ctx) => {
        if (value !== '' && !value.startsWith('/')) return ctx.warn(`WorkingDirectory= path is not absolute, ignoring: ${value}`);
        d.workingDirectory = value === '' ? undefined : value;
      },
    },
    Capability: { parse: (d, value, ctx) => d.capability.push(...capabilityList(value, ctx)) },
    DropCapability: { parse: (d, value, ctx) => d.dropCapability.push(...capabilityList(value, ctx)) },
    KillSignal: {
      parse: (d, value, ctx) => {
        const n = signalNumber(value, { ignoreCase: false });
        if (n === undefined) return ctx.warn(`Failed to parse signal name, ignoring: ${value}`);
        d.killSignal = n;
      },
    },
    Hostname: {
      parse: (d, value, ctx) => {
        if (value !== '' && !validHostname(value)) return ctx.warn(`Specified invalid hostname, ignoring assignment: ${value}`);
        d.hostname = value === '' ? undefined : value;
      },
    },
    Ephemeral: tristate((d, b) => (d.ephemeral = b)),
    AmbientCapability: {
      group: 'capability',
      privileged: 'AmbientCapability= setting',
      parse: (d, value, ctx) => {
        // nspawn takes `all` here and then refuses to start with it.
        if (value.split(/[ \t\n\r]+/).includes('all')) return ctx.refuse(`${ctx.key}=${value}: nspawn does not support the value all`);
        d.ambientCapability.push(...capabilityList(value, ctx));
      },
    },
    NoNewPrivileges: { group: 'no-new-privileges', ...tristate((d, b) => (d.noNewPrivileges = b)) },
    Personality: {
      group: 'personality',
      parse: (d, value, ctx) => {
        if (value === '') return void (d.personality = undefined);
        if (!Object.hasOwn(PERSONALITIES, value)) return ctx.warn(`Failed to parse personality, ignoring: ${value}`);
        d.personality = PERSONALITIES[value];
      },
    },
    MachineID: {
      group: 'machine-id',
      privileged: 'MachineID= setting',
      parse: (d, value, ctx) => {
        const id = parseId128(value);
        if (id === undefined) return ctx.warn(`Failed to parse 128bit ID/UUID, ignoring: ${value}`);
        d.machineId = /^[0-]+$/.test(id) ? undefined : id;
      },
    },
    PivotRoot: unsupported('--pivot-root'),
    PrivateUsers: {
      ...USERNS,
      parse: (d, value, ctx) => {
        try {
          d.privateUsers = parsePrivateUsers(`${ctx.key}=`, value === '' ? 'no' : value);
        } catch (e) {
          if (e instanceof NspawnUsageError) return ctx.warn(`Failed to parse user namespace setting, ignoring: ${value}`);
          throw e;
        }
      },
    },
    NotifyReady: tristate((d, b) => (d.notifyReady = b)),
    // Each line adds to its list, an empty one changes nothing; names are not checked here.
    SystemCallFilter: {
      group: 'syscall-filter',
      privileged: 'SystemCallFilter= settings',
      parse: (d, value) => {
        const { deny, names } = parseSystemCallFilter(value);
        (deny ? d.systemCallDeny : d.systemCallAllow).push(...names);
      },
    },
    OOMScoreAdjust: {
      group: 'oom-score-adjust',
      privileged: 'OOMScoreAdjust= setting',
      parse: (d, value, ctx) => {
        if (value === '') return void (d.oomScoreAdjust = undefined);
        const n = oomScoreAdjustValue(value);
        if (n === undefined) return ctx.warn(`Failed to parse the OOM score adjust value, ignoring: ${value}`);
        if (!oomScoreAdjustInRange(n)) return ctx.warn(`OOM score adjust value out of range, ignoring: ${value}`);
        d.oomScoreAdjust = n;
      },
    },
    CPUAffinity: {
      group: 'cpu-affinity',
      privileged: 'CPUAffinity= setting',
      parse: (d, value, ctx) => {
        const list = parseCpuList(value);
        if (list.kind === 'invalid') return ctx.fail(`Failed to parse CPU affinity '${value}'`);
        for (const range of list.reversedRanges) {
          const [low, high] = range.split('-');
          ctx.warn(`Range '${range}' is invalid, ${low} > ${high}, ignoring.`);
        }
        if (value.trim() === '') d.cpuAffinity = undefined;
        else if (list.cpus.length > 0) d.cpuAffinity = [...new Set([...(d.cpuAffinity ?? []), ...list.cpus])].sort((a, b) => a - b);
      },
    },
    ResolvConf: {
      group: 'resolv-conf',
      parse: (d, value, ctx) => {
        const m = resolvConfMode(value);
        if (m === undefined) return ctx.warn(`Failed to parse resolv.conf mode, ignoring: ${value}`);
        if (m === 'unsupported') return ctx.refuse(`${ctx.key}=${value} is not supported yet (--resolv-conf)`, false);
        d.resolvConf = m;
      },
    },
    LinkJournal: unsupported('--link-journal', { default: 'auto', privileged: 'journal link setting' }),
    Timezone: {
      group: 'timezone',
      parse: (d, value, ctx) => {
        const m = timezoneMode(value);
        if (m === undefined) return ctx.warn(`Failed to parse timezone mode, ignoring: ${value}`);
        if (m === 'unsupported') return ctx.refuse(`${ctx.key}=${value} is not supported yet (--timezone)`, false);
        d.timezone = m;
      },
    },
    SuppressSync: { group: 'suppress-sync', ...tristate((d, b) => (d.suppressSync = b)) },
    ...Object.fromEntries(RLIMITS.map((l) => [`Limit${l}`, limit(l)])),
  },
  Files: {
    ReadOnly: tristate((d, b) => (d.readOnly = b)),
    Bind: bind(false),
    BindReadOnly: bind(true),
    TemporaryFileSystem: temporaryFileSystem,
    Volatile: {
      group: 'volatile',
      parse: (d, value, ctx) => {
        if (value === '') return void (d.volatile = undefined);
        try {
          d.volatile = parseVolatileMode(`${ctx.key}=`, value);
        } catch (e) {
          if (e instanceof NspawnUsageError) return ctx.warn(`Failed to parse volatile mode, ignoring: ${value}`);
          throw e;
        }
      },
    },
    Inaccessible: inaccessible,
    Overlay: overlay(false),
    OverlayReadOnly: overlay(true),
    PrivateUsersChown: { ...USERNS, ...tristate((d, b) => (d.privateUsersOwnership = b === undefined ? undefined : b ? 'chown' : 'off')) },
    PrivateUsersOwnership: {
      ...USERNS,
      parse: (d, value, ctx) => {
        try {
          d.privateUsersOwnership = parseOwnership(`${ctx.key}=`, value);
        } catch (e) {
          if (e instanceof NspawnUsageError) return ctx.warn(`Failed to parse user namespace ownership mode, ignoring: ${value}`);
          throw e;
        }
      },
    },
    BindUser: unsupported('--bind-user', { privileged: 'bind user setting' }),
  },
  Network: {
    Private: { ...NETWORK, ...tristate((d, b) => (d.privateNetwork = b)) },
    VirtualEthernet: {
      ...NETWORK,
      parse: (d, value, ctx) => {
        const b = value === '' ? false : boolean(value, ctx);
        if (b === true) ctx.refuse(`${ctx.key}=${value} is not supported yet (--network-veth)`);
        else if (value === '') d.virtualEthernet = undefined;
        else if (b === false) d.virtualEthernet = false;
      },
    },
    VirtualEthernetExtra: unsupported('--network-veth-extra', NETWORK),
    Interface: unsupported('--network-interface', NETWORK),
    MACVLAN: unsupported('--network-macvlan', NETWORK),
    IPVLAN: unsupported('--network-ipvlan', NETWORK),
    Bridge: unsupported('--network-bridge', NETWORK),
    Zone: unsupported('--network-zone', NETWORK),
    Port: unsupported('--port', { privileged: 'Port= setting' }),
  },
};

const SECTIONS = new Set(Object.keys(KEYS));

export function parseSettingsFile(text: string, file: string): ParsedSettings {
  const lexed = lexUnitFile(text, file, { knownSections: SECTIONS });
  const diagnostics: UnitDiagnostic[] = [...lexed.diagnostics];
  const draft: Draft = {
    file, capability: [], dropCapability: [], ambientCapability: [], systemCallAllow: [], systemCallDeny: [], rlimits: {}, binds: [], tmpfs: [], overlays: [], inaccessible: [], refused: [] };
  let parametersLine = 0;
  for (const a of lexed.assignments) {
    const at = { file: a.file, line: a.line, section: a.section, key: a.key };
    const spec = KEYS[a.section]?.[a.key];
    if (spec === undefined) {
      if (!a.key.startsWith('X-')) diagnostics.push({ ...at, severity: 'warning', message: `Unknown key '${a.key}' in section [${a.section}], ignoring.` });
      continue;
    }
    if (a.key === 'Parameters') parametersLine = a.line;
    spec.parse(draft, a.value, {
      key: a.key,
      warn: (message) => diagnostics.push({ ...at, severity: 'warning', message }),
      fail: (message) => diagnostics.push({ ...at, severity: 'error', message }),
      refuse: (message, privileged = true) =>
        draft.refused.push({ line: a.line, key: a.key, message, group: spec.group, privileged: privileged ? spec.privileged : undefined }),
    });
  }
  if (draft.parameters !== undefined && draft.startMode === undefined) {
    diagnostics.push({
      file, line: parametersLine, section: 'Exec', key: 'Parameters', severity: 'warning',
      message: 'Parameters= has no effect without Boot= or ProcessTwo= (as in systemd-nspawn), ignoring.',
    });
  }
  // In file order, as nspawn prints them while it reads (the lexer's own would come first).
  return { settings: draft, diagnostics: diagnostics.map((d, i) => ({ d, i })).sort((a, b) => a.d.line - b.d.line || a.i - b.i).map(({ d }) => d) };
}

export type { NspawnSettings, RefusedKey } from './settings-types.js';
export { mergeSettings, settingsTrusted, type MergedOptions, type MergeHow } from './settings-merge.js';

/** Parse, refuse a file nspawn would not load, merge; warnings come back as nspawn prints them. */
export function applySettingsFile(options: NspawnOptions, text: string, file: string, how: MergeHow): MergedOptions {
  const { settings, diagnostics } = parseSettingsFile(text, file);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new NspawnSettingsError(errors);
  const merged = mergeSettings(options, settings, how);
  return { options: merged.options, warnings: [...diagnostics.map(formatDiagnostic), ...merged.warnings] };
}
