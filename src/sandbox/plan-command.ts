// planCommand(): one Exec*= command of a unit + its ExecSettings + injected facts -> a Plan,
// with systemd 252's semantics. Pure: the edge supplies the user database of the tree, the host
// environment, the EnvironmentFile= contents and a seccomp compiler.
import { rootPath, type Capabilities, type NamespaceKind, type Op, type Plan, type ProcessSettings } from '../plan/types.js';
import type { ExecSettings } from '../unit/exec-settings.js';
import type { ExecCommand } from '../unit/exec-command.js';
import { EnvironmentFileMissingError, ExecSetupError, type SandboxDiagnostic } from './errors.js';
import {
  collectMountEntries, dropMountedApiEntries, needsMountNamespace, normalizeMountList, outsideRootDiagnostics, type PrivateTmpDirs,
} from './mount-list.js';
import { mountListOps } from './mount-ops.js';
import { resolveCredentials, lookupUser, type UserDatabase, type ResolvedCredentials } from './credentials.js';
import { DEFAULT_PATH_ASSIGNMENT, execDirectoryEnvironment, mergeEnvironment, passEnvironment, unsetEnvironment, userEnvironment } from './environment.js';
import { parseEnvironmentFile } from './env-file.js';
import { expandArgv } from '../unit/env-expand.js';
import { serviceCapabilities } from './capabilities.js';
import { seccompPolicy, type SeccompPolicy } from './seccomp-policy.js';
import { pathInsideRoot, simplifyPath } from './paths.js';
import type { MountEntry } from './mount-entry.js';
import { WireLimit } from '../plan/wire-layout.js';

export interface PlanFacts {
  /** The user database of the tree the command runs in (RootDirectory='s, or the host's). */
  readonly userDatabase: UserDatabase;
  /** The manager's environment (PATH, LANG, INVOCATION_ID ...); default: systemd's PATH only. */
  readonly managerEnvironment?: readonly string[];
  /** The host environment PassEnvironment= draws from. */
  readonly hostEnvironment?: Readonly<Record<string, string | undefined>>;
  /** Contents of each EnvironmentFile= path, as read by the edge; undefined: missing. */
  readonly environmentFiles?: Readonly<Record<string, string | undefined>>;
  /** The unit's private /tmp and /var/tmp on the host (PrivateTmp=); shared by all its commands. */
  readonly privateTmpDirs?: PrivateTmpDirs;
  /** Compiles the system-call policy to classic BPF programs, loaded in order (src/seccomp/). */
  readonly compileSeccomp?: (policy: SeccompPolicy) => readonly Uint8Array[];
  /**
   * Host paths that are mount points already (from /proc/self/mountinfo): MountAPIVFS= leaves
   * /dev, /sys and /run alone where they are, as systemd does. Absent: none are.
   */
  readonly mountPoints?: readonly string[];
  /** The manager's own permitted capabilities (the edge reads /proc/self/status); default: all. */
  readonly availableCapabilities?: readonly number[];
}

export interface CommandPlan {
  readonly plan: Plan;
  readonly diagnostics: readonly SandboxDiagnostic[];
  /** The `-` prefix: a failing exit status does not fail the unit. */
  readonly ignoreFailure: boolean;
}

/** RootDirectoryStartOnly=yes keeps every command but ExecStart= outside the root. */
export function effectiveRoot(s: ExecSettings, command: ExecCommand): string | undefined {
  if (s.rootDirectory === undefined || command.prefixes.fullPrivileges) return undefined;
  if (s.rootDirectoryStartOnly && command.kind !== 'ExecStart') return undefined;
  const root = simplifyPath(s.rootDirectory);
  return root === '/' ? undefined : root;
}

/** EnvironmentFile= assignments in order; a missing file without `-` fails the start. */
export function environmentFromFiles(s: ExecSettings, files: Readonly<Record<string, string | undefined>>): { env: string[]; diagnostics: SandboxDiagnostic[] } {
  const env: string[] = [];
  const diagnostics: SandboxDiagnostic[] = [];
  for (const f of s.environmentFiles) {
    const text = files[f.path];
    if (text === undefined) {
      if (f.ignoreMissing) continue;
      throw new EnvironmentFileMissingError(f.path);
    }
    const parsed = parseEnvironmentFile(text, f.path);
    env.push(...parsed.assignments);
    diagnostics.push(...parsed.diagnostics);
  }
  return { env, diagnostics };
}

function workingDirectory(s: ExecSettings, creds: ResolvedCredentials | undefined, db: UserDatabase): Pick<ProcessSettings, 'cwd' | 'cwdOptional'> {
  const wd = s.workingDirectory;
  if (!wd) return { cwd: '/' };
  // `~` without User= is root's home, as systemd resolves it.
  const home = creds?.user?.home ?? lookupUser(db, 'root')?.home ?? '/root';
  // nobody has no home at all: systemd fails such a start with 200/CHDIR (ENXIO).
  if (wd.kind === 'home' && home === '') throw new ExecSetupError('CHDIR', 'WorkingDirectory=', `~: user ${creds?.user?.name ?? ''} has no home directory`);
  const cwd = wd.kind === 'home' ? home : wd.path;
  return wd.ignoreMissing ? { cwd, cwdOptional: true } : { cwd };
}

const CAP_SYS_ADMIN = 21;

/**
 * Whether the payload still holds CAP_SYS_ADMIN when the helper loads its filters (after setuid
 * and the capability sets). Without it the kernel refuses a filter unless no_new_privs is set, so
 * systemd implies NoNewPrivileges=yes for any seccomp setting of an unprivileged service.
 */
function holdsSysAdmin(uid: number, caps: Capabilities | undefined, available: readonly number[] | undefined): boolean {
  if (caps) return caps.effective.includes(CAP_SYS_ADMIN);
  return uid === 0 && (available ?? [CAP_SYS_ADMIN]).includes(CAP_SYS_ADMIN);
}

/**
 * A recursive remount spares the entries below it (the helper's MAX_REMOUNT_EXCLUSIONS of them):
 * name the settings of the spared paths and of the remount, rather than let the helper refuse.
 */
function remountLimitDiagnostics(ops: readonly Op[], list: readonly MountEntry[], root: string): SandboxDiagnostic[] {
  const originOf = new Map(list.map((e) => [pathInsideRoot(e.path, root), e.origin]));
  return ops.flatMap((op): SandboxDiagnostic[] => {
    if (op.kind !== 'remount' || (op.exclude?.length ?? 0) <= WireLimit.MAX_REMOUNT_EXCLUSIONS) return [];
    const spared = [...new Set(op.exclude!.map((p) => originOf.get(p.path) ?? '?'))];
    const by = originOf.get(op.target.path);
    return [{
      level: 'error', setting: spared.join(', '),
      message: `${op.exclude!.length} paths below ${op.target.path}${by ? ` (made ${op.flags.readOnly ? 'read-only' : 'noexec'} by ${by})` : ''} keep their own flags; ` +
        `the helper spares at most ${WireLimit.MAX_REMOUNT_EXCLUSIONS} (MAX_REMOUNT_EXCLUSIONS) below one path`,
    }];
  });
}

/** The lists of the process record whose length the helper caps. */
function listLimitDiagnostics(argv: readonly string[], env: readonly string[], groups: readonly number[]): SandboxDiagnostic[] {
  const over = (setting: string, what: string, count: number, limit: 'MAX_FIELDS' | 'MAX_GROUPS'): SandboxDiagnostic[] =>
    count > WireLimit[limit] ? [{ level: 'error', setting, message: `${count} ${what}, more than the helper's ${limit} (${WireLimit[limit]})` }] : [];
  return [
    ...over('ExecStart=', 'arguments', argv.length, 'MAX_FIELDS'),
    ...over('Environment=', 'environment variables', env.length, 'MAX_FIELDS'),
    ...over('SupplementaryGroups=', 'supplementary groups', groups.length, 'MAX_GROUPS'),
  ];
}

/** Throws ExecSetupError (217/USER ...) or EnvironmentFileMissingError; never touches the system. */
export function planCommand(settings: ExecSettings, command: ExecCommand, facts: PlanFacts): CommandPlan {
  const diagnostics: SandboxDiagnostic[] = [];
  const sandboxed = !command.prefixes.fullPrivileges;
  const applyCredentials = sandboxed && !command.prefixes.noSetCredentials;

  const creds = applyCredentials ? resolveCredentials(settings, facts.userDatabase) : undefined;

  const files = environmentFromFiles(settings, facts.environmentFiles ?? {});
  diagnostics.push(...files.diagnostics);
  const env = unsetEnvironment(mergeEnvironment(
    facts.managerEnvironment ?? [DEFAULT_PATH_ASSIGNMENT],
    userEnvironment(creds?.user ? { userName: creds.user.name, home: creds.user.home, shell: creds.user.shell } : undefined),
    execDirectoryEnvironment(settings),
    passEnvironment(settings.passEnvironment, facts.hostEnvironment ?? {}),
    settings.environment,
    files.env,
  ), settings.unsetEnvironment);

  const root = effectiveRoot(settings, command);
  const namespaces: Exclude<NamespaceKind, 'pid'>[] = [];
  const ops: Op[] = [];
  if (sandboxed && (needsMountNamespace(settings))) {
    namespaces.push('mount');
    const effective = root === undefined ? { ...settings, rootDirectory: undefined } : settings;
    const collected = collectMountEntries({
      settings: effective as ExecSettings,
      ...(facts.privateTmpDirs ? { privateTmpDirs: facts.privateTmpDirs } : {}),
    });
    diagnostics.push(...collected.diagnostics);
    if (root !== undefined) diagnostics.push(...outsideRootDiagnostics(collected.entries, root));
    const list = dropMountedApiEntries(normalizeMountList(collected.entries, root ?? '/'), new Set(facts.mountPoints ?? []));
    ops.push(...mountListOps(list, {
      root: root ?? '/', protectProc: settings.protectProc, procSubset: settings.procSubset,
      mountNosuid: settings.noNewPrivileges,
    }));
    diagnostics.push(...remountLimitDiagnostics(ops, list, root ?? '/'));
    if (root !== undefined) ops.push({ kind: 'switch-root' });
    // Last, as systemd (MS_MOVE refuses shared mounts): the helper made every copied mount a slave
    // first, so even `shared` propagates nothing back to the host; it makes the service's own
    // mounts peers of each other (mountinfo's shared:N), which is systemd's default.
    ops.push({ kind: 'propagation', target: rootPath('/'), mode: settings.mountPropagation ?? 'shared', recursive: true });
  }
  if (sandboxed && settings.privateNetwork) namespaces.push('net');
  if (sandboxed && settings.privateIPC) namespaces.push('ipc');
  if (sandboxed && settings.protectHostname) namespaces.push('uts');

  let seccompFilters: readonly Uint8Array[] = [];
  const policy = sandboxed ? seccompPolicy(settings) : undefined;
  if (policy) {
    if (facts.compileSeccomp) seccompFilters = facts.compileSeccomp(policy);
    else diagnostics.push({ level: 'error', setting: 'SystemCallFilter=', message: 'a system-call filter is needed but no compiler was given' });
  }

  const uid = creds?.credentials.uid ?? 0;
  const capabilities = sandboxed ? serviceCapabilities(settings, uid, facts.availableCapabilities) : undefined;
  const noNewPrivileges = sandboxed && (settings.noNewPrivileges ||
    (seccompFilters.length > 0 && !holdsSysAdmin(uid, capabilities, facts.availableCapabilities)));
  const argv = expandArgv(command.argv, env, command.prefixes.noEnvExpansion);
  diagnostics.push(...listLimitDiagnostics(argv, env, creds?.credentials.supplementaryGroups ?? []));
  const process: ProcessSettings = {
    argv,
    env,
    ...workingDirectory(settings, creds, facts.userDatabase),
    ...(creds ? { credentials: creds.credentials } : {}),
    umask: settings.umask,
    ...(Object.keys(settings.limits).length > 0 ? { rlimits: settings.limits } : {}),
    ...(capabilities ? { capabilities } : {}),
    ...(noNewPrivileges ? { noNewPrivileges: true } : {}),
    ...(seccompFilters.length > 0 ? { seccompFilters } : {}),
    ...(settings.oomScoreAdjust !== undefined ? { oomScoreAdjust: settings.oomScoreAdjust } : {}),
    ...(settings.nice !== undefined ? { nice: settings.nice } : {}),
    // Every service runs in a session of its own.
    terminal: { kind: 'new-session' },
  };
  return {
    plan: {
      namespaces, pidMode: 'none', ...(root !== undefined ? { root } : {}), ops,
      process: { ...process, executable: command.path },
    },
    diagnostics,
    ignoreFailure: command.prefixes.ignoreFailure,
  };
}

