// The mount list: collect entries from the settings, then normalize them the way systemd's
// namespace.c does (sort parents-first by priority, then drop duplicates, entries outside the
// root, entries below an inaccessible path and no-op entries). Each pass is exported and pure.
import { EXEC_DIRECTORY_PREFIX, EXEC_DIRECTORY_TYPES, type ExecSettings, type PathSetting } from '../unit/exec-settings.js';
import { entryIsReadOnly, modePriority, type MountEntry, type MountMode } from './mount-entry.js';
import {
  API_VFS, PROTECT_CONTROL_GROUPS, PROTECT_HOME, PROTECT_KERNEL_LOGS_DEV, PROTECT_KERNEL_LOGS_PROC,
  PROTECT_KERNEL_MODULES, PROTECT_KERNEL_TUNABLES_PROC, PROTECT_KERNEL_TUNABLES_SYS, PROTECT_SYSTEM,
  type PresetEntry,
} from './presets.js';
import { pathCompare, pathIsUnder, pathWithRoot, simplifyPath } from './paths.js';
import { parseTmpfsOptions } from './tmpfs-options.js';
import type { SandboxDiagnostic } from './errors.js';

/** Where the unit's private /tmp and /var/tmp live on the host; shared by all its commands. */
export interface PrivateTmpDirs {
  readonly tmp: string;
  readonly varTmp: string;
}

export interface MountListInput {
  readonly settings: ExecSettings;
  /** Required when settings.privateTmp. */
  readonly privateTmpDirs?: PrivateTmpDirs;
}

/** systemd's exec_needs_mount_namespace(): any of these asks for a private mount table. */
export function needsMountNamespace(s: ExecSettings): boolean {
  return s.rootDirectory !== undefined || s.mountAPIVFS === true || s.privateMounts || s.mountPropagation !== undefined || s.privateTmp ||
    s.privateDevices || s.protectSystem !== 'no' || s.protectHome !== 'no' || s.protectKernelTunables ||
    s.protectKernelModules || s.protectKernelLogs || s.protectControlGroups ||
    s.protectProc !== 'default' || s.procSubset !== 'all' ||
    [s.readOnlyPaths, s.readWritePaths, s.inaccessiblePaths, s.execPaths, s.noExecPaths,
      s.temporaryFileSystem, s.bindPaths, s.bindReadOnlyPaths].some((list) => list.length > 0);
}

/** RootDirectory= implies MountAPIVFS= unless set explicitly. */
export const wantsApiVfs = (s: ExecSettings): boolean => s.mountAPIVFS ?? s.rootDirectory !== undefined;

const fromPathSettings = (list: readonly PathSetting[], mode: MountMode, origin: string): MountEntry[] =>
  list.map((p) => ({
    path: simplifyPath(p.path), mode, ignoreMissing: p.ignoreMissing, readOnly: false,
    // Without `+`, the path names a host path, even with RootDirectory= (systemd's has_prefix).
    hasRootPrefix: !p.relativeToRoot, origin,
  }));

const fromPreset = (list: readonly PresetEntry[], origin: string): MountEntry[] =>
  list.map((p) => ({
    path: p.path, mode: p.mode, ignoreMissing: p.ignoreMissing, readOnly: p.readOnly ?? false,
    hasRootPrefix: false, origin, ...(p.tmpfs ? { tmpfs: p.tmpfs } : {}),
  }));

/** The unsorted mount list, in systemd's append order (stable sort keeps it for equal keys). */
export function collectMountEntries(input: MountListInput): { entries: MountEntry[]; diagnostics: SandboxDiagnostic[] } {
  const s = input.settings;
  const diagnostics: SandboxDiagnostic[] = [];
  const entries: MountEntry[] = [
    ...fromPathSettings(s.readWritePaths, 'read-write', 'ReadWritePaths='),
    // systemd's compile_read_write_paths(): the *Directory= paths stay writable under ProtectSystem= and friends.
    ...EXEC_DIRECTORY_TYPES.flatMap((t) => fromPathSettings(s.execDirectories[t].map((p) => ({ path: `${EXEC_DIRECTORY_PREFIX[t]}/${p}`, ignoreMissing: true, relativeToRoot: false })),
      'read-write', `${t === 'configuration' ? 'Configuration' : t[0]!.toUpperCase() + t.slice(1)}Directory=`)),
    ...fromPathSettings(s.readOnlyPaths, 'read-only', 'ReadOnlyPaths='),
    ...fromPathSettings(s.inaccessiblePaths, 'inaccessible', 'InaccessiblePaths='),
    ...fromPathSettings(s.execPaths, 'exec', 'ExecPaths='),
    ...fromPathSettings(s.noExecPaths, 'noexec', 'NoExecPaths='),
  ];
  const binds = [
    ...s.bindPaths.map((b) => ({ b, readOnly: false, origin: 'BindPaths=' })),
    ...s.bindReadOnlyPaths.map((b) => ({ b, readOnly: true, origin: 'BindReadOnlyPaths=' })),
  ];
  for (const { b, readOnly, origin } of binds) {
    entries.push({
      path: simplifyPath(b.destination), mode: b.recursive ? 'bind-recursive' : 'bind',
      ignoreMissing: b.ignoreMissing, readOnly, hasRootPrefix: false, source: simplifyPath(b.source), origin,
    });
  }
  for (const t of s.temporaryFileSystem) {
    const parsed = parseTmpfsOptions('TemporaryFileSystem=', t.options);
    diagnostics.push(...parsed.diagnostics);
    entries.push({
      path: simplifyPath(t.path), mode: 'tmpfs', ignoreMissing: false, readOnly: parsed.readOnly,
      hasRootPrefix: false, tmpfs: parsed.tmpfs, origin: 'TemporaryFileSystem=',
    });
  }
  if (s.privateTmp) {
    if (!input.privateTmpDirs) {
      diagnostics.push({ level: 'error', setting: 'PrivateTmp=', message: 'no private /tmp directory was given' });
    } else {
      for (const [path, source] of [['/tmp', input.privateTmpDirs.tmp], ['/var/tmp', input.privateTmpDirs.varTmp]] as const) {
        entries.push({ path, mode: 'private-tmp', ignoreMissing: false, readOnly: false, hasRootPrefix: false, source, origin: 'PrivateTmp=yes' });
      }
    }
  }
  if (s.privateDevices) {
    entries.push({ path: '/dev', mode: 'private-dev', ignoreMissing: false, readOnly: false, hasRootPrefix: false, origin: 'PrivateDevices=yes' });
  }
  if (s.protectKernelTunables) {
    entries.push(...fromPreset(PROTECT_KERNEL_TUNABLES_PROC, 'ProtectKernelTunables=yes'));
    entries.push(...fromPreset(PROTECT_KERNEL_TUNABLES_SYS, 'ProtectKernelTunables=yes'));
  }
  if (s.protectKernelModules) entries.push(...fromPreset(PROTECT_KERNEL_MODULES, 'ProtectKernelModules=yes'));
  if (s.protectKernelLogs) {
    entries.push(...fromPreset(PROTECT_KERNEL_LOGS_PROC, 'ProtectKernelLogs=yes'));
    entries.push(...fromPreset(PROTECT_KERNEL_LOGS_DEV, 'ProtectKernelLogs=yes'));
  }
  if (s.protectControlGroups) entries.push(...fromPreset(PROTECT_CONTROL_GROUPS, 'ProtectControlGroups=yes'));
  entries.push(...fromPreset(PROTECT_HOME[s.protectHome], `ProtectHome=${s.protectHome}`));
  entries.push(...fromPreset(PROTECT_SYSTEM[s.protectSystem], `ProtectSystem=${s.protectSystem}`));
  if (wantsApiVfs(s)) {
    entries.push(...fromPreset(API_VFS, s.mountAPIVFS === true ? 'MountAPIVFS=yes' : 'RootDirectory= (implies MountAPIVFS=yes)'));
  } else if (s.protectProc !== 'default' || s.procSubset !== 'all') {
    // hidepid=/subset= are per-instance options: they need a fresh /proc even without API VFS.
    entries.push({ path: '/proc', mode: 'procfs', ignoreMissing: false, readOnly: false, hasRootPrefix: false, origin: 'ProtectProc=/ProcSubset=' });
  }
  return { entries, diagnostics };
}

/** Makes every path a host path: entries inside the root get the root prefixed. */
export const prefixWhereNeeded = (entries: readonly MountEntry[], root: string): MountEntry[] =>
  entries.map((e) => (e.hasRootPrefix ? e : { ...e, path: pathWithRoot(root, e.path), hasRootPrefix: true }));

/** Parents first; for one path, the higher-priority mode first. */
export const compareEntries = (a: MountEntry, b: MountEntry): number =>
  pathCompare(a.path, b.path) || modePriority(a.mode) - modePriority(b.mode);

export const sortEntries = (entries: readonly MountEntry[]): MountEntry[] => [...entries].sort(compareEntries);

/** Same path twice: the first (higher priority) wins, but a read-only flag of a loser carries over. */
export function dropDuplicates(sorted: readonly MountEntry[]): MountEntry[] {
  const out: MountEntry[] = [];
  for (const e of sorted) {
    const previous = out[out.length - 1];
    if (previous && previous.path === e.path) {
      if (entryIsReadOnly(e) && !entryIsReadOnly(previous)) out[out.length - 1] = { ...previous, readOnly: true };
      continue;
    }
    out.push(e);
  }
  return out;
}

/** With RootDirectory=, host paths outside it cannot matter to the sandbox and are dropped. */
export const dropOutsideRoot = (entries: readonly MountEntry[], root: string): MountEntry[] =>
  entries.filter((e) => pathIsUnder(e.path, root));

/**
 * What dropOutsideRoot() will drop, said aloud: systemd drops these silently, but whoever wrote
 * InaccessiblePaths=/home for a RootDirectory= service believes the tree's /home is hidden.
 */
export function outsideRootDiagnostics(entries: readonly MountEntry[], root: string): SandboxDiagnostic[] {
  return prefixWhereNeeded(entries, root).filter((e) => !pathIsUnder(e.path, root)).map((e) => ({
    level: 'warning', setting: e.origin,
    message: `${e.path} lies outside RootDirectory=${root} and is dropped, as systemd does: without a "+" prefix ` +
      `the path names a host path; "+${e.path}" names it inside the root`,
  }));
}

/** Anything listed below an inaccessible path stays hidden: its entry is dropped. */
export function dropBelowInaccessible(sorted: readonly MountEntry[]): MountEntry[] {
  const out: MountEntry[] = [];
  let hidden: string | undefined;
  for (const e of sorted) {
    if (hidden !== undefined && pathIsUnder(e.path, hidden)) continue;
    hidden = e.mode === 'inaccessible' ? e.path : undefined;
    out.push(e);
  }
  return out;
}

const NOP_CANDIDATES: ReadonlySet<MountMode> = new Set(['read-only', 'read-write', 'read-write-implicit']);

/** A read-only/read-write entry whose nearest listed parent has the same mode changes nothing. */
export function dropNop(sorted: readonly MountEntry[]): MountEntry[] {
  const out: MountEntry[] = [];
  for (const e of sorted) {
    if (NOP_CANDIDATES.has(e.mode)) {
      const parent = [...out].reverse().find((p) => pathIsUnder(e.path, p.path));
      if (parent && parent.mode === e.mode && parent.readOnly === e.readOnly) continue;
    }
    out.push(e);
  }
  return out;
}

const SKIPPED_WHEN_MOUNTED: ReadonlySet<MountMode> = new Set(['bind-dev', 'sysfs', 'run']);

/**
 * systemd makes /dev, /sys and /run of MountAPIVFS= no-ops where the path is already a mount
 * point (the host's own, without RootDirectory=); /proc is always fresh. `mountPoints` are host
 * paths, as the entries' after prefixing.
 */
export const dropMountedApiEntries = (entries: readonly MountEntry[], mountPoints: ReadonlySet<string>): MountEntry[] =>
  entries.filter((e) => !(SKIPPED_WHEN_MOUNTED.has(e.mode) && mountPoints.has(e.path)));

/** The whole normalization, in systemd's order; `root` is '/' without RootDirectory=. */
export function normalizeMountList(entries: readonly MountEntry[], root: string): MountEntry[] {
  const prefixed = prefixWhereNeeded(entries, root);
  return dropNop(dropBelowInaccessible(dropOutsideRoot(dropDuplicates(sortEntries(prefixed)), root)));
}
