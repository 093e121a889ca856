// Merging a parsed .nspawn file into the command line's options, as systemd-nspawn 252's
// merge_settings(): a setting fixed on the command line keeps the file's keys of its group away
// whole (one -E drops every Environment=); an untrusted file loses its privileged settings, each
// group with nspawn's warning naming the file; a refused key that would take effect is an error.
import { ALL_CAPABILITIES } from '../plan/capabilities.js';
import type { UnitDiagnostic } from '../unit/diagnostics.js';
import { CAP_NET_ADMIN, NSPAWN_DEFAULT_CAPABILITIES } from './capabilities.js';
import { NspawnSettingsError, NspawnUsageError } from './errors.js';
import { checkConflicts, type NspawnOptions, type SettingGroup, type SettingsMode } from './options.js';
import { RLIMIT_NAMES } from './process-options.js';
import type { NspawnSettings } from './settings-types.js';
import { RLIMITS, untrustedWarnings, type Privileged } from './settings-privileged.js';

/** Files in /etc/systemd/nspawn and /run/systemd/nspawn are the admin's; --settings=trusted trusts any. */
export const settingsTrusted = (mode: SettingsMode, inAdminDirectory: boolean): boolean => mode === 'trusted' || inAdminDirectory;

export interface MergeHow {
  /** Privileged settings apply. */
  readonly trusted: boolean;
  /** --settings=override: the file wins over the command line. */
  readonly override: boolean;
}

export interface MergedOptions {
  readonly options: NspawnOptions;
  /** What nspawn prints about the file: ignored lines (FILE:LINE: ...), then privileged settings lost. */
  readonly warnings: readonly string[];
}

/**
 * The capabilities nspawn retains, as an explicit set: the command line's (computed at parse
 * time, CAP_NET_ADMIN included for --private-network), then the file's network, Capability= and
 * DropCapability=. Written back as "exactly these", because nspawn's order has corners the
 * planner's default + capability - drop cannot express: with --capability= on the command line a
 * file's Private=yes brings no CAP_NET_ADMIN, and with override a file's Capability= can re-add
 * what --drop-capability= took.
 */
function mergeCapabilities(
  options: NspawnOptions, s: NspawnSettings, how: MergeHow, free: (g: SettingGroup) => boolean, networkConfigured: boolean, untrusted: (what: Privileged) => void,
): Pick<NspawnOptions, 'capability' | 'dropCapability'> | undefined {
  const networkApplies = free('network') && networkConfigured && how.trusted;
  const touched = free('capability') && (s.capability.length > 0 || s.dropCapability.length > 0 || (free('network') && networkConfigured));
  if (!touched && !networkApplies) return undefined;
  const expand = (args: NspawnOptions['capability']): number[] => args.flatMap((a) => (a === 'all' ? [...ALL_CAPABILITIES] : [...a]));
  const retained = new Set([...NSPAWN_DEFAULT_CAPABILITIES, ...expand(options.capability), ...(options.privateNetwork ? [CAP_NET_ADMIN] : [])]);
  for (const c of expand(options.dropCapability)) retained.delete(c);
  if (free('capability')) {
    const plus = new Set(s.capability);
    let networkMinus = false;
    if (free('network') && networkConfigured) {
      if (s.privateNetwork === true) plus.add(CAP_NET_ADMIN);
      else networkMinus = true;
    }
    if (!how.trusted && plus.size > 0) {
      if (s.capability.length > 0) untrusted('Capability= setting');
    } else {
      if (networkMinus) retained.delete(CAP_NET_ADMIN);
      for (const c of plus) retained.add(c);
    }
    for (const c of s.dropCapability) retained.delete(c);
  }
  return { capability: [[...retained].sort((a, b) => a - b)], dropCapability: [ALL_CAPABILITIES.filter((c) => !retained.has(c))] };
}

/** Ambient capabilities, no_new_privs, personality, machine id, system-call filter, limits and OOM score: as nspawn merges them. */
function mergeProcessSettings(
  options: NspawnOptions, s: NspawnSettings, how: MergeHow, free: (g: SettingGroup) => boolean, untrusted: (what: Privileged) => void,
): Partial<NspawnOptions> {
  const out: { -readonly [K in keyof NspawnOptions]?: NspawnOptions[K] } = {};
  const privileged = (what: Privileged, apply: () => void): void => (how.trusted ? apply() : untrusted(what));
  if (free('capability') && s.ambientCapability.length > 0) {
    privileged('AmbientCapability= setting', () => (out.ambientCapability = [...options.ambientCapability, ...s.ambientCapability]));
  }
  if (free('no-new-privileges') && s.noNewPrivileges !== undefined) out.noNewPrivileges = s.noNewPrivileges;
  if (free('personality') && s.personality !== undefined) out.personality = s.personality;
  const machineId = s.machineId;
  if (free('machine-id') && machineId !== undefined) privileged('MachineID= setting', () => (out.uuid = machineId));
  for (const name of RLIMITS) {
    const resource = RLIMIT_NAMES[name]!;
    const value = s.rlimits[resource];
    if (value === undefined || !free(`rlimit-${resource}`)) continue;
    privileged(`Limit${name}= setting`, () => (out.rlimits = { ...(out.rlimits ?? options.rlimits), [resource]: value }));
  }
  // An allow list needs trust and takes the deny list down with it; a deny list alone applies.
  if (free('syscall-filter') && s.systemCallAllow.length + s.systemCallDeny.length > 0) {
    if (!how.trusted && s.systemCallAllow.length > 0) untrusted('SystemCallFilter= settings');
    else Object.assign(out, { systemCallAllow: s.systemCallAllow, systemCallDeny: s.systemCallDeny });
  }
  if (free('suppress-sync') && s.suppressSync !== undefined) out.suppressSync = s.suppressSync;
  const cpus = s.cpuAffinity;
  if (free('cpu-affinity') && cpus !== undefined) privileged('CPUAffinity= setting', () => (out.cpuAffinity = cpus));
  const oom = s.oomScoreAdjust;
  if (free('oom-score-adjust') && oom !== undefined) privileged('OOMScoreAdjust= setting', () => (out.oomScoreAdjust = oom));
  return out;
}

/**
 * nspawn's merge_settings() for the settings nsbox has. Throws NspawnSettingsError for a refused
 * key that would take effect, and for a combination nsbox refuses on the command line too.
 */
export function mergeSettings(options: NspawnOptions, s: NspawnSettings, how: MergeHow): MergedOptions {
  const fixed = new Set(how.override ? [] : options.fixedByCommandLine);
  const free = (g: SettingGroup): boolean => !fixed.has(g);
  const lost = new Set<Privileged>();
  const untrusted = (what: Privileged): void => void lost.add(what);
  const merged: { -readonly [K in keyof NspawnOptions]: NspawnOptions[K] } = { ...options };
  const refusedIn = (group: SettingGroup): boolean => s.refused.some((r) => r.group === group);

  if (free('start-mode') && s.startMode !== undefined) {
    merged.boot = s.startMode === 'boot';
    merged.asPid2 = s.startMode === 'pid2';
    // nspawn replaces the command even when the file has no Parameters=: then it runs the shell.
    merged.command = s.parameters ?? [];
  }
  if (free('ephemeral') && s.ephemeral !== undefined) {
    if (how.trusted) merged.ephemeral = s.ephemeral;
    else untrusted('ephemeral setting');
  }
  if (free('working-directory') && s.workingDirectory !== undefined) merged.chdir = s.workingDirectory;
  if (free('environment') && s.environment !== undefined) merged.setenv = s.environment;
  if (free('user') && s.user !== undefined) merged.user = s.user;
  const networkConfigured = s.privateNetwork !== undefined || s.virtualEthernet !== undefined || refusedIn('network');
  Object.assign(merged, mergeCapabilities(options, s, how, free, networkConfigured, untrusted));
  if (free('kill-signal') && s.killSignal !== undefined) merged.killSignal = s.killSignal;
  if (free('read-only') && s.readOnly !== undefined) merged.readOnly = s.readOnly;
  const customMounts = s.binds.length + s.tmpfs.length + s.overlays.length + s.inaccessible.length;
  if (free('custom-mounts') && (customMounts > 0 || refusedIn('custom-mounts'))) {
    if (how.trusted) Object.assign(merged, { binds: s.binds, tmpfs: s.tmpfs, overlays: s.overlays, inaccessible: s.inaccessible });
    else untrusted('TemporaryFileSystem=, Bind= and BindReadOnly= settings');
  }
  if (free('network') && networkConfigured) {
    if (how.trusted) merged.privateNetwork = s.privateNetwork === true;
    else untrusted('network settings');
  }
  // As nspawn: the ownership keys count only along with PrivateUsers=, and all need trust.
  const users = s.privateUsers;
  if (free('userns') && users !== undefined) {
    if (how.trusted) {
      merged.privateUsers = users;
      if (s.privateUsersOwnership !== undefined) merged.privateUsersOwnership = s.privateUsersOwnership;
      else delete merged.privateUsersOwnership;
    } else untrusted('PrivateUsers= and PrivateUsersChown= settings');
  }
  if (free('hostname') && s.hostname !== undefined) merged.hostname = s.hostname;
  if (free('notify-ready') && s.notifyReady !== undefined) merged.notifyReady = s.notifyReady;
  if (free('volatile') && s.volatile !== undefined) merged.volatile = s.volatile;
  if (free('resolv-conf') && s.resolvConf !== undefined) merged.resolvConf = s.resolvConf;
  if (free('timezone') && s.timezone !== undefined) merged.timezone = s.timezone;
  Object.assign(merged, mergeProcessSettings(options, s, how, free, untrusted));

  const errors: UnitDiagnostic[] = [];
  for (const r of s.refused) {
    if (r.group !== undefined && !free(r.group)) continue;
    if (!how.trusted && r.privileged !== undefined) untrusted(r.privileged);
    else errors.push({ file: s.file, line: r.line, key: r.key, severity: 'error', message: r.message });
  }
  if (errors.length > 0) throw new NspawnSettingsError(errors);
  try {
    checkConflicts(merged);
  } catch (e) {
    if (!(e instanceof NspawnUsageError)) throw e;
    throw new NspawnSettingsError([{ file: s.file, line: 0, severity: 'error', message: `with its settings applied: ${e.message}` }]);
  }
  return { options: merged, warnings: untrustedWarnings(lost, s.file) };
}
