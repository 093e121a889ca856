// The edge of unit-file enablement: reads the search path of a tree (the host's `/`, a --root, a
// chroot's own /) into unit/install.ts's UnitFileTree, and applies the symlinks it plans.
// Every path is resolved inside the root, component by component with the root as `/` (an
// absolute link or a `..` in the tree stays in the tree), so no link a tree holds makes nsbox
// read or write outside it.
import { lstatSync, mkdirSync, opendirSync, readFileSync, readlinkSync, rmdirSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EnablementError } from './errors.js';
import {
  PERSISTENT_CONFIG, RUNTIME_CONFIG, parsePresetFile,
  type ConfigLink, type FinalTarget, type InstallChange, type PresetRule, type SearchDir, type UnitDirEntry, type UnitFileTree,
} from '../unit/install.js';
import { readHostFacts } from '../unit/load.js';
import { unitSearchPath } from '../unit/search-path.js';
import { parseUnitName } from '../unit/unit-name.js';

/** systemd's preset directories for the system manager (Debian's /lib last). */
export const PRESET_DIRS = ['/etc/systemd/system-preset', '/run/systemd/system-preset', '/usr/local/lib/systemd/system-preset', '/usr/lib/systemd/system-preset', '/lib/systemd/system-preset'];

export { EnablementError };

const MAX_HOPS = 40;

/**
 * chase_symlinks() with a root: `path` (absolute, inside the root) with every symlink followed as
 * if the root were `/`; `..` never climbs above it. `path` is the canonical path inside the root
 * (missing components kept as written), `exists` whether it all exists.
 */
export function chaseInRoot(root: string, path: string): { path: string; exists: boolean } {
  const rest = path.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  for (let hops = 0; rest.length > 0;) {
    const c = rest.shift()!;
    if (c === '..') {
      done.pop();
      continue;
    }
    const host = join(root, ...done, c);
    let st;
    try {
      st = lstatSync(host);
    } catch {
      return { path: normal([...done, c, ...rest]), exists: false };
    }
    if (!st.isSymbolicLink()) {
      done.push(c);
      continue;
    }
    if (++hops > MAX_HOPS) return { path: normal([...done, c, ...rest]), exists: false };
    const target = readlinkSync(host);
    if (target.startsWith('/')) done.length = 0;
    rest.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
  }
  return { path: normal(done), exists: true };
}

const normal = (parts: readonly string[]): string => {
  const out: string[] = [];
  for (const p of parts) if (p === '..') out.pop(); else out.push(p);
  return `/${out.join('/')}`;
};

const hostPath = (root: string, inRoot: string): string => join(root, inRoot);

/** What a path in the root finally is: a unit file, a mask (/dev/null, an empty file) or nothing. */
function finalTarget(root: string, path: string): FinalTarget {
  const chased = chaseInRoot(root, path);
  // A link to /dev/null masks, even in a --root tree that has no /dev.
  if (chased.path === '/dev/null') return { kind: 'masked' };
  if (!chased.exists) return { kind: 'missing' };
  try {
    const st = statSync(hostPath(root, chased.path));
    if (st.isCharacterDevice() || (st.isFile() && st.size === 0)) return { kind: 'masked' };
    return st.isFile() ? { kind: 'file', path: chased.path } : { kind: 'missing' };
  } catch {
    return { kind: 'missing' };
  }
}

/** A directory's entries in the kernel's order (readdir), as systemd iterates them. */
function listDir(host: string): { name: string; type: 'file' | 'link' | 'dir' | 'other' }[] {
  let dir;
  try {
    dir = opendirSync(host);
  } catch {
    return [];
  }
  const out: { name: string; type: 'file' | 'link' | 'dir' | 'other' }[] = [];
  try {
    for (let e = dir.readSync(); e !== null; e = dir.readSync()) {
      out.push({ name: e.name, type: e.isSymbolicLink() ? 'link' : e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other' });
    }
  } finally {
    dir.closeSync();
  }
  return out;
}

const absoluteDest = (dir: string, text: string): string => (text.startsWith('/') ? normal(text.split('/')) : normal([...dir.split('/'), ...text.split('/')]));

export interface TreeOptions {
  /** The tree's root on the host (`/` for the host itself). */
  readonly root: string;
  /** SYSTEMD_UNIT_PATH, as systemctl honours it (its directories inside the root). */
  readonly unitPath?: string;
  /** Unit files named by path (inside the root) on the command line, read as well. */
  readonly namedFiles?: readonly string[];
}

/** Reads what unit/install.ts needs of the tree at `root`. */
export async function readUnitFileTree(opts: TreeOptions): Promise<UnitFileTree> {
  const { root } = opts;
  const texts = new Map<string, string>();
  const readText = (inRoot: string): void => {
    if (texts.has(inRoot)) return;
    try {
      texts.set(inRoot, readFileSync(hostPath(root, chaseInRoot(root, inRoot).path), 'utf8'));
    } catch {
      texts.set(inRoot, '');
    }
  };
  const searchPath: SearchDir[] = [];
  const seenDirs = new Set<string>();
  for (const path of unitSearchPath(opts.unitPath)) {
    const chased = chaseInRoot(root, path);
    if (!chased.exists) continue;
    let id: string;
    try {
      const st = statSync(hostPath(root, chased.path));
      if (!st.isDirectory()) continue;
      id = `${st.dev}:${st.ino}`;
    } catch {
      continue;
    }
    // One directory reached by two entries (/lib and /usr/lib on merged /usr) counts once, first name kept.
    if (seenDirs.has(id)) continue;
    seenDirs.add(id);
    const host = hostPath(root, chased.path);
    const entries: UnitDirEntry[] = [];
    const depDirs: { name: string; links: { name: string; dest: string }[] }[] = [];
    for (const e of listDir(host)) {
      if (e.type === 'dir' && /\.(wants|requires|upholds)$/.test(e.name)) {
        const links = listDir(join(host, e.name)).filter((l) => l.type === 'link' && parseUnitName(l.name))
          .map((l) => ({ name: l.name, dest: absoluteDest(`${path}/${e.name}`, readlinkSync(join(host, e.name, l.name))) }));
        depDirs.push({ name: e.name, links });
        continue;
      }
      if ((e.type !== 'file' && e.type !== 'link') || !parseUnitName(e.name)) continue;
      const own = `${path}/${e.name}`;
      if (e.type === 'file') {
        const target = finalTarget(root, own);
        entries.push({ name: e.name, target: target.kind === 'file' ? { kind: 'file', path: own } : target });
        if (target.kind === 'file') readText(own);
      } else {
        const target = finalTarget(root, own);
        entries.push({ name: e.name, dest: absoluteDest(path, readlinkSync(join(host, e.name))), target });
        if (target.kind === 'file') readText(target.path);
      }
    }
    searchPath.push({ path, entries, depDirs });
  }
  const configLinks = new Map<string, ConfigLink[]>();
  for (const config of [PERSISTENT_CONFIG, RUNTIME_CONFIG]) configLinks.set(config, walkLinks(root, config));
  const namedFiles = new Map<string, FinalTarget>();
  for (const path of opts.namedFiles ?? []) {
    const target = finalTarget(root, path);
    namedFiles.set(path, target);
    if (target.kind === 'file') readText(target.path);
  }
  return { searchPath, texts, configLinks, presets: readPresets(root), host: await readHostFacts(root === '/' ? undefined : root), namedFiles };
}

/** Every symlink below a config directory, depth first in directory order (remove_marked_symlinks). */
function walkLinks(root: string, dir: string, depth = 0): ConfigLink[] {
  if (depth > 16) return [];
  const chased = chaseInRoot(root, dir);
  if (!chased.exists) return [];
  const out: ConfigLink[] = [];
  for (const e of listDir(hostPath(root, chased.path))) {
    const path = `${dir}/${e.name}`;
    if (e.type === 'dir') out.push(...walkLinks(root, path, depth + 1));
    else if (e.type === 'link') out.push({ path, dest: chaseInRoot(root, path).path });
  }
  return out;
}

function readPresets(root: string): PresetRule[] {
  const chosen = new Map<string, string>();
  for (const dir of PRESET_DIRS) {
    const chased = chaseInRoot(root, dir);
    if (!chased.exists) continue;
    for (const e of listDir(hostPath(root, chased.path))) {
      if (e.name.endsWith('.preset') && !chosen.has(e.name)) chosen.set(e.name, `${chased.path}/${e.name}`);
    }
  }
  const rules: PresetRule[] = [];
  for (const name of [...chosen.keys()].sort()) {
    const p = chosen.get(name)!;
    try {
      rules.push(...parsePresetFile(readFileSync(hostPath(root, chaseInRoot(root, p).path), 'utf8')));
    } catch {
      // An unreadable preset file adds no rules.
    }
  }
  return rules;
}

/**
 * mkdir -p inside the root: where `dir` leads (symlinks followed inside the root), each missing
 * directory made below a parent that is itself resolved first. Returns the canonical path.
 */
function mkdirInRoot(root: string, dir: string, depth = 0): string {
  const chased = chaseInRoot(root, dir);
  if (chased.exists) return chased.path;
  if (depth > MAX_HOPS) throw new EnablementError(`Failed to create directory ${dir}: too many levels`, dir, 'ELOOP');
  const slash = chased.path.lastIndexOf('/');
  const parent = mkdirInRoot(root, chased.path.slice(0, slash) || '/', depth + 1);
  const made = join(parent, chased.path.slice(slash + 1));
  try {
    mkdirSync(hostPath(root, made), { mode: 0o755 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new EnablementError(`Failed to create directory ${dir}: ${(e as Error).message}`, dir, (e as NodeJS.ErrnoException).code);
  }
  return chaseInRoot(root, made).path;
}

/**
 * Applies a plan's changes in order: links made (their directories too), links removed with the
 * directories they leave empty. Stops at the first that fails: `done` counts the changes before it.
 */
export function applyInstallChanges(root: string, changes: readonly InstallChange[]): { readonly done: number; readonly error?: EnablementError } {
  for (const [i, c] of changes.entries()) {
    try {
      applyOne(root, c);
    } catch (e) {
      if (e instanceof EnablementError) return { done: i, error: e };
      throw e;
    }
  }
  return { done: changes.length };
}

function applyOne(root: string, c: InstallChange): void {
  if (c.kind === 'symlink') {
    const slash = c.path.lastIndexOf('/');
    const parent = mkdirInRoot(root, c.path.slice(0, slash));
    const link = join(hostPath(root, parent), c.path.slice(slash + 1));
    try {
      // --force: the plan unlinked it first (an `unlink` change just before this one).
      symlinkSync(c.target, link);
    } catch (e) {
      throw new EnablementError(`Failed to create symlink ${c.path}: ${(e as Error).message}`, c.path, (e as NodeJS.ErrnoException).code);
    }
  } else if (c.kind === 'unlink') {
    const slash = c.path.lastIndexOf('/');
    const parent = chaseInRoot(root, c.path.slice(0, slash));
    if (!parent.exists) return;
    const host = join(hostPath(root, parent.path), c.path.slice(slash + 1));
    try {
      unlinkSync(host);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new EnablementError(`Failed to remove ${c.path}: ${(e as Error).message}`, c.path, (e as NodeJS.ErrnoException).code);
    }
    removeEmptyParents(root, c.path);
  }
}

/** rmdir_parents(): directories the removal left empty go, up to the config directory. */
function removeEmptyParents(root: string, path: string): void {
  const config = [PERSISTENT_CONFIG, RUNTIME_CONFIG].find((d) => path.startsWith(`${d}/`));
  if (config === undefined) return;
  for (let dir = path.slice(0, path.lastIndexOf('/')); dir.length > config.length; dir = dir.slice(0, dir.lastIndexOf('/'))) {
    const chased = chaseInRoot(root, dir);
    if (!chased.exists) return;
    try {
      rmdirSync(hostPath(root, chased.path));
    } catch {
      return;
    }
  }
}
