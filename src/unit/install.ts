// Unit-file enablement as systemctl 252 does it client-side (src/shared/install.c's rules, checked
// against `systemctl --root=DIR` on this machine): a unit's enablement state, the symlinks that
// enable/disable/mask/unmask make and remove, list-unit-files, presets. Pure: the edge
// (service/enablement.ts) reads the search path into a UnitFileTree and applies the changes.
//
// Paths here are paths inside the root (`/etc/systemd/system/foo.service`); the edge adds the
// root when it prints or touches them, as systemctl --root prints rooted link paths and writes
// unrooted targets.
import { fnmatch } from './fnmatch.js';
import { lexUnitFile } from './lexer.js';
import { applyAssignments } from './parse.js';
import type { InstallSection } from './settings.js';
import type { UnitHostFacts } from './specifiers.js';
import { instantiate, isInstance, isTemplate, parseUnitName, templateOf } from './unit-name.js';

export const PERSISTENT_CONFIG = '/etc/systemd/system';
export const RUNTIME_CONFIG = '/run/systemd/system';

export type UnitFileState =
  | 'enabled' | 'enabled-runtime' | 'linked' | 'linked-runtime' | 'alias' | 'masked' | 'masked-runtime'
  | 'static' | 'disabled' | 'indirect' | 'generated' | 'transient' | 'bad';

/** What a path finally is, symlinks followed inside the root. */
export type FinalTarget = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'masked' } | { readonly kind: 'missing' };

/** A unit-named file or symlink directly in a search-path directory. */
export interface UnitDirEntry {
  readonly name: string;
  /** Symlinks: where the link points, made absolute (inside the root), not followed further. */
  readonly dest?: string;
  /** The file behind it: an empty file or /dev/null is `masked`. */
  readonly target: FinalTarget;
}

export interface SearchDir {
  readonly path: string;
  /** Unit-named regular files and symlinks, in directory order. */
  readonly entries: readonly UnitDirEntry[];
  /** `*.wants/`, `*.requires/`, `*.upholds/` subdirectories and the unit-named symlinks in each. */
  readonly depDirs: readonly { readonly name: string; readonly links: readonly { readonly name: string; readonly dest: string }[] }[];
}

/** A symlink below a config directory (any depth), for disable's sweep. */
export interface ConfigLink {
  /** The link's own path. */
  readonly path: string;
  /** Its destination, followed inside the root as far as it exists (the rest kept as written). */
  readonly dest: string;
}

export interface PresetRule {
  readonly action: 'enable' | 'disable';
  readonly pattern: string;
  /** `enable foo@.service a b`: the instances a template's preset enables. */
  readonly instances: readonly string[];
}

export interface UnitFileTree {
  readonly searchPath: readonly SearchDir[];
  /** Text of every unit file a lookup can reach, by path. */
  readonly texts: ReadonlyMap<string, string>;
  /** Every symlink below /etc/systemd/system and /run/systemd/system, in walk order. */
  readonly configLinks: ReadonlyMap<string, readonly ConfigLink[]>;
  readonly presets: readonly PresetRule[];
  readonly host: UnitHostFacts;
  /** Unit files named by path on the command line (`enable /opt/app/app.service`): what each is. */
  readonly namedFiles?: ReadonlyMap<string, FinalTarget>;
}

/** One change, as systemctl's install_changes_dump prints it. */
export type InstallChange =
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | { readonly kind: 'unlink'; readonly path: string }
  | { readonly kind: 'is-masked'; readonly path: string }
  | { readonly kind: 'destination-not-present'; readonly unitPath: string; readonly destination: string }
  | { readonly kind: 'error'; readonly error: InstallError };

export type InstallError =
  | { readonly kind: 'not-found'; readonly unit: string }
  | { readonly kind: 'masked'; readonly path: string }
  | { readonly kind: 'exists'; readonly path: string; readonly symlinkTo?: string }
  | { readonly kind: 'non-template-destination'; readonly unit: string; readonly destination: string }
  | { readonly kind: 'invalid-name'; readonly name: string }
  | { readonly kind: 'generated'; readonly path: string };

export interface InstallResult {
  readonly changes: readonly InstallChange[];
  /** A change failed: systemctl exits 1 (some failures it prints, e.g. disable of an unknown unit, do not count). */
  readonly failed: boolean;
  /** enable: none of the units had [Install] rules (systemctl's "no installation config" notice). */
  readonly noInstallInfo: boolean;
}

const GENERATOR_DIRS = ['/run/systemd/generator', '/run/systemd/generator.early', '/run/systemd/generator.late'];
const TRANSIENT_DIR = '/run/systemd/transient';
const isRuntimePath = (p: string): boolean => p === '/run' || p.startsWith('/run/');
const under = (path: string, dir: string): boolean => path.startsWith(`${dir}/`);
const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const dirOf = (p: string): string => p.slice(0, Math.max(1, p.lastIndexOf('/')));

/** A unit as install.c's traversal ends on it. */
export type Discovered =
  | { readonly mode: 'regular'; readonly name: string; readonly path: string; readonly install: InstallSection }
  | { readonly mode: 'masked'; readonly name: string; readonly path: string };

export type DiscoverFailure = 'not-found' | 'dangling' | 'loop';

const EMPTY_INSTALL: InstallSection = { alias: [], wantedBy: [], requiredBy: [], also: [] };

/** The [Install] section of a unit file, specifiers expanded for `unitName`. */
export function parseInstallSection(text: string, path: string, unitName: string, host: UnitHostFacts): InstallSection {
  const unit = parseUnitName(unitName);
  if (!unit) return EMPTY_INSTALL;
  const lexed = lexUnitFile(text, path);
  const only = { ...lexed, assignments: lexed.assignments.filter((a) => a.section === 'Install') };
  return applyAssignments([only], unit.type, { unitName, fragmentPath: path, host }).settings.install;
}

function findEntry(tree: UnitFileTree, name: string): { dir: SearchDir; entry: UnitDirEntry } | undefined {
  for (const dir of tree.searchPath) {
    const entry = dir.entries.find((e) => e.name === name);
    if (entry) return { dir, entry };
  }
  return undefined;
}

/** install_info_discover(): the unit file behind a name, aliases followed (by name, along the search path); or a file named by path. */
export function discoverUnit(tree: UnitFileTree, name: string): Discovered | DiscoverFailure {
  if (name.startsWith('/')) {
    const file = tree.namedFiles?.get(name);
    const unitName = base(name);
    if (!file || file.kind === 'missing' || !parseUnitName(unitName)) return 'not-found';
    if (file.kind === 'masked') return { mode: 'masked', name: unitName, path: name };
    return { mode: 'regular', name: unitName, path: name, install: parseInstallSection(tree.texts.get(file.path) ?? '', name, unitName, tree.host) };
  }
  let current = name;
  for (let hops = 0; hops < 64; hops++) {
    const unit = parseUnitName(current);
    if (!unit) return 'not-found';
    const template = templateOf(unit);
    const hit = findEntry(tree, current) ?? (template !== undefined ? findEntry(tree, template) : undefined);
    if (!hit) return 'not-found';
    const { dir, entry } = hit;
    const ownPath = `${dir.path}/${entry.name}`;
    if (entry.target.kind === 'masked') return { mode: 'masked', name: current, path: ownPath };
    if (entry.target.kind === 'missing') return 'dangling';
    const path = entry.target.path;
    const targetName = base(path);
    if (targetName === entry.name) {
      const text = tree.texts.get(path) ?? '';
      return { mode: 'regular', name: current, path, install: parseInstallSection(text, path, current, tree.host) };
    }
    // An alias: follow the name it leads to; an instance of an aliased template keeps its instance.
    const target = parseUnitName(targetName);
    if (!target || target.type !== unit.type) return 'not-found';
    current = isInstance(unit) && isTemplate(target) ? instantiate(target, unit.instance!) : targetName;
  }
  return 'loop';
}

const hasRules = (i: InstallSection): boolean => i.alias.length + i.wantedBy.length + i.requiredBy.length > 0;

/** is_symlink_with_known_name(): the unit's own name, an Alias=, or the template's default instance. */
function knownName(info: Discovered & { mode: 'regular' }, linkName: string): boolean {
  if (linkName === info.name || info.install.alias.includes(linkName)) return true;
  const unit = parseUnitName(info.name);
  if (unit && isTemplate(unit) && info.install.defaultInstance !== undefined) return linkName === instantiate(unit, info.install.defaultInstance);
  return false;
}

/**
 * find_symlinks_in_scope(): links that enable the unit in the config directories (/etc, /run).
 * With matchName only links named as [Install] names them count (enabled); without, any link
 * to the unit does (indirect). Links shipped in /usr/lib count for neither, as in systemd 252.
 */
function symlinkState(tree: UnitFileTree, info: Discovered & { mode: 'regular' }, matchName: boolean): UnitFileState | undefined {
  let ignoreSameName = false;
  let enabledInRuntime = false;
  let sameNameConfig = false;
  let sameNameRuntime = false;
  for (const dir of tree.searchPath) {
    let found = false;
    let sameName = false;
    const check = (linkName: string, dest: string, linkDir: string): void => {
      if (found) return;
      const foundPath = !ignoreSameName && linkName === info.name;
      const foundDest = base(dest) === info.name;
      if (foundPath && foundDest && `${linkDir}/${linkName}` === `${dir.path}/${info.name}`) sameName = true;
      else if ((foundPath || foundDest) && (!matchName || knownName(info, linkName))) found = true;
    };
    for (const d of dir.depDirs) for (const l of d.links) check(l.name, l.dest, `${dir.path}/${d.name}`);
    for (const e of dir.entries) if (e.dest !== undefined) check(e.name, e.dest, dir.path);
    if (found) {
      if (dir.path === PERSISTENT_CONFIG) return 'enabled';
      if (isRuntimePath(dir.path)) enabledInRuntime = true;
    } else if (sameName) {
      if (dir.path === PERSISTENT_CONFIG) sameNameConfig = true;
      else if (isRuntimePath(dir.path)) sameNameRuntime = true;
    }
    if (!ignoreSameName && under(info.path, dir.path)) ignoreSameName = true;
  }
  if (enabledInRuntime) return 'enabled-runtime';
  if (sameNameRuntime) return 'linked-runtime';
  if (sameNameConfig) return 'linked';
  return undefined;
}

/** unit_file_get_state(): undefined when there is no such unit (systemctl: "No such file or directory"). */
export function unitFileState(tree: UnitFileTree, name: string): UnitFileState | undefined {
  const info = discoverUnit(tree, name);
  if (info === 'not-found' || info === 'dangling' || info === 'loop') return undefined;
  if (info.mode === 'masked') return isRuntimePath(info.path) ? 'masked-runtime' : 'masked';
  if (GENERATOR_DIRS.some((d) => under(info.path, d))) return 'generated';
  if (under(info.path, TRANSIENT_DIR)) return 'transient';
  const unit = parseUnitName(name);
  if (name !== base(info.path) && unit && !isInstance(unit)) return 'alias';
  const state = symlinkState(tree, info, true);
  if (state !== undefined) return state;
  if (symlinkState(tree, info, false) !== undefined) return 'indirect';
  if (hasRules(info.install)) return 'disabled';
  if (info.install.also.length > 0) return 'indirect';
  return 'static';
}

/** is-enabled's exit code: these states count as enabled. */
export const countsAsEnabled = (s: UnitFileState): boolean =>
  s === 'enabled' || s === 'enabled-runtime' || s === 'static' || s === 'alias' || s === 'indirect' || s === 'generated';

/** systemctl hides the preset for these states. */
export const showsPreset = (s: UnitFileState): boolean => s !== 'alias' && s !== 'static' && s !== 'generated' && s !== 'transient';

// ---- changes ------------------------------------------------------------------------------

interface Planner {
  readonly tree: UnitFileTree;
  readonly changes: InstallChange[];
  /** Links made so far (path -> target), so a later step of the same run sees them. */
  readonly made: Map<string, string>;
  readonly removed: Set<string>;
  failed: boolean;
}

const newPlanner = (tree: UnitFileTree): Planner => ({ tree, changes: [], made: new Map(), removed: new Set(), failed: false });

/** What is at a config path now (after this run's own changes): a symlink's text, a file, or nothing. */
function existing(p: Planner, path: string): { kind: 'none' } | { kind: 'link'; dest: string } | { kind: 'file' } {
  if (p.made.has(path)) return { kind: 'link', dest: p.made.get(path)! };
  if (p.removed.has(path)) return { kind: 'none' };
  const configDir = [PERSISTENT_CONFIG, RUNTIME_CONFIG].find((d) => under(path, d));
  const link = configDir !== undefined ? p.tree.configLinks.get(configDir)?.find((l) => l.path === path) : undefined;
  if (link) return { kind: 'link', dest: link.dest };
  const dir = p.tree.searchPath.find((d) => d.path === dirOf(path));
  const entry = dir?.entries.find((e) => e.name === base(path));
  if (entry) return entry.dest !== undefined ? { kind: 'link', dest: entry.dest } : { kind: 'file' };
  return { kind: 'none' };
}

/** create_symlink(): an equivalent link already there is fine; another one is "already exists" unless forced. */
function createSymlink(p: Planner, target: string, path: string, force: boolean): boolean {
  const now = existing(p, path);
  if (now.kind === 'none') {
    p.made.set(path, target);
    p.changes.push({ kind: 'symlink', path, target });
    return true;
  }
  if (now.kind === 'link' && (now.dest === target || (base(now.dest) === base(target) && finalOf(p.tree, now.dest) === finalOf(p.tree, target)))) return true;
  if (now.kind === 'link' && force) {
    p.made.set(path, target);
    p.changes.push({ kind: 'unlink', path }, { kind: 'symlink', path, target });
    return true;
  }
  p.failed = true;
  p.changes.push({ kind: 'error', error: now.kind === 'link' ? { kind: 'exists', path, symlinkTo: now.dest } : { kind: 'exists', path } });
  return false;
}

/** The final file a path leads to, as far as the tree knows (links in search directories). */
function finalOf(tree: UnitFileTree, path: string): string {
  const dir = tree.searchPath.find((d) => d.path === dirOf(path));
  const e = dir?.entries.find((x) => x.name === base(path));
  return e?.target.kind === 'file' ? e.target.path : path;
}

function unitExists(tree: UnitFileTree, name: string): boolean {
  const d = discoverUnit(tree, name);
  return typeof d !== 'string';
}

export interface InstallOptions {
  /** --runtime: /run/systemd/system instead of /etc/systemd/system. */
  readonly runtime?: boolean;
  /** --force: replace conflicting links. */
  readonly force?: boolean;
  /** disable: follow Also= (systemctl disable does; preset's disabling does not). */
  readonly followAlso?: boolean;
}

const configPathOf = (opts: InstallOptions): string => (opts.runtime ? RUNTIME_CONFIG : PERSISTENT_CONFIG);

/** unit_file_enable(): Alias= links, then WantedBy=/RequiredBy= links, for each unit and its Also= units. */
export function planEnable(tree: UnitFileTree, names: readonly string[], opts: InstallOptions = {}): InstallResult {
  const p = newPlanner(tree);
  const config = configPathOf(opts);
  const queue = [...names];
  const seen = new Set<string>();
  let linksCount = 0;
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i]!;
    if (seen.has(name)) continue;
    seen.add(name);
    const auxiliary = i >= names.length;
    const info = discoverUnit(tree, name);
    if (typeof info === 'string') {
      if (!auxiliary) {
        p.failed = true;
        p.changes.push({ kind: 'error', error: { kind: 'not-found', unit: name } });
      }
      continue;
    }
    if (info.mode === 'masked') {
      p.failed = true;
      p.changes.push({ kind: 'error', error: { kind: 'masked', path: info.path } });
      continue;
    }
    if (GENERATOR_DIRS.some((d) => under(info.path, d)) || under(info.path, TRANSIENT_DIR)) {
      p.failed = true;
      p.changes.push({ kind: 'error', error: { kind: 'generated', path: info.path } });
      continue;
    }
    queue.push(...info.install.also);
    linksCount += applyInstall(p, info, config, opts.force === true);
  }
  return { changes: p.changes, failed: p.failed, noInstallInfo: linksCount === 0 };
}

function applyInstall(p: Planner, info: Discovered & { mode: 'regular' }, config: string, force: boolean): number {
  let count = 0;
  // A file outside the search path is linked in by its name first (install_info_symlink_link).
  if (!p.tree.searchPath.some((d) => d.path === dirOf(info.path)) && createSymlink(p, info.path, `${config}/${info.name}`, force)) count++;
  for (const alias of info.install.alias) {
    const a = parseUnitName(alias);
    const u = parseUnitName(info.name);
    if (!a || !u || a.type !== u.type) {
      p.failed = true;
      p.changes.push({ kind: 'error', error: { kind: 'invalid-name', name: alias } });
      continue;
    }
    if (createSymlink(p, info.path, `${config}/${alias}`, force)) count++;
  }
  const unit = parseUnitName(info.name)!;
  let linkName = info.name;
  let templateOnly = false;
  if (isTemplate(unit)) {
    if (info.install.defaultInstance !== undefined) linkName = instantiate(unit, info.install.defaultInstance);
    else templateOnly = true;
  }
  for (const [list, suffix] of [[info.install.wantedBy, '.wants'], [info.install.requiredBy, '.requires']] as const) {
    for (const dst of list) {
      const d = parseUnitName(dst);
      if (!d) {
        p.failed = true;
        p.changes.push({ kind: 'error', error: { kind: 'invalid-name', name: dst } });
        continue;
      }
      if (templateOnly && d.instance === undefined) {
        p.failed = true;
        p.changes.push({ kind: 'error', error: { kind: 'non-template-destination', unit: linkName, destination: dst } });
        continue;
      }
      if (createSymlink(p, info.path, `${config}/${dst}${suffix}/${linkName}`, true)) count++;
      if (!unitExists(p.tree, dst)) p.changes.push({ kind: 'destination-not-present', unitPath: info.path, destination: dst });
    }
  }
  return count;
}

/** unit_file_disable(): every link in the config directory named as the unit or leading to it goes, repeatedly. */
export function planDisable(tree: UnitFileTree, names: readonly string[], opts: InstallOptions = {}): InstallResult {
  const p = newPlanner(tree);
  const marks = new Set<string>();
  const queue = [...names];
  const seen = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i]!;
    if (seen.has(name)) continue;
    seen.add(name);
    const info = discoverUnit(tree, name);
    if (info === 'not-found') {
      // Printed, but not a failure: systemctl 252 exits 0.
      if (i < names.length) p.changes.push({ kind: 'error', error: { kind: 'not-found', unit: name } });
      continue;
    }
    if (typeof info === 'string') continue;
    if (info.mode === 'masked') {
      p.changes.push({ kind: 'is-masked', path: info.path });
      continue;
    }
    if (opts.followAlso !== false) queue.push(...info.install.also);
    marks.add(info.name);
  }
  sweep(p, configPathOf(opts), marks);
  return { changes: p.changes, failed: p.failed, noInstallInfo: false };
}

/** remove_marked_symlinks(): passes over the config directory until no removed link leads to another. */
function sweep(p: Planner, config: string, marks: Set<string>): void {
  const links = p.tree.configLinks.get(config) ?? [];
  for (let again = true; again;) {
    again = false;
    for (const l of links) {
      if (p.removed.has(l.path) || !parseUnitName(base(l.path))) continue;
      const name = base(l.path);
      const u = parseUnitName(name)!;
      const template = templateOf(u);
      const found = marks.has(name) || (template !== undefined && marks.has(template)) || marks.has(l.dest) || marks.has(base(l.dest));
      if (!found) continue;
      p.removed.add(l.path);
      p.changes.push({ kind: 'unlink', path: l.path });
      if (!marks.has(l.path)) {
        marks.add(l.path);
        again = true;
      }
    }
  }
}

/** unit_file_mask(): NAME -> /dev/null in the config directory. */
export function planMask(tree: UnitFileTree, names: readonly string[], opts: InstallOptions = {}): InstallResult {
  const p = newPlanner(tree);
  for (const name of names) {
    if (!parseUnitName(name)) {
      p.failed = true;
      p.changes.push({ kind: 'error', error: { kind: 'invalid-name', name } });
      continue;
    }
    createSymlink(p, '/dev/null', `${configPathOf(opts)}/${name}`, opts.force === true);
  }
  return { changes: p.changes, failed: p.failed, noInstallInfo: false };
}

/** unit_file_unmask(): the mask (a link to /dev/null or an empty file) goes, and links to it. */
export function planUnmask(tree: UnitFileTree, names: readonly string[], opts: InstallOptions = {}): InstallResult {
  const p = newPlanner(tree);
  const config = configPathOf(opts);
  const marks = new Set<string>();
  for (const name of [...new Set(names)]) {
    const dir = tree.searchPath.find((d) => d.path === config);
    const entry = dir?.entries.find((e) => e.name === name);
    if (!entry || entry.target.kind !== 'masked') continue;
    const path = `${config}/${name}`;
    p.removed.add(path);
    p.changes.push({ kind: 'unlink', path });
    marks.add(path);
  }
  sweep(p, config, marks);
  return { changes: p.changes, failed: p.failed, noInstallInfo: false };
}

/** reenable: disable by name, then enable. */
export function planReenable(tree: UnitFileTree, names: readonly string[], opts: InstallOptions = {}): InstallResult {
  const off = planDisable(tree, names.map(base), opts);
  if (off.failed) return off;
  const removed = new Set(off.changes.flatMap((c) => (c.kind === 'unlink' ? [c.path] : [])));
  const on = planEnable(withoutLinks(tree, removed), names, opts);
  return { changes: [...off.changes, ...on.changes], failed: on.failed, noInstallInfo: on.noInstallInfo };
}

/** The tree as it is once these links are gone (for a plan that follows another). */
function withoutLinks(tree: UnitFileTree, removed: ReadonlySet<string>): UnitFileTree {
  return {
    ...tree,
    searchPath: tree.searchPath.map((d) => ({
      ...d,
      entries: d.entries.filter((e) => !removed.has(`${d.path}/${e.name}`)),
      depDirs: d.depDirs.map((x) => ({ ...x, links: x.links.filter((l) => !removed.has(`${d.path}/${x.name}/${l.name}`)) })),
    })),
    configLinks: new Map([...tree.configLinks].map(([k, v]) => [k, v.filter((l) => !removed.has(l.path))])),
  };
}

// ---- list-unit-files and presets ---------------------------------------------------------------

export interface UnitFileListEntry {
  readonly name: string;
  /** Where the name was found (the link itself for an alias). */
  readonly path: string;
  readonly state: UnitFileState;
}

/** unit_file_get_list(): every unit-named file or link in the search path, first directory wins. */
export function listUnitFiles(tree: UnitFileTree): UnitFileListEntry[] {
  const out = new Map<string, UnitFileListEntry>();
  for (const dir of tree.searchPath) {
    for (const e of dir.entries) {
      if (out.has(e.name)) continue;
      out.set(e.name, { name: e.name, path: `${dir.path}/${e.name}`, state: unitFileState(tree, e.name) ?? 'bad' });
    }
  }
  return [...out.values()];
}

/** list-unit-files' order: by type suffix, then by name, both ignoring case. */
export function compareUnitFiles(a: UnitFileListEntry, b: UnitFileListEntry): number {
  const ci = (x: string, y: string): number => {
    const [lx, ly] = [x.toLowerCase(), y.toLowerCase()];
    return lx < ly ? -1 : lx > ly ? 1 : 0;
  };
  return ci(a.name.slice(a.name.lastIndexOf('.')), b.name.slice(b.name.lastIndexOf('.'))) || ci(base(a.path), base(b.path));
}

/** Preset files' lines (`enable PATTERN [INSTANCE...]`, `disable PATTERN`); the rest is ignored. */
export function parsePresetFile(text: string): PresetRule[] {
  const rules: PresetRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const [verb, pattern, ...instances] = line.split(/\s+/);
    if ((verb === 'enable' || verb === 'disable') && pattern !== undefined) rules.push({ action: verb, pattern, instances: verb === 'enable' ? instances : [] });
  }
  return rules;
}

/** fnmatch(3) without flags: `*`, `?`, `[...]`. */
export const globMatch = (pattern: string, name: string): boolean => fnmatch(pattern, name);

/** The preset for a unit: the first rule that matches decides; none matches: enable. */
export function presetOf(rules: readonly PresetRule[], name: string): 'enabled' | 'disabled' {
  const rule = presetRuleOf(rules, name);
  return rule === undefined || rule.action === 'enable' ? 'enabled' : 'disabled';
}

export const presetRuleOf = (rules: readonly PresetRule[], name: string): PresetRule | undefined => rules.find((r) => globMatch(r.pattern, name));

/**
 * unit_file_preset() in full mode: each unit enabled or disabled as its preset says; a template
 * whose rule lists instances (`enable foo@.service a b`) enables those instances; disabling by
 * preset does not follow Also=.
 */
export function planPreset(tree: UnitFileTree, names: readonly string[], opts: InstallOptions = {}): InstallResult {
  const enable: string[] = [];
  const disable: string[] = [];
  for (const name of names) {
    const rule = presetRuleOf(tree.presets, name);
    const unit = parseUnitName(name);
    if (rule?.action === 'disable') disable.push(name);
    else if (rule !== undefined && rule.instances.length > 0 && unit && isTemplate(unit)) enable.push(...rule.instances.map((i) => instantiate(unit, i)));
    else enable.push(name);
  }
  const off = planDisable(tree, disable, { ...opts, followAlso: false });
  const removed = new Set(off.changes.flatMap((c) => (c.kind === 'unlink' ? [c.path] : [])));
  const on = planEnable(withoutLinks(tree, removed), enable, opts);
  return { changes: [...off.changes, ...on.changes], failed: off.failed || on.failed, noInstallInfo: false };
}
