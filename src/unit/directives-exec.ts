// systemd.exec(5) directives, filling the sandbox's ExecSettings. Old names (ReadOnlyDirectories=
// and friends) map to the same fields. Valid in [Service], [Socket], [Mount] and [Swap].
import type { Rlimit } from '../plan/types.js';
import { ALL_CAPABILITIES } from '../plan/capabilities.js';
import type { ExecDirectoryType, ProtectHome, ProtectSystem, RestrictableNamespace, SystemCallFilterLine } from './exec-settings.js';
import { UnitValueError } from './errors.js';
import { bool, on, scalar, wordList, type AnyDirective, type DirectiveContext } from './directive.js';
import {
  isValidEnvAssignment, isValidEnvName, isValidUserOrGroup, parseAbsolutePath, parseBindPath,
  parseCapabilityList, parsePathSetting, parseRlimit, parseSystemCallAction, parseTemporaryFileSystem,
} from './exec-values.js';
import { parseBoolean, parseEnum, parseInteger, parseMode } from './values.js';
import { splitWords } from './words.js';

const exec = on('exec');
/** SyslogLevel='s names, by priority (systemd's log_level_from_string, which also takes 0-7). */
const SYSLOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** RuntimeDirectory= and friends: relative, normalized paths (no `..`, not absolute); empty resets. */
function execDirectory(type: ExecDirectoryType) {
  return (current: Readonly<Record<ExecDirectoryType, readonly string[]>>, value: string, ctx: DirectiveContext): Readonly<Record<ExecDirectoryType, readonly string[]>> => {
    if (value === '') return { ...current, [type]: [] };
    const items = wordList((w, c) => {
      const p = c.expand(w).replace(/\/+$/, '');
      if (p === '' || p.startsWith('/') || p.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new UnitValueError(`${ctx.key}= path is not valid`, w);
      return p;
    })([], value, ctx);
    return { ...current, [type]: [...current[type], ...items] };
  };
}

function execDirectoryMode(type: ExecDirectoryType) {
  return (current: Readonly<Record<ExecDirectoryType, number>>, value: string): Readonly<Record<ExecDirectoryType, number>> => ({ ...current, [type]: parseMode(value) });
}

const paths = (what: string) => wordList((w, ctx) => parsePathSetting(ctx.expand(w), what));

function userOrGroup(value: string, ctx: DirectiveContext): string | undefined {
  if (value === '') return undefined;
  const name = ctx.expand(value);
  if (!isValidUserOrGroup(name)) throw new UnitValueError('Invalid user/group name or numeric ID', value);
  return name;
}

/** `yes`/`no` or one of the extra words; `yes` is spelled 'yes' in the model. */
function boolOrWord<W extends string>(words: readonly W[], what: string) {
  return (_current: W | 'yes' | 'no', value: string): W | 'yes' | 'no' => {
    try {
      return parseBoolean(value) ? 'yes' : 'no';
    } catch {
      return parseEnum(value, words, what);
    }
  };
}

/**
 * CapabilityBoundingSet=/AmbientCapabilities= (systemd 252): a line replaces the set while the set
 * is still at its initial value (all for the bounding set, none for ambient) or when it names no
 * capability ("", "~"), `~` meaning every capability but those listed; otherwise a line adds to
 * the set and a `~` line removes from it.
 */
function capabilities(initial: readonly number[]) {
  return (current: readonly number[] | undefined, value: string): readonly number[] => {
    const invert = value.startsWith('~');
    const listed = parseCapabilityList(invert ? value.slice(1) : value);
    const base = current ?? initial;
    const atInitial = base.length === initial.length && base.every((c, i) => c === initial[i]);
    if (listed.length === 0 || atInitial) return invert ? ALL_CAPABILITIES.filter((c) => !listed.includes(c)) : listed;
    if (invert) return base.filter((c) => !listed.includes(c));
    return [...new Set([...base, ...listed])].sort((a, b) => a - b);
  };
}

const NAMESPACES: readonly RestrictableNamespace[] = ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts'];

function restrictNamespaces(current: readonly RestrictableNamespace[] | undefined, value: string) {
  // Empty: back to the default, no restriction (systemd 252's NAMESPACE_FLAGS_INITIAL).
  if (value === '') return undefined;
  try {
    // yes: nothing allowed; no: everything allowed, listed (unlike the unset default, a later list
    // adds to it rather than replacing it, as systemd 252 merges into NAMESPACE_FLAGS_ALL).
    return parseBoolean(value) ? [] : [...NAMESPACES];
  } catch { /* a list */ }
  const invert = value.startsWith('~');
  const listed = splitWords(invert ? value.slice(1) : value).map((w) => parseEnum(w, NAMESPACES, 'namespace type'));
  const base = current ?? NAMESPACES;
  if (invert) return base.filter((n) => !listed.includes(n));
  return current === undefined ? listed : [...new Set([...current, ...listed])];
}

/**
 * One SystemCallFilter= value. A deny line keeps each name's own `:ERRNO` (systemd's map from call
 * to errno); names are grouped into consecutive lines of one action, which folds the same way.
 */
function systemCallFilter(current: readonly SystemCallFilterLine[], value: string, ctx: DirectiveContext) {
  if (value === '') return [];
  const invert = value.startsWith('~');
  const lines: SystemCallFilterLine[] = [];
  const add = (name: string, action: SystemCallFilterLine['action']): void => {
    const last = lines[lines.length - 1];
    if (last && sameAction(last.action, action)) lines[lines.length - 1] = { ...last, names: [...last.names, name] };
    else lines.push(action === undefined ? { invert, names: [name] } : { invert, names: [name], action });
  };
  for (const word of splitWords(invert ? value.slice(1) : value, { unquote: true })) {
    const colon = word.indexOf(':');
    if (colon < 0) {
      add(word, undefined);
      continue;
    }
    if (!invert) {
      ctx.warn(`Allow-listed system calls cannot take error number, ignoring: ${word}`);
      add(word.slice(0, colon), undefined);
      continue;
    }
    add(word.slice(0, colon), parseSystemCallAction(word.slice(colon + 1)));
  }
  return [...current, ...lines];
}

const sameAction = (a: SystemCallFilterLine['action'], b: SystemCallFilterLine['action']): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

function environment(current: readonly string[], value: string, ctx: DirectiveContext): readonly string[] {
  if (value === '') return [];
  const added: string[] = [];
  for (const word of splitWords(value, { unquote: true, cunescape: true })) {
    const assignment = ctx.expand(word);
    if (isValidEnvAssignment(assignment)) added.push(assignment);
    else ctx.warn(`Invalid environment assignment, ignoring: ${assignment}`);
  }
  return [...current, ...added];
}

const limit = (resource: Rlimit) => (current: ExecLimits, value: string): ExecLimits =>
  ({ ...current, [resource]: parseRlimit(value, resource) });
type ExecLimits = import('./exec-settings.js').ExecSettings['limits'];

export const execDirectives = {
  RootDirectory: exec('rootDirectory', scalar((v, ctx) => (v === '' ? undefined : parseAbsolutePath(ctx.expand(v), 'RootDirectory='))), { fatal: true }),
  RootDirectoryStartOnly: exec('rootDirectoryStartOnly', bool),
  MountAPIVFS: exec('mountAPIVFS', bool),
  ReadOnlyPaths: exec('readOnlyPaths', paths('ReadOnlyPaths=')),
  ReadOnlyDirectories: exec('readOnlyPaths', paths('ReadOnlyPaths=')),
  ReadWritePaths: exec('readWritePaths', paths('ReadWritePaths=')),
  ReadWriteDirectories: exec('readWritePaths', paths('ReadWritePaths=')),
  InaccessiblePaths: exec('inaccessiblePaths', paths('InaccessiblePaths=')),
  InaccessibleDirectories: exec('inaccessiblePaths', paths('InaccessiblePaths=')),
  ExecPaths: exec('execPaths', paths('ExecPaths=')),
  NoExecPaths: exec('noExecPaths', paths('NoExecPaths=')),
  TemporaryFileSystem: exec('temporaryFileSystem', wordList((w, ctx) => parseTemporaryFileSystem(ctx.expand(w)))),
  BindPaths: exec('bindPaths', wordList((w, ctx) => parseBindPath(ctx.expand(w)), { retainEscape: true })),
  BindReadOnlyPaths: exec('bindReadOnlyPaths', wordList((w, ctx) => parseBindPath(ctx.expand(w)), { retainEscape: true })),
  PrivateTmp: exec('privateTmp', bool),
  PrivateDevices: exec('privateDevices', bool),
  PrivateNetwork: exec('privateNetwork', bool),
  PrivateIPC: exec('privateIPC', bool),
  PrivateMounts: exec('privateMounts', bool),
  // An empty value takes an earlier one back (the default, shared, applies again).
  MountFlags: exec('mountPropagation', scalar((v) => (v === '' ? undefined : parseEnum(v, ['shared', 'slave', 'private'] as const, 'mount propagation flag')))),
  ProtectSystem: exec('protectSystem', boolOrWord<ProtectSystem>(['full', 'strict'], 'protect system value')),
  ProtectHome: exec('protectHome', boolOrWord<ProtectHome>(['read-only', 'tmpfs'], 'protect home value')),
  ProtectKernelTunables: exec('protectKernelTunables', bool),
  ProtectKernelModules: exec('protectKernelModules', bool),
  ProtectKernelLogs: exec('protectKernelLogs', bool),
  ProtectControlGroups: exec('protectControlGroups', bool),
  ProtectHostname: exec('protectHostname', bool),
  ProtectClock: exec('protectClock', bool),
  ProtectProc: exec('protectProc', scalar((v) => parseEnum(v, ['default', 'noaccess', 'invisible', 'ptraceable'] as const, 'protect proc'))),
  ProcSubset: exec('procSubset', scalar((v) => parseEnum(v, ['all', 'pid'] as const, 'proc subset'))),
  User: exec('user', scalar(userOrGroup), { fatal: true }),
  Group: exec('group', scalar(userOrGroup), { fatal: true }),
  SupplementaryGroups: exec('supplementaryGroups', wordList((w, ctx) => {
    const name = ctx.expand(w);
    if (!isValidUserOrGroup(name)) throw new UnitValueError('Invalid supplementary group name', w);
    return name;
  })),
  WorkingDirectory: exec('workingDirectory', scalar((v, ctx) => {
    if (v === '') return undefined;
    const ignoreMissing = v.startsWith('-');
    const rest = ctx.expand(ignoreMissing ? v.slice(1) : v);
    if (rest === '~') return { kind: 'home', ignoreMissing } as const;
    return { kind: 'path', path: parseAbsolutePath(rest, 'WorkingDirectory='), ignoreMissing } as const;
  }), { fatal: true }),
  Environment: exec('environment', environment),
  EnvironmentFile: exec('environmentFiles', (current, value, ctx) => {
    if (value === '') return [];
    const ignoreMissing = value.startsWith('-');
    const path = ctx.expand(ignoreMissing ? value.slice(1) : value);
    if (!path.startsWith('/')) throw new UnitValueError('Path is not absolute', value);
    return [...current, { path, ignoreMissing }];
  }),
  PassEnvironment: exec('passEnvironment', wordList((w, ctx) => {
    const name = ctx.expand(w);
    if (!isValidEnvName(name)) throw new UnitValueError('Invalid environment name', w);
    return name;
  })),
  UnsetEnvironment: exec('unsetEnvironment', wordList((w, ctx) => {
    const entry = ctx.expand(w);
    if (!isValidEnvName(entry) && !isValidEnvAssignment(entry)) throw new UnitValueError('Invalid environment name or assignment', w);
    return entry;
  }, { cunescape: true })),
  UMask: exec('umask', scalar(parseMode)),
  RuntimeDirectory: exec('execDirectories', execDirectory('runtime')),
  StateDirectory: exec('execDirectories', execDirectory('state')),
  CacheDirectory: exec('execDirectories', execDirectory('cache')),
  LogsDirectory: exec('execDirectories', execDirectory('logs')),
  ConfigurationDirectory: exec('execDirectories', execDirectory('configuration')),
  RuntimeDirectoryMode: exec('execDirectoryModes', execDirectoryMode('runtime')),
  StateDirectoryMode: exec('execDirectoryModes', execDirectoryMode('state')),
  CacheDirectoryMode: exec('execDirectoryModes', execDirectoryMode('cache')),
  LogsDirectoryMode: exec('execDirectoryModes', execDirectoryMode('logs')),
  ConfigurationDirectoryMode: exec('execDirectoryModes', execDirectoryMode('configuration')),
  RuntimeDirectoryPreserve: exec('runtimeDirectoryPreserve', boolOrWord(['restart'] as const, 'runtime directory preserve mode')),
  SyslogIdentifier: exec('syslogIdentifier', scalar((v, ctx) => ctx.expand(v) || undefined)),
  SyslogLevel: exec('syslogLevel', scalar((v) => {
    const level = /^[0-7]$/.test(v) ? Number(v) : SYSLOG_LEVELS.indexOf(v);
    if (level < 0) throw new UnitValueError('Failed to parse log level', v);
    return level;
  })),
  SyslogLevelPrefix: exec('syslogLevelPrefix', bool),
  LimitCPU: exec('limits', limit('cpu')),
  LimitFSIZE: exec('limits', limit('fsize')),
  LimitDATA: exec('limits', limit('data')),
  LimitSTACK: exec('limits', limit('stack')),
  LimitCORE: exec('limits', limit('core')),
  LimitRSS: exec('limits', limit('rss')),
  LimitNOFILE: exec('limits', limit('nofile')),
  LimitAS: exec('limits', limit('as')),
  LimitNPROC: exec('limits', limit('nproc')),
  LimitMEMLOCK: exec('limits', limit('memlock')),
  LimitLOCKS: exec('limits', limit('locks')),
  LimitSIGPENDING: exec('limits', limit('sigpending')),
  LimitMSGQUEUE: exec('limits', limit('msgqueue')),
  LimitNICE: exec('limits', limit('nice')),
  LimitRTPRIO: exec('limits', limit('rtprio')),
  LimitRTTIME: exec('limits', limit('rttime')),
  Nice: exec('nice', scalar((v) => (v === '' ? undefined : parseInteger(v, -20, 19)))),
  OOMScoreAdjust: exec('oomScoreAdjust', scalar((v) => (v === '' ? undefined : parseInteger(v, -1000, 1000)))),
  CapabilityBoundingSet: exec('capabilityBoundingSet', capabilities(ALL_CAPABILITIES)),
  AmbientCapabilities: exec('ambientCapabilities', capabilities([])),
  NoNewPrivileges: exec('noNewPrivileges', bool),
  SystemCallFilter: exec('systemCallFilter', systemCallFilter),
  SystemCallErrorNumber: exec('systemCallErrorNumber', scalar((v) => (v === '' ? undefined : parseSystemCallAction(v)))),
  SystemCallArchitectures: exec('systemCallArchitectures', wordList((w) => w)),
  RestrictNamespaces: exec('restrictNamespaces', restrictNamespaces),
  LockPersonality: exec('lockPersonality', bool),
  RestrictRealtime: exec('restrictRealtime', bool),
  RestrictSUIDSGID: exec('restrictSUIDSGID', bool),
  MemoryDenyWriteExecute: exec('memoryDenyWriteExecute', bool),
} satisfies Record<string, AnyDirective>;
