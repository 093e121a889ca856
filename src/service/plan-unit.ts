// The edge between a unit on disk and the executor: load the unit, gather the facts the pure
// planner needs (user database, EnvironmentFile= contents, host environment, the manager's
// capabilities and mount points, a seccomp compiler, the unit's private /tmp), resolve bare
// command names, and plan every Exec*= command. Nothing is started here.
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plan } from '../plan/types.js';
import { COMMAND_KINDS, type CommandKind, type ExecCommand } from '../unit/exec-command.js';
import { EnvironmentFileMissingError, ExecSetupError, type SandboxDiagnostic } from '../sandbox/errors.js';
import type { ExecSettings } from '../unit/exec-settings.js';
import type { PrivateTmpDirs } from '../sandbox/mount-list.js';
import { effectiveRoot, planCommand, type PlanFacts } from '../sandbox/plan-command.js';
import { unenforcedDirectivesSet } from '../sandbox/unenforced.js';
import { compileSeccompFilters } from '../seccomp/compile.js';
import { DEFAULT_EXEC_SEARCH_PATH, loadUnit, loadUnitFile, resolveCommandPath, type LoadedUnit } from '../unit/index.js';
import { NotAServiceError, UnitNotLoadedError } from './errors.js';
import { currentMountPoints, managerCapabilities, readEnvironmentFiles } from './host-facts.js';
import { plannedPrivateTmpDirs } from './private-tmp.js';
import { readUserDatabase } from './user-db.js';

export interface PlanUnitOptions {
  /** `--root`: units, drop-ins, EnvironmentFile= and RootDirectory= are read below this tree. */
  readonly root?: string;
  /** SYSTEMD_UNIT_PATH's value (colon-separated; a trailing colon appends the defaults). */
  readonly unitPath?: string;
  /** The manager's environment PassEnvironment= draws from; default: this process's. */
  readonly hostEnvironment?: Readonly<Record<string, string | undefined>>;
  /** The unit's private /tmp pair; default: the place it would get (not created). */
  readonly privateTmpDirs?: PrivateTmpDirs;
  /** What the manager gives every command first (PATH, the locale); default: systemd's PATH only. */
  readonly managerEnvironment?: readonly string[];
}

export { COMMAND_KINDS };

export interface PlannedCommand {
  readonly command: ExecCommand;
  /** Absent when the command cannot start; `error` says why. */
  readonly plan?: Plan;
  readonly diagnostics: readonly SandboxDiagnostic[];
  readonly ignoreFailure: boolean;
  /** systemd's exit status name (USER, GROUP, EXEC ...), or 'resources' when nothing starts; and the reason. */
  readonly error?: { readonly status: string; readonly message: string };
}

export interface UnitPlans {
  readonly unit: LoadedUnit;
  /** Directives the unit sets that nsbox accepts but does not enforce (all its commands). */
  readonly unenforced: readonly SandboxDiagnostic[];
  readonly commands: readonly PlannedCommand[];
}

const commandsOf = (unit: LoadedUnit): ExecCommand[] => {
  const s = unit.settings.service;
  const byKind: Record<CommandKind, readonly ExecCommand[]> = {
    ExecCondition: s.execCondition, ExecStartPre: s.execStartPre, ExecStart: s.execStart, ExecStartPost: s.execStartPost,
    ExecReload: s.execReload, ExecStop: s.execStop, ExecStopPost: s.execStopPost,
  };
  return COMMAND_KINDS.flatMap((k) => byKind[k]);
};

/** A name or a path (anything with a slash) -> the loaded unit; throws unless it loaded. */
export async function loadServiceUnit(nameOrPath: string, opts: PlanUnitOptions = {}): Promise<LoadedUnit> {
  const loadOpts = { ...(opts.root !== undefined ? { root: opts.root } : {}), ...(opts.unitPath !== undefined ? { unitPath: opts.unitPath } : {}) };
  const unit = nameOrPath.includes('/') ? await loadUnitFile(resolve(nameOrPath), loadOpts) : await loadUnit(nameOrPath, loadOpts);
  if (unit.loadState !== 'loaded') {
    const details = unit.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}: ${d.message}`);
    throw new UnitNotLoadedError(unit.name, unit.loadState, details);
  }
  if (!unit.name.endsWith('.service')) throw new NotAServiceError(unit.name);
  return unit;
}

const isExecutableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The tree a command runs in, as a host path: RootDirectory= (below --root), or --root itself. */
const treeOf = (exec: ExecSettings, command: ExecCommand, root: string): string => {
  const inside = effectiveRoot(exec, command);
  return inside === undefined ? root : join(root, inside);
};

/** Plans every command of a loaded service; a command that cannot start carries its error. */
export async function planLoadedUnit(unit: LoadedUnit, opts: PlanUnitOptions = {}): Promise<UnitPlans> {
  const root = opts.root ?? '/';
  // With --root, RootDirectory= names a path inside that tree; the planner works on host paths.
  const exec: ExecSettings = opts.root !== undefined && unit.settings.exec.rootDirectory !== undefined
    ? { ...unit.settings.exec, rootDirectory: join(opts.root, unit.settings.exec.rootDirectory) }
    : unit.settings.exec;
  const shared = {
    environmentFiles: await readEnvironmentFiles(exec.environmentFiles, root),
    hostEnvironment: opts.hostEnvironment ?? process.env,
    privateTmpDirs: opts.privateTmpDirs ?? plannedPrivateTmpDirs(unit.name),
    ...(opts.managerEnvironment !== undefined ? { managerEnvironment: opts.managerEnvironment } : {}),
    compileSeccomp: compileSeccompFilters,
    availableCapabilities: managerCapabilities(),
    mountPoints: currentMountPoints(),
    // The manager's user database, as systemd resolves User= before it enters RootDirectory=
    // (with --root, the image's own /etc stands for the manager's).
    userDatabase: readUserDatabase(root),
  };
  const searchPath = unit.settings.service.execSearchPath ?? DEFAULT_EXEC_SEARCH_PATH;
  const commands = commandsOf(unit).map((c): PlannedCommand => {
    const tree = treeOf(exec, c, root);
    const path = resolveCommandPath(c.path, (p) => isExecutableFile(join(tree, p)), searchPath);
    const base = { command: c, diagnostics: [], ignoreFailure: c.prefixes.ignoreFailure };
    // systemd resolves the name when the command starts; not found is 203/EXEC then.
    if (path === undefined) return { ...base, error: { status: 'EXEC', message: `${c.path}: command not found in ${searchPath.join(':')}` } };
    const facts: PlanFacts = shared;
    try {
      const planned = planCommand(exec, { ...c, path }, facts);
      return { command: { ...c, path }, plan: planned.plan, diagnostics: planned.diagnostics, ignoreFailure: planned.ignoreFailure };
    } catch (e) {
      if (e instanceof ExecSetupError) return { ...base, error: { status: e.status, message: e.message } };
      // Nothing starts at all: systemd's unit result is 'resources', there is no exit status.
      if (e instanceof EnvironmentFileMissingError) return { ...base, error: { status: 'resources', message: e.message } };
      throw e;
    }
  });
  const unenforced = unenforcedDirectivesSet(unit.settings.other)
    .map((key): SandboxDiagnostic => {
      const at = unit.settings.otherAt[`Service.${key}`];
      return { level: 'warning', setting: `${key}=`, message: 'accepted but not enforced by nsbox', ...(at ? { at } : {}) };
    });
  return { unit, unenforced, commands };
}

/** Loads a service by name or path and plans all its commands. */
export async function planUnit(nameOrPath: string, opts: PlanUnitOptions = {}): Promise<UnitPlans> {
  return planLoadedUnit(await loadServiceUnit(nameOrPath, opts), opts);
}
