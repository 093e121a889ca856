// The one file of src/unit/ that touches the disk: finds a unit's fragment along the search path,
// follows alias symlinks, detects masking, collects drop-ins, gathers host facts for specifiers,
// then hands the text to the pure parser. The environment (root, SYSTEMD_UNIT_PATH) comes in as
// parameters; nothing here reads process.env.
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { arch, hostname as osHostname, release } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { UnitDiagnostic } from './diagnostics.js';
import { sectionsFor } from './directive-table.js';
import { lexUnitFile, type LexedFile } from './lexer.js';
import { applyAssignments, type ParseResult } from './parse.js';
import { dropInDirectories, selectDropIns, unitSearchPath } from './search-path.js';
import { defaultUnitSettings, type UnitSettings } from './settings.js';
import { defaultUnitHostFacts, type UnitHostFacts } from './specifiers.js';
import { instantiate, isTemplate, parseUnitName, templateOf, type UnitName } from './unit-name.js';
import { verifyUnit } from './verify.js';

export interface LoadOptions {
  /** Operate on a tree below this directory (`--root`); paths in results keep the prefix. */
  readonly root?: string;
  /** The value of SYSTEMD_UNIT_PATH, if the caller wants it honoured. */
  readonly unitPath?: string;
  /** Extra directories searched first (systemd-analyze verify adds the file's directory). */
  readonly extraSearchPath?: readonly string[];
  /** Facts for specifiers; gathered from the root (or host) when absent. */
  readonly host?: UnitHostFacts;
  /**
   * Drop-ins from outside the search path, as if in a directory searched last (so one of the
   * same name in the search path wins): systemd-analyze security --profile adds the portable
   * profile this way, named profile.conf. The file itself is read from `path`.
   */
  readonly extraDropIns?: readonly { readonly name: string; readonly path: string }[];
  /** Directory listings shared by the loads of one batch (see createLoadCache()). */
  readonly cache?: LoadCache;
}

export type LoadState = 'loaded' | 'not-found' | 'masked' | 'bad-setting' | 'invalid-name';

export interface LoadedUnit {
  readonly name: string;
  readonly loadState: LoadState;
  readonly fragmentPath?: string;
  readonly dropInPaths: readonly string[];
  /** Other names of this unit (alias symlinks). */
  readonly aliases: readonly string[];
  readonly settings: UnitSettings;
  readonly diagnostics: readonly UnitDiagnostic[];
}

/**
 * A parsed unit with systemd's post-load checks (run only when every setting parsed, as in
 * systemd) and the load state they give; unit files and the Node API's option text share it.
 */
export function verified(parsed: ParseResult, type: UnitName['type'], name: string): Pick<LoadedUnit, 'loadState' | 'settings' | 'diagnostics'> {
  const parseFailed = parsed.diagnostics.some((d) => d.severity === 'error');
  const diagnostics = [...parsed.diagnostics, ...(parseFailed ? [] : verifyUnit(parsed.settings, type, name))];
  return { loadState: diagnostics.some((d) => d.severity === 'error') ? 'bad-setting' : 'loaded', settings: parsed.settings, diagnostics };
}

/** systemd-analyze verify's instance for templates. */
export const TEST_INSTANCE = 'test_instance';

const rooted = (root: string | undefined, p: string): string => (root ? join(root, p) : p);

async function exists(p: string, cache?: LoadCache): Promise<boolean> {
  if (!cache) return lstat(p).then(() => true, () => false);
  // One readdir per directory answers every lookup in it for the rest of the batch.
  const dir = dirname(p);
  let names = cache.entries.get(dir);
  if (!names) {
    names = readdir(dir).then((n) => new Set(n), () => new Set<string>());
    cache.entries.set(dir, names);
  }
  return (await names).has(basename(p));
}

type Resolved = { kind: 'file'; path: string } | { kind: 'masked'; path: string } | { kind: 'missing' };

/** Follows a symlink chain inside `root`; /dev/null or an empty file means masked. */
async function resolveLink(path: string, root: string | undefined): Promise<Resolved> {
  let current = path;
  for (let hops = 0; hops < 32; hops++) {
    const st = await lstat(current).catch(() => undefined);
    if (!st) return { kind: 'missing' };
    if (!st.isSymbolicLink()) {
      if (st.isCharacterDevice() || (st.isFile() && st.size === 0)) return { kind: 'masked', path };
      return st.isFile() ? { kind: 'file', path: current } : { kind: 'missing' };
    }
    const target = await readlink(current);
    if (target === '/dev/null') return { kind: 'masked', path };
    current = target.startsWith('/') ? rooted(root, target) : join(dirname(current), target);
  }
  return { kind: 'missing' };
}

interface Fragment { readonly resolved: Resolved; readonly realName: string; readonly requestedPath: string }

async function findFragment(unit: UnitName, dirs: readonly string[], root: string | undefined, cache?: LoadCache): Promise<Fragment | undefined> {
  const candidates = [unit.name, templateOf(unit)].filter((n): n is string => n !== undefined);
  for (const candidate of candidates) {
    for (const dir of dirs) {
      const requestedPath = `${dir}/${candidate}`;
      if (!(await exists(requestedPath, cache))) continue;
      const resolved = await resolveLink(requestedPath, root);
      if (resolved.kind === 'missing') continue;
      let realName = unit.name;
      if (resolved.kind === 'file' && basename(resolved.path) !== candidate) {
        const target = parseUnitName(basename(resolved.path));
        if (target && target.type === unit.type) {
          realName = target.instance === '' && unit.instance ? instantiate(target, unit.instance) : target.name;
        }
      }
      return { resolved, realName, requestedPath };
    }
  }
  return undefined;
}

/** Every unit-name symlink in the search path with the fragment it leads to, directory order kept. */
async function listUnitSymlinks(dirs: readonly string[], root: string | undefined): Promise<{ name: string; target: string }[]> {
  const links: { name: string; target: string }[] = [];
  for (const dir of dirs) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isSymbolicLink() || !parseUnitName(e.name)) continue;
      const r = await resolveLink(`${dir}/${e.name}`, root);
      if (r.kind === 'file') links.push({ name: e.name, target: r.path });
    }
  }
  return links;
}

/**
 * Reuses directory listings across loads (systemd-analyze security scores many units in one run).
 * Only for a batch that reads a tree nobody changes meanwhile: results are never invalidated.
 */
export interface LoadCache {
  readonly unitSymlinks: Map<string, Promise<{ name: string; target: string }[]>>;
  readonly entries: Map<string, Promise<Set<string>>>;
}
export const createLoadCache = (): LoadCache => ({ unitSymlinks: new Map(), entries: new Map() });

/** Names in the search path whose symlinks lead to the same fragment. */
async function findAliases(fragmentPath: string, realName: string, dirs: readonly string[], root: string | undefined, cache?: LoadCache): Promise<string[]> {
  const key = JSON.stringify([root, dirs]);
  let links = cache?.unitSymlinks.get(key);
  if (!links) {
    links = listUnitSymlinks(dirs, root);
    cache?.unitSymlinks.set(key, links);
  }
  const aliases = new Set<string>();
  for (const { name, target } of await links) if (target === fragmentPath && name !== realName) aliases.add(name);
  return [...aliases];
}

/**
 * realpath(3) of a host path below `root`, with symlinks resolved as if `root` were / (an absolute
 * link inside a --root tree points into the tree, not at the host). Undefined when missing.
 */
async function canonicalInRoot(path: string, root: string | undefined): Promise<string | undefined> {
  if (!root) return realpath(path).catch(() => undefined);
  const top = await realpath(root).catch(() => undefined);
  if (top === undefined || !path.startsWith(`${root}/`)) return realpath(path).catch(() => undefined);
  const rest = path.slice(root.length).split('/').filter((c) => c !== '');
  const done: string[] = [];
  for (let hops = 0; rest.length > 0;) {
    const c = rest.shift() as string;
    if (c === '.') continue;
    if (c === '..') { done.pop(); continue; }
    const here = join(top, ...done, c);
    const st = await lstat(here).catch(() => undefined);
    if (!st) return undefined;
    if (!st.isSymbolicLink()) { done.push(c); continue; }
    if (++hops > 32) return undefined;
    const target = await readlink(here);
    if (target.startsWith('/')) done.length = 0;
    rest.unshift(...target.split('/').filter((x) => x !== ''));
  }
  return join(top, ...done);
}

type ExtraDropIns = LoadOptions['extraDropIns'];

async function readDropIns(unit: UnitName, aliases: readonly UnitName[], dirs: readonly string[], root: string | undefined, extra: ExtraDropIns = [], cache?: LoadCache) {
  const listed = [];
  const seen = new Set<string>();
  for (const candidate of dropInDirectories(unit, aliases, dirs)) {
    // systemd reports drop-ins by canonical directory (on Debian /lib/… shows as /usr/lib/…), and
    // one directory reached through two search-path entries counts once.
    // Most candidates do not exist; one lstat rules them out before the component-wise walk.
    if (!(await exists(candidate, cache))) continue;
    const directory = await canonicalInRoot(candidate, root);
    if (directory === undefined || seen.has(directory)) continue;
    seen.add(directory);
    const names = await readdir(directory).catch(() => [] as string[]);
    if (names.length > 0) listed.push({ directory, names: names.sort() });
  }
  const selected = selectDropIns(listed);
  const taken = new Set(selected.map((d) => d.name));
  const all = [...selected, ...extra.filter((d) => !taken.has(d.name))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const { path } of all) {
    // A drop-in linked to /dev/null (or empty) masks the same name in lower directories.
    if ((await resolveLink(path, root)).kind === 'file') files.push(path);
  }
  return files;
}

async function lexFile(path: string, type: UnitName['type']): Promise<LexedFile> {
  const text = await readFile(path, 'utf8');
  return lexUnitFile(text, path, { knownSections: new Set([...sectionsFor(type), ...ALL_SECTIONS]) });
}
// Sections of other unit types are reported by the parser, which knows the type.
const ALL_SECTIONS = ['Unit', 'Install', 'Service', 'Socket', 'Mount', 'Automount', 'Swap', 'Timer', 'Path', 'Slice', 'Scope'];

export async function loadUnit(name: string, opts: LoadOptions = {}): Promise<LoadedUnit> {
  const empty = { dropInPaths: [], aliases: [], settings: defaultUnitSettings() };
  let unit = parseUnitName(name);
  if (!unit) return { name, loadState: 'invalid-name', ...empty, diagnostics: [{ severity: 'error', file: name, line: 0, message: 'Unit name is not valid.' }] };
  if (isTemplate(unit)) unit = parseUnitName(instantiate(unit, TEST_INSTANCE))!;
  const dirs = [...(opts.extraSearchPath ?? []), ...unitSearchPath(opts.unitPath).map((d) => rooted(opts.root, d))];
  const fragment = await findFragment(unit, dirs, opts.root, opts.cache);
  if (!fragment) return { name: unit.name, loadState: 'not-found', ...empty, diagnostics: [] };
  if (fragment.resolved.kind === 'masked') {
    return { name: unit.name, loadState: 'masked', ...empty, fragmentPath: fragment.resolved.path, diagnostics: [] };
  }
  const fragmentPath = (fragment.resolved as { path: string }).path;
  const real = parseUnitName(fragment.realName)!;
  const aliasNames = await findAliases(fragmentPath, real.name, dirs, opts.root, opts.cache);
  if (unit.name !== real.name && !aliasNames.includes(unit.name)) aliasNames.push(unit.name);
  const aliases = aliasNames.map((n) => parseUnitName(n)).filter((u): u is UnitName => u !== undefined);
  const dropInPaths = await readDropIns(real, aliases, dirs, opts.root, opts.extraDropIns, opts.cache);
  const files = [await lexFile(fragmentPath, real.type)];
  for (const p of dropInPaths) files.push(await lexFile(p, real.type));
  const host = opts.host ?? (await readHostFacts(opts.root));
  const parsed = withDependencyDirectories(applyAssignments(files, real.type, { unitName: real.name, fragmentPath, host }), await readDependencyDirectories([real.name, ...aliasNames], dirs, opts.cache));
  return { name: real.name, ...verified(parsed, real.type, real.name), fragmentPath, dropInPaths, aliases: aliasNames };
}

/**
 * The units named in `NAME.wants/` and `NAME.requires/` of every search-path directory (for the
 * unit and each alias): what `systemctl enable` links there, read as Wants=/Requires= as systemd
 * reads them.
 */
async function readDependencyDirectories(names: readonly string[], dirs: readonly string[], cache?: LoadCache): Promise<{ wants: string[]; requires: string[] }> {
  const found = { wants: [] as string[], requires: [] as string[] };
  for (const dir of dirs) {
    for (const name of names) {
      for (const kind of ['wants', 'requires'] as const) {
        // Most of these directories do not exist: the batch's cached listing rules them out, as for drop-ins.
        if (!(await exists(`${dir}/${name}.${kind}`, cache))) continue;
        const entries = await readdir(`${dir}/${name}.${kind}`).catch(() => [] as string[]);
        for (const e of entries.sort()) if (parseUnitName(e) !== undefined && !found[kind].includes(e)) found[kind].push(e);
      }
    }
  }
  return found;
}

function withDependencyDirectories(parsed: ParseResult, deps: { wants: readonly string[]; requires: readonly string[] }): ParseResult {
  if (deps.wants.length === 0 && deps.requires.length === 0) return parsed;
  const unit = parsed.settings.unit;
  const merged = (a: readonly string[], b: readonly string[]): string[] => [...a, ...b.filter((x) => !a.includes(x))];
  return { ...parsed, settings: { ...parsed.settings, unit: { ...unit, wants: merged(unit.wants, deps.wants), requires: merged(unit.requires, deps.requires) } } };
}

/** Loads a unit given by file path, searching its directory first (as systemd-analyze verify). */
export async function loadUnitFile(path: string, opts: LoadOptions = {}): Promise<LoadedUnit> {
  return loadUnit(basename(path), { ...opts, extraSearchPath: [dirname(path), ...(opts.extraSearchPath ?? [])] });
}

const ARCHITECTURES: Readonly<Record<string, string>> = {
  x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64-le', s390x: 's390x', riscv64: 'riscv64',
};

async function readText(p: string): Promise<string | undefined> {
  return readFile(p, 'utf8').then((t) => t, () => undefined);
}

function parseEnvFile(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

/** Facts specifiers need, read from the tree at `root` (the host's kernel facts regardless). */
export async function readHostFacts(root?: string): Promise<UnitHostFacts> {
  const osRelease = parseEnvFile((await readText(rooted(root, '/etc/os-release'))) ?? (await readText(rooted(root, '/usr/lib/os-release'))));
  const machineInfo = parseEnvFile(await readText(rooted(root, '/etc/machine-info')));
  const hostname = root ? (await readText(rooted(root, '/etc/hostname')))?.trim() || 'localhost' : osHostname();
  const machineId = (await readText(rooted(root, '/etc/machine-id')))?.trim();
  const bootId = (await readText('/proc/sys/kernel/random/boot_id'))?.trim().replace(/-/g, '');
  const prettyHostname = machineInfo['PRETTY_HOSTNAME'];
  return {
    ...defaultUnitHostFacts,
    hostname,
    ...(prettyHostname ? { prettyHostname } : {}),
    ...(machineId ? { machineId } : {}),
    ...(bootId ? { bootId } : {}),
    architecture: ARCHITECTURES[arch()] ?? arch(),
    kernelRelease: release(),
    osRelease,
  };
}

