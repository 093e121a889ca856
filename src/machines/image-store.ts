// Images by name, as machinectl keeps them: directories (and raw disk files, NAME.raw) in the
// image search path, new ones made in the first directory of it (/var/lib/machines). Every change
// is made so a failure leaves nothing half-done: copies go to a hidden temporary name
// (`.#NAME…`, never listed) and are renamed into place at the end; a running machine's image is
// neither removed nor renamed, and a read-only one (the immutable attribute) is not changed.
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NsboxError } from '../errors.js';
import { ImageBusyError, ImageExistsError, ImageNotFoundError, ImageOperationError, ImageReadOnlyError, InvalidImageNameError } from './image-errors.js';
import { imageSearchPath, imageStoreDir } from './images.js';
import { isImmutable, setImmutable } from './file-flags.js';
import { listMachines, MACHINES_DIR } from './registry.js';

export type ImageType = 'directory' | 'raw';

export interface Image {
  readonly name: string;
  readonly type: ImageType;
  readonly path: string;
  readonly readOnly: boolean;
  /** Birth time (µs since the epoch) where the file system records one. */
  readonly createdUs?: number;
  readonly modifiedUs: number;
  /** Bytes on disk: known for raw files; a directory's would need a walk (machinectl shows none either). */
  readonly usageBytes?: number;
}

/** machinectl's rule: a valid host name label set, at most 64 characters, not hidden. */
export function checkImageName(name: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(name) || name.endsWith('.raw')) throw new InvalidImageNameError(name);
}

function entryOf(dir: string, file: string): Image | undefined {
  if (file.startsWith('.')) return undefined;
  const path = join(dir, file);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return undefined;
  }
  const times = { ...(st.birthtimeMs > 0 ? { createdUs: Math.round(st.birthtimeMs * 1000) } : {}), modifiedUs: Math.round(st.mtimeMs * 1000) };
  if (st.isDirectory()) return { name: file, type: 'directory', path, readOnly: isImmutable(path, true), ...times };
  if (st.isFile() && file.endsWith('.raw')) {
    // A raw file is read-only when its mode lets nobody write it (as machined decides).
    return { name: file.slice(0, -'.raw'.length), type: 'raw', path, readOnly: (st.mode & 0o222) === 0 || isImmutable(path, false), ...times, usageBytes: st.blocks * 512 };
  }
  return undefined;
}

/** Every image of the search path, by name; where two directories hold one name, the first wins. */
export function listImages(searchPath: readonly string[] = imageSearchPath()): Image[] {
  const byName = new Map<string, Image>();
  for (const dir of searchPath) {
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      const image = entryOf(dir, file);
      if (image !== undefined && !byName.has(image.name)) byName.set(image.name, image);
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function getImage(name: string, searchPath: readonly string[] = imageSearchPath()): Image {
  checkImageName(name);
  for (const dir of searchPath) {
    const image = entryOf(dir, name) ?? entryOf(dir, `${name}.raw`);
    if (image !== undefined) return image;
  }
  throw new ImageNotFoundError(name, searchPath);
}

/** Where new images go (made if missing): /var/lib/machines, or the first directory of a search path given. */
export function imageStore(searchPath?: readonly string[]): string {
  const dir = searchPath?.[0] ?? imageStoreDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The path a new image of this name and type takes; ImageExistsError when any image has the name. */
export function newImagePath(name: string, type: ImageType, searchPath?: readonly string[]): string {
  checkImageName(name);
  const existing = listImages(searchPath ?? imageSearchPath()).find((i) => i.name === name);
  if (existing !== undefined) throw new ImageExistsError(name, existing.path);
  return join(imageStore(searchPath), type === 'raw' ? `${name}.raw` : name);
}

/** A hidden sibling of `path` to build into, then rename over `path`. */
export const temporaryPathFor = (path: string): string => join(path, '..', `.#${basename(path)}${randomBytes(8).toString('hex')}`);

/** Runs a build into a temporary path and renames it into place; on any failure the temporary is removed. */
export async function buildAtomically<T>(image: string, operation: string, target: string, build: (tmp: string) => T | Promise<T>): Promise<T> {
  const tmp = temporaryPathFor(target);
  try {
    const result = await build(tmp);
    if (existsSync(target)) throw new ImageExistsError(image, target);
    renameSync(tmp, target);
    return result;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof NsboxError) throw err;
    throw new ImageOperationError(image, operation, (err as Error).message);
  }
}

/** The running machine whose tree is this image, if any. */
export function machineUsing(image: Image, machinesDir = MACHINES_DIR): string | undefined {
  return listMachines(machinesDir).find((m) => m.directory === image.path)?.name;
}

function checkNotBusy(image: Image, machinesDir?: string): void {
  const machine = machineUsing(image, machinesDir);
  if (machine !== undefined) throw new ImageBusyError(image.name, machine);
}

/** cp -a: owners, modes, times, xattrs, ACLs, devices and hard links kept; reflinks where the file system has them. */
export function copyTree(from: string, to: string): void {
  const r = spawnSync('cp', ['-a', '--reflink=auto', '--no-target-directory', '--', from, to], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.error?.message ?? r.stderr.trim() ?? `cp exited with ${r.status}`);
}

export interface StoreOptions {
  readonly searchPath?: readonly string[];
  readonly machinesDir?: string;
}

export async function cloneImage(name: string, newName: string, o: StoreOptions & { readOnly?: boolean } = {}): Promise<Image> {
  const source = getImage(name, o.searchPath);
  const target = newImagePath(newName, source.type, o.searchPath);
  await buildAtomically(newName, 'clone', target, (tmp) => {
    copyTree(source.path, tmp);
    // A clone of a read-only image is writable unless asked (machinectl clone --read-only).
    if (source.readOnly) setReadOnlyAt(tmp, source.type, false);
  });
  // After the rename: an immutable directory cannot be renamed.
  if (o.readOnly === true) setReadOnlyAt(target, source.type, true);
  return getImage(newName, o.searchPath);
}

export function renameImage(name: string, newName: string, o: StoreOptions = {}): Image {
  const source = getImage(name, o.searchPath);
  checkNotBusy(source, o.machinesDir);
  if (source.readOnly) throw new ImageReadOnlyError(name, source.path);
  checkImageName(newName);
  const existing = listImages(o.searchPath).find((i) => i.name === newName);
  if (existing !== undefined) throw new ImageExistsError(newName, existing.path);
  const target = join(source.path, '..', source.type === 'raw' ? `${newName}.raw` : newName);
  renameSync(source.path, target);
  return getImage(newName, o.searchPath);
}

export function removeImage(name: string, o: StoreOptions = {}): void {
  const image = getImage(name, o.searchPath);
  checkNotBusy(image, o.machinesDir);
  if (image.readOnly) throw new ImageReadOnlyError(name, image.path);
  // Renamed away first, so a removal cut short never leaves a half image under the name.
  const doomed = temporaryPathFor(image.path);
  renameSync(image.path, doomed);
  rmSync(doomed, { recursive: true, force: true });
}

export function setReadOnlyAt(path: string, type: ImageType, on: boolean): void {
  if (type === 'directory') return setImmutable(path, true, on);
  const mode = statSync(path).mode & 0o7777;
  chmodSync(path, on ? mode & ~0o222 : mode | 0o200);
}

export function setImageReadOnly(name: string, on: boolean, o: StoreOptions = {}): Image {
  const image = getImage(name, o.searchPath);
  setReadOnlyAt(image.path, image.type, on);
  return getImage(name, o.searchPath);
}
